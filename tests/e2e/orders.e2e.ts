import { expect, test, type Page } from '@playwright/test';
import {
	REFERENCE,
	RealtimeControl,
	createEvent,
	expectNoSeriousViolations,
	focusFreeSeat,
	hydrated,
	person,
	sameUserElsewhere,
	shortHoldEvent
} from './helpers.ts';

/** The page at the three widths, light and dark, for looking at by eye. */
async function shots(page: Page, name: string) {
	for (const scheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme: scheme });
		for (const width of [375, 768, 1280]) {
			await page.setViewportSize({ width, height: 900 });
			await page.screenshot({
				path: test.info().outputPath(`${name}-${width}-${scheme}.png`),
				fullPage: true
			});
		}
	}
	await page.emulateMedia({ colorScheme: 'light' });
}

/** axe finds nothing serious on the page as it is, in the light theme and in the dark one. */
async function expectAccessibleInBothThemes(page: Page) {
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		await expectNoSeriousViolations(page);
	}
	await page.emulateMedia({ colorScheme: 'light' });
}

/** Holds `count` seats side by side from the first free one, with Enter and the arrow keys. */
async function holdSeats(page: Page, count: number) {
	await focusFreeSeat(page);
	for (let k = 0; k < count; k++) {
		if (k) await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Enter');
		await expect(page.getByTestId('my-holds').getByRole('listitem')).toHaveCount(k + 1);
	}
}

test('Book → review → confirm → a confirmation page of its own, reloadable, for its owner only', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(120_000);
	const event = await createEvent(baseURL!, {
		sections: [{ name: 'Stalls', rows: 2, seats: 6, category: 'stalls', priceCents: 2500 }]
	});
	const buyer = await person(browser, 'Buyer', event.path);
	const { page } = buyer;
	await holdSeats(page, 2);
	await expect(page.getByTestId('book')).toHaveText('Book 2 seats');

	await page.getByTestId('book').click();
	await expect(page).toHaveURL(new RegExp(`${event.path}/review$`));
	await hydrated(page);
	const seats = page.getByTestId('review-seat');
	await expect(seats).toHaveCount(2);
	await expect(seats.first()).toContainText(/^Stalls · Row A · Seat \d+stalls€25\.00$/);
	await expect(page.getByTestId('review-total')).toHaveText('€50.00');
	await expect(page.getByTestId('hold-countdown')).toContainText(/(10:00|09:\d\d)/);
	await expect(page.getByTestId('back-to-map')).toHaveAttribute('href', event.path);
	await expectAccessibleInBothThemes(page);
	await shots(page, 'review');

	await page.setViewportSize({ width: 1280, height: 900 });
	await page.getByTestId('confirm-booking').click();
	await expect(page).toHaveURL(/\/orders\/[A-Z2-9]{4}-[A-Z2-9]{4}$/);
	const reference = (await page.getByTestId('order-reference').textContent())!.trim();
	expect(reference).toMatch(REFERENCE);
	await expect(page.getByTestId('order-seats').getByRole('listitem')).toHaveCount(2);
	await expect(page.getByTestId('order-total')).toContainText('€50.00');
	await expect(page.getByRole('img', { name: `QR code of reference ${reference}` })).toBeVisible();

	// Reloadable: its own URL.
	await page.reload();
	await hydrated(page);
	await expect(page.getByTestId('order-reference')).toHaveText(reference);
	await expectAccessibleInBothThemes(page);
	await shots(page, 'order');

	// Back from the order goes to the map (the order took the review's place), seats booked.
	await page.goBack();
	await expect(page).toHaveURL(new RegExp(`${event.path}$`));
	await expect(page.getByTestId('my-seats').getByRole('listitem')).toHaveCount(2);
	await expect(page.getByTestId('my-holds')).toHaveCount(0);

	// Someone else cannot open it.
	const other = await person(browser, 'Other', '/');
	await other.page.goto(`/orders/${reference}`);
	await expect(other.page.getByText('You have no order with this reference.')).toBeVisible();
	await buyer.context.close();
	await other.context.close();
});

test('the printed ticket is the ticket alone, on one A4 page', async ({ browser, baseURL }) => {
	test.setTimeout(90_000);
	// As many seats as one order may have, so the list is as long as it gets.
	const event = await createEvent(baseURL!, {
		maxSeats: 8,
		// Wide enough that eight to the right of where the map's focus starts are in the row.
		sections: [{ name: 'Stalls', rows: 1, seats: 24, category: 'stalls', priceCents: 2500 }]
	});
	const { page, context } = await person(browser, 'Printer', event.path);
	await holdSeats(page, 8);
	await page.getByTestId('book').click();
	await expect(page.getByTestId('review-seat')).toHaveCount(8);
	await page.getByTestId('confirm-booking').click();
	await expect(page.getByTestId('order-seats').getByRole('listitem')).toHaveCount(8);

	await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
	// A4 at 96 dpi, less the printer's usual margins.
	await page.setViewportSize({ width: 794, height: 1123 });
	await expect(page.getByTestId('print')).toBeHidden();
	await expect(page.locator('.site-header')).toBeHidden();
	// Black on white whatever the screen's theme, to the page's edges.
	await expect(page.locator('html')).toHaveCSS('background-color', 'rgb(255, 255, 255)');
	const ticket = page.getByTestId('order');
	await expect(ticket).toHaveCSS('background-color', 'rgb(255, 255, 255)');
	await expect(ticket).toHaveCSS('color', 'rgb(0, 0, 0)');
	await page.screenshot({ path: test.info().outputPath('order-print.png'), fullPage: true });

	const pdf = await page.pdf({ format: 'A4', printBackground: true });
	const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
	expect(pages).toHaveLength(1);
	await context.close();
});

