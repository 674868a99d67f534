import { expect, test } from '@playwright/test';
import { createClient } from '@supabase/supabase-js';
import { TEST_KEYS } from '../../backend/test-support/test-keys.ts';
import { LOCAL_PUBLISHABLE_KEY } from '../../src/lib/config/supabase-config.ts';
import type { Database } from '../../src/lib/database.types.ts';
import { venueTime } from '../../src/lib/domain/format.ts';
import {
	createEvent,
	expectNoSeriousViolations,
	focusFreeSeat,
	hydrated,
	person,
	uniqueName
} from './helpers.ts';
import { decodeSeatMap } from '../../src/lib/domain/seat-map-wire.ts';

/**
 * What the events list tells about an event before it is opened (its prices, whether seats are
 * running out, when it starts at the venue), the hold countdown's last minute, and the login page.
 */

const options = { auth: { persistSession: false, autoRefreshToken: false } };

/** A 20-seat event in Tokyo at two prices, of which a buyer with supabase-js takes `taken`. */
async function tokyoEvent(baseURL: string, taken: number) {
	const event = await createEvent(baseURL, {
		maxSeats: 20,
		sections: [
			{ name: 'Floor', rows: 1, seats: 10, category: 'floor', priceCents: 2500 },
			{ name: 'Box', rows: 1, seats: 10, category: 'box', priceCents: 12000 }
		]
	});
	const admin = createClient<Database>(baseURL, TEST_KEYS.serviceRoleKey, options);
	// An unknown zone is refused in PostgREST's shape, and the event keeps its own.
	const wrong = await admin
		.from('events')
		.update({ time_zone: 'Mars/Olympus' })
		.eq('slug', event.slug);
	expect(wrong.status).toBe(400);
	expect(wrong.error).toMatchObject({ code: '23514', message: 'Unknown time zone: Mars/Olympus.' });
	const updated = await admin
		.from('events')
		.update({ time_zone: 'Asia/Tokyo' })
		.eq('slug', event.slug)
		.select('id, starts_at, time_zone')
		.single();
	expect(updated.error).toBeNull();

	const buyer = createClient<Database>(baseURL, LOCAL_PUBLISHABLE_KEY, options);
	await buyer.auth.signInAnonymously({ options: { data: { display_name: uniqueName('Buyer') } } });
	const { data: map } = await buyer.rpc('seat_map', { p_event_id: updated.data!.id });
	const seats = Array.from(decodeSeatMap(map).id).slice(0, taken);
	const booked = await buyer
		.from('bookings')
		.insert(seats.map((seat_id) => ({ event_id: updated.data!.id, seat_id })));
	expect(booked.error).toBeNull();
	return { ...event, startsAt: updated.data!.starts_at };
}

test('the events list shows prices, "Only" when seats run out, and the venue\'s local time', async ({
	browser,
	baseURL
}) => {
	// Two full axe scans on a loaded machine.
	test.setTimeout(90_000);
	const nearlyFull = await tokyoEvent(baseURL!, 18);
	const roomy = await tokyoEvent(baseURL!, 0);
	const context = await browser.newContext({ timezoneId: 'Europe/Berlin' });
	const page = await context.newPage();
	await page.goto('/');
	await hydrated(page);

	const card = page.locator(`a[href="${nearlyFull.path}"]`);
	await expect(card.getByTestId('price-range')).toHaveText('Tickets €25.00–€120.00');
	await expect(card.getByTestId('seats-left')).toHaveText('2 seats left');
	await expect(card.getByTestId('few-left')).toContainText('Only');
	await expect(card).toContainText('Only 2 seats left');
	await expect(card.getByTestId('venue-time')).toHaveText(
		`· ${venueTime(nearlyFull.startsAt, 'Asia/Tokyo', 'Europe/Berlin')}`
	);
	await expect(card.getByTestId('venue-time')).toContainText('in Tokyo');
	// Plenty left: no "Only".
	const other = page.locator(`a[href="${roomy.path}"]`);
	await expect(other.getByTestId('seats-left')).toHaveText('20 seats left');
	await expect(other.getByTestId('few-left')).toHaveCount(0);

	// The seeded venues: New York's clock is not Berlin's; Amsterdam's is, so it is not repeated.
	const symphony = page.getByRole('link', { name: /Symphony No\. 9/ });
	await expect(symphony.getByTestId('venue-time')).toContainText('in New York');
	await expect(symphony.getByTestId('price-range')).toHaveText('Tickets €40.00–€65.00');
	const jazz = page.getByRole('link', { name: /Jazz Night/ });
	await expect(jazz.getByTestId('price-range')).toHaveText('Tickets €18.00–€35.00');
	await expect(jazz.getByTestId('venue-time')).toHaveCount(0);

	// The event's own header says the same of its time.
	await card.click();
	await expect(page).toHaveURL(new RegExp(`${nearlyFull.path}$`));
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Test event/);
	await expect(page.getByTestId('venue-time')).toHaveText(
		`· ${venueTime(nearlyFull.startsAt, 'Asia/Tokyo', 'Europe/Berlin')}`
	);

	for (const colorScheme of ['light', 'dark'] as const) {
		await page.goto('/');
		await page.emulateMedia({ colorScheme });
		await hydrated(page);
		await expect(card.getByTestId('few-left')).toBeVisible();
		await expectNoSeriousViolations(page);
	}
	await context.close();
});

test('the countdown turns urgent in its last minute, and says so once', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(90_000);
	// 66 seconds: a few before the last minute, then into it.
	const { path } = await createEvent(baseURL!, {
		holdMinutes: 1.1,
		sections: [{ name: 'Stalls', rows: 2, seats: 6, category: 'stalls', priceCents: 3000 }]
	});
	const a = await person(browser, 'Una', path);
	await focusFreeSeat(a.page);
	await a.page.keyboard.press('Enter');
	const countdown = a.page.getByTestId('hold-countdown');
	const alert = a.page.getByTestId('hold-countdown-alert');
	await expect(countdown).toContainText('Time left to book:');
	await expect(countdown).toHaveAttribute('data-urgent', 'false');
	await expect(alert).toHaveText('2 minutes left to book your held seats.');
	await expect(alert).toHaveAttribute('aria-live', 'polite');

	await expect(countdown).toHaveAttribute('data-urgent', 'true', { timeout: 20_000 });
	await expect(countdown).toContainText(/⚠ Under a minute left: 00:5\d/);
	await expect(alert).toHaveText('Less than a minute left to book your held seats.');
	// The seconds go on; what the screen reader is told does not.
	const timer = countdown.getByRole('timer');
	const shown = await timer.textContent();
	await expect(timer).not.toHaveText(shown!);
	await expect(alert).toHaveText('Less than a minute left to book your held seats.');
	await a.context.close();
});

test('the login page opens with its name field focused', async ({ page }) => {
	await page.goto('/login');
	await hydrated(page);
	await expect(page.getByLabel('Your name')).toBeFocused();
	// Reached from the header without a page load, too.
	await page.goto('/');
	await hydrated(page);
	await page.getByRole('link', { name: 'Log in' }).click();
	await expect(page).toHaveURL(/\/login/);
	await expect(page.getByLabel('Your name')).toBeFocused();
});
