import { createServerClient } from '@supabase/ssr';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { LOCAL_PUBLISHABLE_KEY } from '../../src/lib/config/supabase-config.ts';
import type { Database } from '../../src/lib/database.types.ts';
import { createEvent, expectNoSeriousViolations, hydrated, login, uniqueName } from './helpers.ts';
import { decodeSeatMap } from '../../src/lib/domain/seat-map-wire.ts';

const REFERENCE = /^[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}$/;

/**
 * The same person on another device: real supabase-js carrying the browser's session (read from
 * its cookies as the app's server does), talking to the same server.
 */
async function sameUserElsewhere(context: BrowserContext, baseURL: string) {
	const cookies = await context.cookies();
	const client = createServerClient<Database>(baseURL, LOCAL_PUBLISHABLE_KEY, {
		cookies: { getAll: () => cookies.map(({ name, value }) => ({ name, value })), setAll: () => {} }
	});
	/** Holds the event's first `count` seats (in the map's order); their booking ids. */
	async function hold(slug: string, count: number, skip = 0): Promise<number[]> {
		const { data: event } = await client.from('events').select('id').eq('slug', slug).single();
		const { data: map } = await client.rpc('seat_map', { p_event_id: event!.id });
		const held = await client
			.from('bookings')
			.insert(
				Array.from(decodeSeatMap(map).id)
					.slice(skip, skip + count)
					.map((seat_id) => ({ event_id: event!.id, seat_id, status: 'held' }))
			)
			.select('id')
			.order('id');
		expect(held.error).toBeNull();
		return held.data!.map((b) => b.id);
	}
	/** Books these holds in one order, as the review page's Confirm booking does; its reference. */
	async function confirm(bookingIds: number[]): Promise<string> {
		const { data, error } = await client.rpc('confirm_order', { p_booking_ids: bookingIds });
		expect(error).toBeNull();
		return (data as { reference: string }).reference;
	}
	return { hold, confirm };
}

async function myBookings(context: BrowserContext): Promise<Page> {
	const page = await context.newPage();
	await page.goto('/me');
	await hydrated(page);
	await expect(page.getByTestId('connection')).toHaveAttribute('data-synced', 'true');
	return page;
}

const card = (page: Page, reference: string) =>
	page.locator(`[data-testid="order-card"][data-reference="${reference}"]`);

test('my bookings lists orders and holds apart, live in every tab; a booked seat is released only after asking', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(60_000);
	const event = await createEvent(baseURL!, {
		sections: [{ name: 'Hall', rows: 1, seats: 6, category: 'standard', priceCents: 2500 }]
	});
	const context = await browser.newContext({ timezoneId: 'Europe/Berlin' });
	const page = await context.newPage();
	await login(page, uniqueName('Ord'), '/me');
	await expect(page.getByText('You have no bookings.')).toBeVisible();
	await expect(page.getByTestId('connection')).toHaveAttribute('data-synced', 'true');
	const other = await myBookings(context);

	// Elsewhere: three seats held, two of them booked in one order, the third left on hold.
	const elsewhere = await sameUserElsewhere(context, baseURL!);
	const [first, second] = await elsewhere.hold(event.slug, 3);
	const reference = await elsewhere.confirm([first, second]);
	expect(reference).toMatch(REFERENCE);

	// Both tabs show it without a reload: the order with its reference, seats and total...
	for (const tab of [page, other]) {
		const order = card(tab, reference);
		await expect(order).toBeVisible();
		await expect(order.getByTestId('order-state')).toHaveText('confirmed');
		await expect(order.getByTestId('bookings').getByRole('listitem')).toHaveCount(2);
		await expect(order.getByTestId('bookings').getByRole('listitem').first()).toContainText(
			'Hall · Row A · Seat 1'
		);
		await expect(order.getByTestId('bookings').getByRole('listitem').first()).toContainText(
			'Booked'
		);
		await expect(order.getByTestId('order-total')).toHaveText('2 seats · Total €50.00');
		// ...the event's date in the person's time zone...
		await expect(order.locator('time')).toContainText(/CET|CEST/);
		// ...and the hold apart, counting down.
		const holds = tab.getByTestId('holds').getByRole('listitem');
		await expect(holds).toHaveCount(1);
		await expect(holds.first()).toContainText(
			/Hall · Row A · Seat 3.*Held · expires in (10:00|09:\d\d)/
		);
	}
	await expect(card(page, reference).getByTestId('order-link')).toHaveAttribute(
		'href',
		`/orders/${reference}`
	);

	// Releasing a booked seat asks first; Escape and "Keep it" both keep it.
	const releaseSix = page.getByRole('button', {
		name: `Release Hall · Row A · Seat 1 at ${(await card(page, reference).getByRole('heading').textContent())!.trim()} from order ${reference}`
	});
	const dialog = page.getByRole('alertdialog');
	await releaseSix.click();
	await expect(dialog).toBeVisible();
	await expect(dialog).toContainText(
		`Release Hall · Row A · Seat 1 from order ${reference}? This cannot be undone.`
	);
	await expect(dialog.getByRole('button', { name: 'Keep it' })).toBeFocused();
	// Focus stays inside: Tab goes round the dialog's two buttons.
	await page.keyboard.press('Tab');
	await expect(dialog.getByRole('button', { name: 'Release seat' })).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(dialog.getByRole('button', { name: 'Keep it' })).toBeFocused();
	await page.keyboard.press('Shift+Tab');
	await expect(dialog.getByRole('button', { name: 'Release seat' })).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(releaseSix).toBeFocused();
	await releaseSix.click();
	await dialog.getByRole('button', { name: 'Keep it' }).click();
	await expect(dialog).toBeHidden();
	await expect(releaseSix).toBeFocused();
	await expect(card(page, reference).getByTestId('bookings').getByRole('listitem')).toHaveCount(2);
	await expect(page.getByTestId('outcome')).toHaveCount(0);

	// Confirmed: released from the order, the total follows here and in the other tab.
	await releaseSix.click();
	await dialog.getByRole('button', { name: 'Release seat' }).click();
	await expect(page.getByTestId('outcome')).toContainText(
		`Released 1 seat: Hall · Row A · Seat 1. Order ${reference} now totals €25.00.`
	);
	await expect(page.getByTestId('outcome')).toBeFocused();
	for (const tab of [page, other]) {
		const order = card(tab, reference);
		await expect(order.getByTestId('order-total')).toHaveText('1 seat · Total €25.00');
		await expect(order.getByTestId('order-state')).toHaveText('partly released');
		await expect(order.getByTestId('order-released')).toHaveText('Released: Hall · Row A · Seat 1');
	}

	// The other tab releases the last seat: the order is cancelled everywhere, and stays listed.
	await other
		.getByRole('button', { name: new RegExp(`^Release Hall · Row A · Seat 2 at .* ${reference}$`) })
		.click();
	await other.getByRole('alertdialog').getByRole('button', { name: 'Release seat' }).click();
	await expect(other.getByTestId('outcome')).toContainText(`Order ${reference} is cancelled.`);
	for (const tab of [page, other]) {
		const order = card(tab, reference);
		await expect(order.getByTestId('order-state')).toHaveText('cancelled');
		await expect(order.getByTestId('order-total')).toHaveText('0 seats · Total €0.00');
		await expect(order.getByTestId('bookings')).toHaveCount(0);
	}

	// A hold goes with one click, no question asked.
	await page.getByRole('button', { name: /^Let go of your hold on Hall · Row A · Seat 3/ }).click();
	await expect(page.getByTestId('outcome')).toContainText('Released 1 seat');
	await expect(dialog).toBeHidden();
	await expect(page.getByTestId('holds')).toHaveCount(0);
	await expect(other.getByTestId('holds')).toHaveCount(0);
	await context.close();
});

