import { expect, test, type Page } from '@playwright/test';
import { createClient } from '@supabase/supabase-js';
import { LOCAL_PUBLISHABLE_KEY } from '../../src/lib/config/supabase-config.ts';
import type { Database } from '../../src/lib/database.types.ts';
import {
	ChannelRelay,
	RealtimeControl,
	createEvent,
	focusFreeSeat,
	focusSeat,
	person,
	seatButton,
	uniqueName
} from './helpers.ts';

/**
 * Nothing moves under the pointer: status messages and the reconnect banner appear without
 * shifting the map or the panel beside (or below) it, so a second click lands where it was aimed.
 */

const SECTIONS = [
	{ name: 'Floor', rows: 8, seats: 16, category: 'floor', priceCents: 4000 },
	{ name: 'Balcony', rows: 4, seats: 16, category: 'balcony', priceCents: 2500 }
];
const VIEWPORTS = [
	{ width: 1280, height: 800 },
	{ width: 375, height: 800 }
];

/**
 * Where the map's canvas and the panel are on the page, in CSS px (in the document, so that the
 * test's own keyboard walk scrolling a seat into view does not count as a move).
 */
function layoutBoxes(page: Page) {
	return page.evaluate(() => {
		const box = (testid: string) => {
			const r = document.querySelector(`[data-testid="${testid}"]`)!.getBoundingClientRect();
			return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height };
		};
		// The panel grows and shrinks with its lists; where it starts must not move.
		const panel = box('event-panel');
		return { map: box('seat-canvas'), panel: { x: panel.x, y: panel.y, width: panel.width } };
	});
}

/** Someone else, signed in with supabase-js, books this seat of the event. */
async function someoneBooks(baseURL: string, slug: string, seatId: string): Promise<void> {
	const db = createClient<Database>(baseURL, LOCAL_PUBLISHABLE_KEY, {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	await db.auth.signInAnonymously({ options: { data: { display_name: uniqueName('Buyer') } } });
	const { data: event } = await db.from('events').select('id').eq('slug', slug).single();
	const booked = await db
		.from('bookings')
		.insert({ event_id: event!.id, seat_id: Number(seatId) })
		.select('id');
	expect(booked.error).toBeNull();
}

/** The centre of a seat on screen (the seat the keyboard focus is on or walks right to). */
async function seatCentre(page: Page, seatId: string) {
	await focusSeat(page, seatId);
	const box = (await seatButton(page, seatId).boundingBox())!;
	return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

for (const viewport of VIEWPORTS) {
	test(`messages never move the map or the panel (${viewport.width} px)`, async ({
		browser,
		baseURL
	}) => {
		const { slug, path } = await createEvent(baseURL!, { sections: SECTIONS });
		const realtime = new RealtimeControl();
		const { page, context } = await person(browser, 'Lay', path, {
			viewport,
			prepare: (c) => realtime.install(c)
		});
		await expect(page.getByTestId('viewers')).toBeVisible();
		const before = await layoutBoxes(page);
		expect(before.map.width).toBeGreaterThan(0);
		const outcome = page.getByTestId('outcome');

		// A seat someone else booked: a double-click on it says so and holds nothing.
		const taken = await focusFreeSeat(page, ['ArrowUp', 'ArrowUp']);
		await someoneBooks(baseURL!, slug, taken);
		await expect(seatButton(page, taken)).toHaveAttribute('data-status', 'taken');
		const at = await seatCentre(page, taken);
		await page.mouse.dblclick(at.x, at.y);
		await expect(outcome).toContainText('That seat is taken');
		expect(await layoutBoxes(page)).toEqual(before);

		// A free seat clicked: it is held, and the message leaves the map where it was.
		const free = await focusFreeSeat(page, ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown']);
		const freeAt = await seatCentre(page, free);
		await page.mouse.click(freeAt.x, freeAt.y);
		await expect(outcome).toContainText('Holding');
		await expect(seatButton(page, free)).toHaveAttribute('data-status', 'mine-held');
		expect(await layoutBoxes(page)).toEqual(before);
		// The double-click before held nothing: the one hold is the seat clicked since.
		await expect(page.getByTestId('my-holds').locator('li')).toHaveCount(1);

		// A lost race: the page has not heard that someone else booked the seat it clicks.
		realtime.hold();
		const lost = await focusFreeSeat(
			page,
			[...Array(6)].map(() => 'ArrowUp')
		);
		await someoneBooks(baseURL!, slug, lost);
		const lostAt = await seatCentre(page, lost);
		await page.mouse.click(lostAt.x, lostAt.y);
		await expect(outcome).toContainText('Someone else just took');
		expect(await layoutBoxes(page)).toEqual(before);
		realtime.release();
		await expect(page.getByTestId('my-holds').locator('li')).toHaveCount(1);
		await context.close();
	});

	test(`the reconnect banner never moves the map or the panel (${viewport.width} px)`, async ({
		browser,
		baseURL
	}) => {
		const { path } = await createEvent(baseURL!, { sections: SECTIONS });
		const relay = new ChannelRelay();
		const { page, context } = await person(browser, 'Ban', path, {
			viewport,
			prepare: (c) => relay.install(c)
		});
		await expect(page.getByTestId('viewers')).toBeVisible();
		const before = await layoutBoxes(page);

		relay.holdJoins('event');
		relay.expire('event');
		await expect(page.getByTestId('realtime-banner')).toBeVisible();
		expect(await layoutBoxes(page)).toEqual(before);
		await expect
			.poll(() => relay.heldJoins, { message: 'the page joins again' })
			.toBeGreaterThanOrEqual(1);
		relay.releaseJoins();
		await expect(page.getByTestId('realtime-banner')).toHaveCount(0, { timeout: 15_000 });
		await expect(page.getByTestId('connection')).toHaveAttribute('data-synced', 'true');
		expect(await layoutBoxes(page)).toEqual(before);
		await context.close();
	});
}
