import { createClient } from '@supabase/supabase-js';
import { expect, test } from '@playwright/test';
import { TEST_KEYS } from '../../backend/test-support/test-keys.ts';
import { LOCAL_PUBLISHABLE_KEY } from '../../src/lib/config/supabase-config.ts';
import type { Database } from '../../src/lib/database.types.ts';
import {
	createEvent,
	focusFreeSeat,
	hydrated,
	login,
	mapSynced,
	uniqueName
} from '../e2e/helpers.ts';
import { decodeSeatMap } from '../../src/lib/domain/seat-map-wire.ts';

const WIDTHS = [375, 768, 1280];
const SCHEMES = ['light', 'dark'] as const;
const OUT = 'test-output/screenshots';

/**
 * The events list with an event nearly sold out ("Only 8 seats left", in Tokyo, two prices), and
 * that event's page with a hold in its last minute: the header's two local times and the urgent
 * countdown (in the panel, and in the phone's summary bar and sheet).
 */
test('screenshots of the events list and an event in its last minute', async ({
	browser,
	baseURL
}) => {
	const { slug, path } = await createEvent(baseURL!, {
		maxSeats: 100,
		// 54 seconds: a hold is in its last minute from the start.
		holdMinutes: 0.9,
		sections: [
			{ name: 'Floor', rows: 5, seats: 10, category: 'floor', priceCents: 2500 },
			{ name: 'Box', rows: 5, seats: 10, category: 'box', priceCents: 12000 }
		]
	});
	const admin = createClient<Database>(baseURL!, TEST_KEYS.serviceRoleKey, {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	const { data: event } = await admin
		.from('events')
		.update({ time_zone: 'Asia/Tokyo', name: 'Late Show' })
		.eq('slug', slug)
		.select('id')
		.single();
	const buyer = createClient<Database>(baseURL!, LOCAL_PUBLISHABLE_KEY, {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	await buyer.auth.signInAnonymously({ options: { data: { display_name: uniqueName('Buyer') } } });
	const { data: map } = await buyer.rpc('seat_map', { p_event_id: event!.id });
	// Most of the front row stays free.
	const ids = Array.from(decodeSeatMap(map).id);
	const seats = [...ids.slice(0, 2), ...ids.slice(10)];
	const taken = await buyer
		.from('bookings')
		.insert(seats.map((seat_id) => ({ event_id: event!.id, seat_id })));
	expect(taken.error).toBeNull();

	for (const width of WIDTHS) {
		const context = await browser.newContext({
			viewport: { width, height: width < 500 ? 800 : 900 },
			timezoneId: 'Europe/Berlin'
		});
		const page = await context.newPage();
		await login(page, uniqueName('Shot'), '/');
		await hydrated(page);
		await expect(page.getByTestId('few-left')).toBeVisible();
		for (const colorScheme of SCHEMES) {
			await page.emulateMedia({ colorScheme });
			await page.screenshot({ path: `${OUT}/listing-${width}-${colorScheme}.png`, fullPage: true });
		}

		await page.emulateMedia({ colorScheme: 'light' });
		await page.goto(path);
		await hydrated(page);
		await mapSynced(page);
		// Up to the front row, where the free seats are.
		await focusFreeSeat(page, Array<string>(10).fill('ArrowUp'));
		await page.keyboard.press('Enter');
		await expect(page.getByTestId('outcome')).toContainText('Holding');
		await page.mouse.move(0, 0);
		const countdown = page.getByTestId(width < 800 ? 'hold-countdown-compact' : 'hold-countdown');
		await expect(countdown).toHaveAttribute('data-urgent', 'true');
		for (const colorScheme of SCHEMES) {
			await page.emulateMedia({ colorScheme });
			await page.screenshot({ path: `${OUT}/listing-event-urgent-${width}-${colorScheme}.png` });
			if (width < 800) {
				await page.getByTestId('sheet-toggle').click();
				await page.screenshot({
					path: `${OUT}/listing-event-urgent-${width}-${colorScheme}-sheet.png`
				});
				await page.getByTestId('sheet-toggle').click();
			}
		}
		await context.close();
	}
});
