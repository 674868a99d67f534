import { createServerClient } from '@supabase/ssr';
import { expect, test, type BrowserContext } from '@playwright/test';
import { LOCAL_PUBLISHABLE_KEY } from '../../src/lib/config/supabase-config.ts';
import {
	createEvent,
	expectNoSeriousViolations,
	hydrated,
	login,
	mapSynced,
	uniqueName
} from './helpers.ts';

/**
 * The same person on another device: real supabase-js carrying the browser's session (read from
 * its cookies as the app's server does), talking to the same server.
 */
async function sameUserElsewhere(context: BrowserContext, baseURL: string) {
	const cookies = await context.cookies();
	return createServerClient(baseURL, LOCAL_PUBLISHABLE_KEY, {
		cookies: { getAll: () => cookies.map(({ name, value }) => ({ name, value })), setAll: () => {} }
	});
}

test('my bookings stay live: a booking made elsewhere appears, a release in another tab disappears', async ({
	browser,
	baseURL
}) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await login(page, uniqueName('Tab'), '/me');
	await expect(page.getByText('You have no bookings.')).toBeVisible();

	const elsewhere = await sameUserElsewhere(context, baseURL!);
	const { data: event } = await elsewhere.from('events').select('id').eq('slug', 'hamlet').single();
	// Free seats from the end of the venue, away from the seats other tests pick.
	const [{ data: map }, { data: taken }] = await Promise.all([
		elsewhere.rpc('seat_map', { p_event_id: event!.id }),
		elsewhere.rpc('seat_bookings', { p_event_id: event!.id })
	]);
	const busy = new Set((taken as { seat_id: number[] }).seat_id);
	const free = (map as { id: number[] }).id.filter((id) => !busy.has(id)).slice(-2);
	const booked = await elsewhere
		.from('bookings')
		.insert(free.map((seat_id) => ({ event_id: event!.id, seat_id })))
		.select('id');
	expect(booked.error).toBeNull();

	// No reload: the list follows the database.
	await expect(page.getByRole('heading', { name: 'Hamlet' })).toBeVisible();
	await expect(page.getByTestId('bookings').getByRole('listitem')).toHaveCount(2);

	const other = await context.newPage();
	await other.goto('/me');
	await hydrated(other);
	await expect(other.getByTestId('bookings').getByRole('listitem')).toHaveCount(2);
	await other.getByRole('button', { name: 'Release all 2 seats' }).click();
	await expect(other.getByTestId('outcome')).toContainText('Released 2 seats');

	await expect(page.getByText('You have no bookings.')).toBeVisible();
	await context.close();
});

test('my holds show with a countdown: released here, booked on the event page, or gone when they lapse', async ({
	browser,
	baseURL
}) => {
	const section = { name: 'Hall', rows: 1, seats: 4, category: 'standard', priceCents: 1000 };
	// One event with the usual 10-minute holds, one whose holds last 6 seconds.
	const [long, short] = await Promise.all([
		createEvent(baseURL!, { sections: [section] }),
		createEvent(baseURL!, { holdMinutes: 0.1, sections: [section] })
	]);
	const context = await browser.newContext();
	const page = await context.newPage();
	await login(page, uniqueName('Hal'), '/me');
	await expect(page.getByText('You have no bookings.')).toBeVisible();

	// Holds made elsewhere (another tab, another device) show here without a reload.
	const elsewhere = await sameUserElsewhere(context, baseURL!);
	const hold = async (slug: string, count: number) => {
		const { data: event } = await elsewhere.from('events').select('id').eq('slug', slug).single();
		const { data: map } = await elsewhere.rpc('seat_map', { p_event_id: event!.id });
		const held = await elsewhere
			.from('bookings')
			.insert(
				(map as { id: number[] }).id
					.slice(0, count)
					.map((seat_id) => ({ event_id: event!.id, seat_id, status: 'held' }))
			)
			.select('id');
		expect(held.error).toBeNull();
	};
	await hold(long.slug, 2);
	const holds = page.getByTestId('holds').getByRole('listitem');
	await expect(holds).toHaveCount(2);
	await expect(holds.first()).toContainText(/Held · expires in (10:00|09:\d\d)/);
	await expectNoSeriousViolations(page);

	// Released from here...
	await page.getByRole('button', { name: 'Release your hold on Hall · Row A · Seat 1' }).click();
	await expect(page.getByTestId('outcome')).toContainText('Released 1 seat');
	await expect(holds).toHaveCount(1);

	// ...or booked on the event page, which the list links to.
	await page.getByTestId('book-held').click();
	await expect(page).toHaveURL(new RegExp(`${long.path}$`));
	await mapSynced(page);
	await expect(page.getByTestId('book')).toHaveText('Book 1 seat');
	await page.getByTestId('book').click();
	await expect(page.getByTestId('outcome')).toContainText('Booked 1 seat');
	await page.goto('/me');
	await expect(page.getByTestId('bookings').getByRole('listitem')).toHaveCount(1);
	await expect(page.getByTestId('holds')).toHaveCount(0);

	// A hold lapses with no message from anywhere: the list drops it at its expiry by itself.
	await hold(short.slug, 1);
	await expect(holds).toHaveCount(1);
	await expect(page.getByTestId('hold-lapsed')).toContainText('Your hold ran out on', {
		timeout: 10_000
	});
	await expect(page.getByTestId('holds')).toHaveCount(0);
	await expect(page.getByTestId('bookings').getByRole('listitem')).toHaveCount(1);
	await context.close();
});
