import { expect, test, type Page } from '@playwright/test';
import { createServerClient } from '@supabase/ssr';
import { createClient } from '@supabase/supabase-js';
import { fetchAvailability } from '../../src/lib/api/events.ts';
import { LOCAL_PUBLISHABLE_KEY } from '../../src/lib/config/supabase-config.ts';
import type { Database } from '../../src/lib/database.types.ts';
import { seatsLeft } from '../../src/lib/domain/format.ts';
import {
	ChannelRelay,
	createEvent,
	focusFreeSeat,
	focusSeat,
	hydrated,
	login,
	mapSynced,
	person,
	seatButton,
	uniqueName
} from './helpers.ts';
import { decodeSeatMap } from '../../src/lib/domain/seat-map-wire.ts';

/**
 * The server ends a page's realtime channel (its token expired) while bookings go on: each live
 * page shows its reconnect banner, starts a channel again by itself, and then shows what the
 * database holds, without a reload (the event page by the replay of what it missed, the others by
 * fetching again).
 */

const SECTION = { name: 'Hall', rows: 1, seats: 4, category: 'standard', priceCents: 1000 };

/** Someone else, signed in with supabase-js, books these seats of the event. */
async function someoneBooks(baseURL: string, slug: string, count: number, seatId?: number) {
	const db = createClient<Database>(baseURL, LOCAL_PUBLISHABLE_KEY, {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	await db.auth.signInAnonymously({ options: { data: { display_name: uniqueName('Buyer') } } });
	const { data: event } = await db.from('events').select('id').eq('slug', slug).single();
	const { data: map } = await db.rpc('seat_map', { p_event_id: event!.id });
	const seats = seatId === undefined ? Array.from(decodeSeatMap(map).id).slice(0, count) : [seatId];
	const booked = await db
		.from('bookings')
		.insert(seats.map((seat_id) => ({ event_id: event!.id, seat_id })))
		.select('id');
	expect(booked.error).toBeNull();
	return { db, eventId: event!.id };
}

/** What the events list must say about the event's seats, by the database. */
async function seatsLeftInDatabase(baseURL: string, eventId: number): Promise<string> {
	const db = createClient<Database>(baseURL, LOCAL_PUBLISHABLE_KEY, {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	const a = (await fetchAvailability(db)).data!.get(eventId)!;
	return seatsLeft(a.total - a.booked - a.held, a.held);
}

/**
 * The server closes the page's channel on `topic`; the page shows the banner and tries to start a
 * channel again, which the relay holds back until `meanwhile` has changed the database.
 */
async function closedWhile(
	page: Page,
	relay: ChannelRelay,
	topic: string,
	meanwhile: () => Promise<void>
): Promise<void> {
	relay.holdJoins(topic);
	relay.expire(topic);
	await expect(page.getByTestId('realtime-banner')).toBeVisible();
	await meanwhile();
	await expect.poll(() => relay.heldJoins, { message: 'the page joins again' }).toBe(1);
	await expect(page.getByTestId('realtime-banner')).toBeVisible();
	relay.releaseJoins();
	await expect(page.getByTestId('realtime-banner')).toHaveCount(0, { timeout: 15_000 });
	await expect(page.getByTestId('connection')).toHaveAttribute('data-synced', 'true');
}

test('the event page recovers after the server closes its channel', async ({
	browser,
	baseURL
}) => {
	const { slug, path } = await createEvent(baseURL!, { sections: [SECTION] });
	const relay = new ChannelRelay();
	let snapshots = 0;
	const { page, context } = await person(browser, 'Eve', path, {
		prepare: async (c) => {
			await relay.install(c);
			c.on('request', (r) => {
				if (r.url().includes('/rest/v1/rpc/seat_bookings')) snapshots++;
			});
		}
	});
	const seat = await focusFreeSeat(page);
	const before = snapshots;
	expect(before).toBeGreaterThan(0);
	let eventId = 0;
	await closedWhile(page, relay, 'event:', async () => {
		eventId = (await someoneBooks(baseURL!, slug, 1, Number(seat))).eventId;
	});
	await mapSynced(page);
	// A short gap with one change in it: the new channel's replay filled it, with no snapshot.
	expect(snapshots).toBe(before);
	await focusSeat(page, seat);
	await expect(seatButton(page, seat)).toHaveAttribute('data-status', 'taken');
	await expect(page.getByTestId('event-seats-left')).toHaveText(
		await seatsLeftInDatabase(baseURL!, eventId)
	);
	await context.close();
});

test('the events list recovers after the server closes its channel', async ({
	browser,
	baseURL
}) => {
	const { slug, path } = await createEvent(baseURL!, { sections: [SECTION] });
	const relay = new ChannelRelay();
	const context = await browser.newContext();
	await relay.install(context);
	const page = await context.newPage();
	await page.goto('/');
	await hydrated(page);
	const left = page.locator(`a[href="${path}"]`).getByTestId('seats-left');
	await expect(left).toHaveText('4 seats left');
	await expect(page.getByTestId('connection')).toHaveAttribute('data-synced', 'true');
	let eventId = 0;
	await closedWhile(page, relay, 'events', async () => {
		eventId = (await someoneBooks(baseURL!, slug, 3)).eventId;
	});
	await expect(left).toHaveText(await seatsLeftInDatabase(baseURL!, eventId));
	await expect(left).toHaveText('1 seat left');
	await context.close();
});

test('my bookings recover after the server closes their channel', async ({ browser, baseURL }) => {
	const { slug } = await createEvent(baseURL!, { sections: [SECTION] });
	const relay = new ChannelRelay();
	const context = await browser.newContext();
	await relay.install(context);
	const page = await context.newPage();
	await login(page, uniqueName('Mo'), '/me');
	await expect(page.getByText('You have no bookings.')).toBeVisible();
	await expect(page.getByTestId('connection')).toHaveAttribute('data-synced', 'true');
	await closedWhile(page, relay, 'user:', async () => {
		// The same person books on another device (the session from the browser's cookies).
		const cookies = await context.cookies();
		const elsewhere = createServerClient<Database>(baseURL!, LOCAL_PUBLISHABLE_KEY, {
			cookies: {
				getAll: () => cookies.map(({ name, value }) => ({ name, value })),
				setAll: () => {}
			}
		});
		const { data: event } = await elsewhere.from('events').select('id').eq('slug', slug).single();
		const { data: map } = await elsewhere.rpc('seat_map', { p_event_id: event!.id });
		const booked = await elsewhere
			.from('bookings')
			.insert(
				Array.from(decodeSeatMap(map).id)
					.slice(0, 2)
					.map((seat_id) => ({ event_id: event!.id, seat_id }))
			)
			.select('id');
		expect(booked.error).toBeNull();
	});
	await expect(page.getByTestId('bookings').getByRole('listitem')).toHaveCount(2);
	await context.close();
});
