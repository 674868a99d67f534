import { expect, test, type Page } from '@playwright/test';
import { focusFreeSeat, hydrated, login, mapSynced, uniqueName } from '../e2e/helpers.ts';

const WIDTHS = [375, 768, 1280];
const SCHEMES = ['light', 'dark'] as const;
const OUT = 'test-output/screenshots';

/**
 * The screens, each reached by a logged-in person; the event pages with one seat held, the small
 * event's then booked through the review (its page and the order's are shot too).
 */
const SCREENS: { name: string; path: string; hold?: boolean; timeout?: number }[] = [
	{ name: 'events', path: '/' },
	{ name: 'small-event', path: '/events/jazz-night', hold: true },
	{ name: 'hall', path: '/events/symphony-no-9', hold: true },
	{ name: 'stadium', path: '/events/stadium-finale', timeout: 60_000 },
	{ name: 'my-bookings', path: '/me' }
];

async function settle(page: Page, screen: (typeof SCREENS)[number]): Promise<void> {
	await hydrated(page);
	if (screen.path.startsWith('/events/')) await mapSynced(page, screen.timeout ?? 20_000);
}

/** The page as it is, light and dark, the whole length of it. */
async function shoot(page: Page, name: string): Promise<void> {
	await page.mouse.move(0, 0);
	for (const colorScheme of SCHEMES) {
		await page.emulateMedia({ colorScheme });
		await page.screenshot({ path: `${OUT}/${name}-${colorScheme}.png`, fullPage: true });
	}
	await page.emulateMedia({ colorScheme: 'light' });
}

test('screenshots of every screen', async ({ browser }) => {
	for (const width of WIDTHS) {
		const context = await browser.newContext({
			viewport: { width, height: width < 500 ? 800 : 900 },
			timezoneId: 'Europe/Berlin'
		});
		const page = await context.newPage();
		await login(page, uniqueName('Shot'), '/');
		for (const screen of SCREENS) {
			await page.goto(screen.path);
			await settle(page, screen);
			if (screen.hold) {
				await focusFreeSeat(page, ['ArrowUp']);
				await page.keyboard.press('Enter');
				await expect(page.getByTestId('outcome')).toContainText('Holding');
				await page.mouse.move(0, 0);
			}
			for (const colorScheme of SCHEMES) {
				await page.emulateMedia({ colorScheme });
				await page.screenshot({ path: `${OUT}/${screen.name}-${width}-${colorScheme}.png` });
				if (screen.hold && width < 800) {
					// The panel as a phone shows it: a sheet over the map.
					await page.getByTestId('sheet-toggle').click();
					await page.screenshot({
						path: `${OUT}/${screen.name}-${width}-${colorScheme}-sheet.png`
					});
					await page.getByTestId('sheet-toggle').click();
				}
				if (screen.hold && colorScheme === 'light')
					await page.screenshot({
						path: `${OUT}/${screen.name}-${width}-${colorScheme}-full.png`,
						fullPage: true
					});
			}
			await page.emulateMedia({ colorScheme: 'light' });
			if (screen.hold && screen.name === 'small-event') {
				// Booked through the review: its page and the order's, and a booking for My bookings.
				await page.getByTestId(width < 800 ? 'summary-book' : 'book').click();
				await expect(page.getByTestId('review-seat')).toHaveCount(1);
				await shoot(page, `review-${width}`);
				await page.getByTestId('confirm-booking').click();
				await expect(page.getByTestId('order-seats').getByRole('listitem')).toHaveCount(1);
				await shoot(page, `order-${width}`);
			} else if (screen.hold) {
				// Let go again, so the next width starts from the same map.
				await page.getByTestId('seat-focus').focus();
				await page.keyboard.press('Enter');
				await expect(page.getByTestId('outcome')).toContainText('Released');
			}
		}
		await context.close();
	}
});