test('a hold that lapses during the review is named, and the review updates without a reload', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(60_000);
	const event = await shortHoldEvent(baseURL!, 1, 4);
	const { page, context } = await person(browser, 'Lapser', event.path);
	await holdSeats(page, 1);
	await page.getByTestId('book').click();
	await hydrated(page);
	await expect(page.getByTestId('review-seat')).toHaveCount(1);
	const confirm = page.getByTestId('confirm-booking');
	await expect(confirm).toBeEnabled();
	const before = await confirm.boundingBox();

	// The event's holds last 6 seconds. The row stays, marked; nothing moves.
	await expect(page.getByTestId('review-lost')).toContainText(
		/^Your hold on Stalls · Row A · Seat \d ran out, so it is not in this booking\.$/,
		{ timeout: 15_000 }
	);
	await expect(page.getByTestId('review-seat')).toHaveCount(0);
	await expect(page.getByTestId('review-lost-seat')).toContainText('Hold ran out');
	await expect(page.getByTestId('review-total')).toHaveText('€0.00');
	await expect(page.getByTestId('review-empty')).toBeVisible();
	await expect(confirm).toBeDisabled();
	expect(await confirm.boundingBox()).toEqual(before);
	await page.getByTestId('back-to-map').click();
	await expect(page).toHaveURL(new RegExp(`${event.path}$`));
	await context.close();
});

test('a hold released elsewhere leaves the review live; one it has not heard of makes Confirm refuse, booking nothing', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(90_000);
	const event = await createEvent(baseURL!, {
		sections: [{ name: 'Stalls', rows: 1, seats: 6, category: 'stalls', priceCents: 2500 }]
	});
	const realtime = new RealtimeControl();
	const { page, context } = await person(browser, 'Twotabs', event.path, {
		prepare: (c) => realtime.install(c)
	});
	await holdSeats(page, 3);
	await page.getByTestId('book').click();
	await expect(page.getByTestId('review-seat')).toHaveCount(3);
	await expect(page.getByTestId('review-total')).toHaveText('€75.00');
	await expect(page.getByTestId('connection')).toHaveAttribute('data-synced', 'true');

	const elsewhere = await sameUserElsewhere(context, baseURL!);
	const { data: me } = await elsewhere.auth.getUser();
	const { data: holds } = await elsewhere
		.from('bookings')
		.select('id')
		.eq('user_id', me.user!.id)
		.eq('status', 'held')
		.order('id');
	expect(holds).toHaveLength(3);
	const release = async (id: number) => {
		const { error } = await elsewhere.from('bookings').update({ status: 'released' }).eq('id', id);
		expect(error).toBeNull();
	};

	// Released in another tab: the review names it and updates, without a reload.
	await release(holds![0].id);
	await expect(page.getByTestId('review-lost')).toContainText(
		/^Stalls · Row A · Seat \d was released in another tab or device, so it is not in this booking\.$/
	);
	await expect(page.getByTestId('review-seat')).toHaveCount(2);
	await expect(page.getByTestId('review-lost-seat')).toContainText('Released elsewhere');
	await expect(page.getByTestId('review-total')).toHaveText('€50.00');

	// Another release the page does not hear about: the database refuses the whole order.
	realtime.hold();
	await release(holds![1].id);
	await page.getByTestId('confirm-booking').click();
	const outcome = page.getByTestId('outcome');
	await expect(outcome).toContainText(
		/^Stalls · Row A · Seat \d was released; hold it again to book it\. Nothing was booked\./
	);
	await expect(outcome).toHaveAttribute('data-kind', 'error');
	await expect(outcome).toBeFocused();
	// The review read the list again: it names the seat and books only what is left.
	await expect(page.getByTestId('review-seat')).toHaveCount(1);
	await expect(page.getByTestId('review-lost-seat')).toHaveCount(2);
	await expect(page.getByTestId('review-total')).toHaveText('€25.00');
	await page.screenshot({ path: test.info().outputPath('review-refused.png'), fullPage: true });
	const { data: booked } = await elsewhere
		.from('bookings')
		.select('id')
		.eq('user_id', me.user!.id)
		.eq('status', 'booked');
	expect(booked).toEqual([]);

	realtime.release();
	await page.getByTestId('confirm-booking').click();
	await expect(page).toHaveURL(/\/orders\/[A-Z2-9]{4}-[A-Z2-9]{4}$/);
	await expect(page.getByTestId('order-seats').getByRole('listitem')).toHaveCount(1);
	await expect(page.getByTestId('order-total')).toContainText('€25.00');
	await context.close();
});
