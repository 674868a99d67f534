import { expect, test, type Page } from '@playwright/test';
import { focusFreeSeat, hydrated, login, mapSynced, uniqueName } from '../e2e/helpers.ts';

const WIDTHS = [375, 768, 1280];
const SCHEMES = ['light', 'dark'] as const;
const OUT = 'test-output/screenshots';

/** A mid-zoom: the wheel turned at a point of the map (fractions of its box) to zoom by `factor`. */
interface Zoom {
	at: [number, number];
	factor: number;
}

/**
 * The screens, each reached by a logged-in person; the event pages with one seat held, the small
 * event's then booked through the review (its page and the order's are shot too). `zoom`: also
 * shot zoomed in that far (seats big enough to click, section labels beside them).
 */
const SCREENS: { name: string; path: string; hold?: boolean; timeout?: number; zoom?: Zoom }[] = [
	{ name: 'events', path: '/' },
	{ name: 'small-event', path: '/events/jazz-night', hold: true },
	{ name: 'theatre', path: '/events/hamlet', zoom: { at: [0.5, 0.6], factor: 2.5 } },
	{ name: 'hall', path: '/events/symphony-no-9', hold: true, zoom: { at: [0.3, 0.35], factor: 3 } },
	{
		name: 'stadium',
		path: '/events/stadium-finale',
		timeout: 60_000,
		zoom: { at: [0.82, 0.3], factor: 10 }
	},
	{ name: 'my-bookings', path: '/me' }
];

/** The map's wheel zoom turns e^(-deltaY · 0.0015) per event (SeatMap). */
async function wheelZoom(page: Page, zoom: Zoom): Promise<void> {
	const box = (await page.getByTestId('seat-canvas').boundingBox())!;
	await page.mouse.move(box.x + box.width * zoom.at[0], box.y + box.height * zoom.at[1]);
	const steps = Math.ceil(Math.log(zoom.factor) / 0.3);
	for (let k = 0; k < steps; k++)
		await page.mouse.wheel(0, -Math.log(zoom.factor) / steps / 0.0015);
	await page.mouse.move(0, 0);
	// At rest the map is redrawn sharp (SeatMap's settle time).
	await page.waitForTimeout(300);
}

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
			if (screen.zoom) {
				await wheelZoom(page, screen.zoom);
				for (const colorScheme of SCHEMES) {
					await page.emulateMedia({ colorScheme });
					await page.screenshot({ path: `${OUT}/${screen.name}-${width}-${colorScheme}-zoom.png` });
				}
				await page.getByRole('button', { name: 'Show all' }).click();
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