test('axe finds nothing serious on my bookings, light and dark, nor in the release question', async ({
	browser,
	baseURL
}) => {
	const event = await createEvent(baseURL!, {
		sections: [{ name: 'Hall', rows: 1, seats: 4, category: 'standard', priceCents: 1000 }]
	});
	const context = await browser.newContext();
	const page = await context.newPage();
	await login(page, uniqueName('Axe'), '/me');
	const elsewhere = await sameUserElsewhere(context, baseURL!);
	const [booked, released] = await elsewhere.hold(event.slug, 2);
	const reference = await elsewhere.confirm([booked, released]);
	await elsewhere.hold(event.slug, 1, 2);
	await page.goto('/me');
	await hydrated(page);
	await expect(card(page, reference).getByTestId('bookings').getByRole('listitem')).toHaveCount(2);
	await expect(page.getByTestId('holds').getByRole('listitem')).toHaveCount(1);
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		await expectNoSeriousViolations(page);
	}
	await card(page, reference)
		.getByRole('button', { name: /^Release all 2 seats/ })
		.click();
	await expect(page.getByRole('alertdialog')).toContainText(
		`Release all 2 seats (Hall · Row A · Seats 1–2) from order ${reference}?`
	);
	await expectNoSeriousViolations(page);
	await context.close();
});

test('a hold on my bookings lapses by itself, saying so; the order beside it stays', async ({
	browser,
	baseURL
}) => {
	const event = await createEvent(baseURL!, {
		holdMinutes: 0.1,
		sections: [{ name: 'Hall', rows: 1, seats: 4, category: 'standard', priceCents: 1000 }]
	});
	const context = await browser.newContext();
	const page = await context.newPage();
	await login(page, uniqueName('Hal'), '/me');
	await expect(page.getByTestId('connection')).toHaveAttribute('data-synced', 'true');
	const elsewhere = await sameUserElsewhere(context, baseURL!);
	const reference = await elsewhere.confirm(await elsewhere.hold(event.slug, 1));
	await elsewhere.hold(event.slug, 1, 1);

	await expect(page.getByTestId('holds').getByRole('listitem')).toHaveCount(1);
	await expect(card(page, reference)).toBeVisible();
	// A hold lapses with no message from anywhere: the list drops it at its expiry by itself.
	await expect(page.getByTestId('hold-lapsed')).toContainText('Your hold ran out on', {
		timeout: 10_000
	});
	await expect(page.getByTestId('holds')).toHaveCount(0);
	await expect(card(page, reference).getByTestId('bookings').getByRole('listitem')).toHaveCount(1);
	await context.close();
});
