import { expect, test, type Page } from '@playwright/test';
import { focusFreeSeat, hydrated, login, mapSynced, uniqueName } from '../e2e/helpers.ts';

const WIDTHS = [375, 768, 1280];
const SCHEMES = ['light', 'dark'] as const;
const OUT = 'test-output/screenshots';

/** The screens, each reached by a logged-in person; the event pages with one seat held. */
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
			if (screen.hold && screen.name === 'small-event' && width === WIDTHS[0]) {
				// One booking, for My bookings to show.
				await page.getByTestId('summary-book').click();
				await expect(page.getByTestId('outcome')).toContainText('Booked');
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
