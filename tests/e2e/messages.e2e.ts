import { expect, test } from '@playwright/test';
import { createEvent, focusFreeSeat, hydrated, person, shortHoldEvent } from './helpers.ts';

test('a hold message names every seat held, and goes by itself', async ({ browser, baseURL }) => {
	const { path } = await createEvent(baseURL!, {
		sections: [{ name: 'Stalls', rows: 2, seats: 8, category: 'stalls', priceCents: 3000 }]
	});
	const { page, context } = await person(browser, 'Mia', path);
	const outcome = page.getByTestId('outcome');

	await focusFreeSeat(page);
	await page.keyboard.press('Enter');
	await expect(outcome).toHaveText(/^Holding Stalls · Row [A-Z] · Seat \d+\./);
	// The next hold replaces the message, which now names both seats.
	await focusFreeSeat(page, ['ArrowRight']);
	await page.keyboard.press('Enter');
	await expect(outcome).toHaveText(/^Holding Stalls · Row [A-Z] · Seats \d+(–|, )\d+\./);
	await expect(outcome).toHaveAttribute('data-kind', 'success');
	// A success message goes by itself (the holds last ten minutes: nothing else took it away).
	await expect(outcome).toHaveCount(0, { timeout: 10_000 });
	await expect(page.getByTestId('my-holds').locator('li')).toHaveCount(2);
	await context.close();
});

test('a hold message never outlives the hold', async ({ browser, baseURL }) => {
	test.setTimeout(60_000);
	const { path } = await shortHoldEvent(baseURL!, 2, 8);
	const { page, context } = await person(browser, 'Max', path);
	const outcome = page.getByTestId('outcome');
	await focusFreeSeat(page);
	await page.keyboard.press('Enter');
	await expect(outcome).toContainText('Holding');
	// The pointer rests on the message, which keeps it up; when the hold lapses and the panel says
	// so, the message saying "Holding" goes.
	await outcome.hover();
	await expect(page.getByTestId('hold-expired')).toBeVisible({ timeout: 15_000 });
	await expect(outcome).toHaveCount(0);
	await context.close();
});

test('times are in the person’s own time zone, named', async ({ browser }) => {
	const context = await browser.newContext({ timezoneId: 'America/New_York' });
	const page = await context.newPage();
	await page.goto('/');
	await hydrated(page);
	const time = page.locator('a[href="/events/jazz-night"] time');
	await expect(time).toHaveText(/^\w{3}, \d{1,2} \w{3} \d{4}, \d\d:\d\d GMT-5$/);
	await expect(time).toHaveAttribute(
		'title',
		'Your time zone: Eastern Standard Time (America/New_York)'
	);
	await context.close();
});
