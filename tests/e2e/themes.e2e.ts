import { expect, test } from '@playwright/test';
import {
	expectNoSeriousViolations,
	focusFreeSeat,
	holdAndBook,
	hydrated,
	login,
	mapSynced,
	uniqueName
} from './helpers.ts';

/**
 * Light and dark follow the system's `prefers-color-scheme`, and both pass axe (contrast
 * included) on the events list, an event page with a hold and a booking, and My bookings.
 */
for (const colorScheme of ['light', 'dark'] as const) {
	test(`axe finds nothing serious in the ${colorScheme} theme`, async ({ browser }) => {
		// Several full axe scans: on a busy 2-core machine they outlast the default 30 s.
		test.setTimeout(120_000);
		const context = await browser.newContext({ colorScheme });
		const page = await context.newPage();
		await login(page, uniqueName('Dusk'), '/');
		const background = await page.evaluate(
			() => getComputedStyle(document.documentElement).backgroundColor
		);
		// The theme really is the one asked for: a dark page is dark, a light one light.
		const [r, g, b] = background.match(/\d+/g)!.map(Number);
		expect((r + g + b) / 3 < 80).toBe(colorScheme === 'dark');
		await expectNoSeriousViolations(page);

		await page.goto('/events/jazz-night');
		await hydrated(page);
		await mapSynced(page);
		await focusFreeSeat(page, ['ArrowUp', 'ArrowUp', 'ArrowUp']);
		await holdAndBook(page);
		await focusFreeSeat(page, ['ArrowRight']);
		await page.keyboard.press('Enter');
		await expect(page.getByTestId('outcome')).toContainText('Holding');
		await expectNoSeriousViolations(page);

		await page.goto('/me');
		await hydrated(page);
		await expect(page.getByTestId('bookings').getByRole('listitem')).toHaveCount(1);
		await expect(page.getByTestId('holds').getByRole('listitem')).toHaveCount(1);
		await expectNoSeriousViolations(page);
		await context.close();
	});
}
