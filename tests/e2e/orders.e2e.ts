import { expect, test, type Page } from '@playwright/test';
import {
	createEvent,
	expectNoSeriousViolations,
	focusFreeSeat,
	hydrated,
	person,
	shortHoldEvent
} from './helpers.ts';

const REFERENCE = /^[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}$/;

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

test('hold → review → confirm → a confirmation page of its own, reloadable, for its owner only', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(90_000);
	const event = await createEvent(baseURL!, {
		sections: [{ name: 'Stalls', rows: 2, seats: 6, category: 'stalls', priceCents: 2500 }]
	});
	const buyer = await person(browser, 'Buyer', event.path);
	const { page } = buyer;
	await focusFreeSeat(page);
	await page.keyboard.press('Enter');
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('book')).toHaveText('Book 2 seats');

	await page.getByTestId('review-booking').click();
	await expect(page).toHaveURL(new RegExp(`${event.path}/review$`));
	await hydrated(page);
	await expect(page.getByTestId('review-seats').locator('tbody tr')).toHaveCount(2);
	await expect(page.getByTestId('review-seats')).toContainText(/Stalls · Row A · Seat \d/);
	await expect(page.getByTestId('review-total')).toHaveText('€50.00');
	await expect(page.getByTestId('hold-countdown')).toBeVisible();
	await expectNoSeriousViolations(page);
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
	await expectNoSeriousViolations(page);
	await shots(page, 'order');
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.emulateMedia({ media: 'print' });
	await page.screenshot({ path: test.info().outputPath('order-print.png'), fullPage: true });
	await expect(page.getByTestId('print')).toBeHidden();
	await expect(page.locator('.site-header')).toBeHidden();
	await page.emulateMedia({ media: 'screen' });

	// My bookings lists the booked seats.
	await page.goto('/me');
	await hydrated(page);
	await expect(page.getByTestId('bookings').getByRole('listitem')).toHaveCount(2);

	// Someone else cannot open it.
	const other = await person(browser, 'Other', '/');
	await other.page.goto(`/orders/${reference}`);
	await expect(other.page.getByText('You have no order with this reference.')).toBeVisible();
	await buyer.context.close();
	await other.context.close();
});

test('a hold that lapses during the review is named, and the review updates without a reload', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(60_000);
	const event = await shortHoldEvent(baseURL!, 1, 4);
	const { page, context } = await person(browser, 'Lapser', event.path);
	await focusFreeSeat(page);
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('book')).toHaveText('Book 1 seat');
	await page.getByTestId('review-booking').click();
	await hydrated(page);
	await expect(page.getByTestId('review-seats').locator('tbody tr')).toHaveCount(1);

	// The event's holds last 6 seconds.
	await expect(page.getByTestId('review-lapsed')).toContainText(
		/Your hold on Stalls · Row A · Seat \d ran out/,
		{
			timeout: 15_000
		}
	);
	await expect(page.getByTestId('review-empty')).toBeVisible();
	await expect(page.getByTestId('confirm-booking')).toHaveCount(0);
	await page.getByTestId('back-to-map').click();
	await expect(page).toHaveURL(new RegExp(`${event.path}$`));
	await context.close();
});
