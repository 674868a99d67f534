import { createServerClient } from '@supabase/ssr';
import { expect, test, type BrowserContext } from '@playwright/test';
import { LOCAL_PUBLISHABLE_KEY } from '../../src/lib/config/supabase-config.ts';
import type { Database } from '../../src/lib/database.types.ts';
import { hydrated, login, uniqueName } from '../e2e/helpers.ts';
import { decodeSeatMap } from '../../src/lib/domain/seat-map-wire.ts';

const WIDTHS = [375, 768, 1280];
const SCHEMES = ['light', 'dark'] as const;
const OUT = 'test-output/screenshots';

/**
 * My bookings with everything it can show: a hold counting down, an order with a seat released
 * from it, a cancelled order, and the question asked before releasing a booked seat.
 */
async function fill(context: BrowserContext, baseURL: string): Promise<void> {
	const cookies = await context.cookies();
	const db = createServerClient<Database>(baseURL, LOCAL_PUBLISHABLE_KEY, {
		cookies: { getAll: () => cookies.map(({ name, value }) => ({ name, value })), setAll: () => {} }
	});
	const hold = async (slug: string, count: number): Promise<number[]> => {
		const { data: event } = await db.from('events').select('id').eq('slug', slug).single();
		const [{ data: map }, { data: taken }] = await Promise.all([
			db.rpc('seat_map', { p_event_id: event!.id }),
			db.rpc('seat_bookings', { p_event_id: event!.id })
		]);
		const busy = new Set((taken as unknown as { seat_id: number[] }).seat_id);
		// Free seats from the end of the venue, away from those the other screens pick.
		const free = Array.from(decodeSeatMap(map).id).filter((id) => !busy.has(id));
		const held = await db
			.from('bookings')
			.insert(
				free.slice(-count).map((seat_id) => ({ event_id: event!.id, seat_id, status: 'held' }))
			)
			.select('id')
			.order('id');
		expect(held.error).toBeNull();
		return held.data!.map((b) => b.id);
	};
	const order = async (ids: number[]): Promise<string> => {
		const { data, error } = await db.rpc('confirm_order', { p_booking_ids: ids });
		expect(error).toBeNull();
		return (data as { reference: string }).reference;
	};
	const release = async (reference: string, ids: number[]) => {
		const { error } = await db.rpc('release_from_order', {
			p_reference: reference,
			p_booking_ids: ids
		});
		expect(error).toBeNull();
	};
	const cancelled = await hold('jazz-night', 1);
	await release(await order(cancelled), cancelled);
	const three = await hold('hamlet', 3);
	await release(await order(three), [three[0]]);
	await hold('symphony-no-9', 2);
}

test('screenshots of my bookings', async ({ browser, baseURL }) => {
	for (const width of WIDTHS) {
		const context = await browser.newContext({
			viewport: { width, height: width < 500 ? 800 : 900 },
			timezoneId: 'Europe/Berlin'
		});
		const page = await context.newPage();
		await login(page, uniqueName('Shot'), '/me');
		await fill(context, baseURL!);
		await page.goto('/me');
		await hydrated(page);
		await expect(page.getByTestId('order-card')).toHaveCount(2);
		await expect(page.getByTestId('holds').getByRole('listitem')).toHaveCount(2);
		for (const colorScheme of SCHEMES) {
			await page.emulateMedia({ colorScheme });
			await page.screenshot({
				path: `${OUT}/my-bookings-full-${width}-${colorScheme}.png`,
				fullPage: true
			});
			await page.getByTestId('bookings').getByRole('button').first().click();
			await expect(page.getByRole('alertdialog')).toBeVisible();
			await page.screenshot({ path: `${OUT}/my-bookings-dialog-${width}-${colorScheme}.png` });
			await page.keyboard.press('Escape');
			await expect(page.getByRole('alertdialog')).toBeHidden();
		}
		await context.close();
	}
});
