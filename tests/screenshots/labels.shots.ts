import { test, type Page } from '@playwright/test';
import { hydrated, login, mapSynced, uniqueName } from '../e2e/helpers.ts';

const WIDTHS = [375, 768, 1280];
const SCHEMES = ['light', 'dark'] as const;
const OUT = 'test-output/screenshots';

/**
 * The section labels of the two big venues, for looking at by eye: the whole venue as it opens,
 * then zoomed deep into one section (its label pinned to the map's edge).
 */
const VENUES = [
	{
		name: 'hall',
		path: '/events/symphony-no-9',
		mid: { at: [0.3, 0.35], factor: 3 },
		deep: { at: [0.3, 0.55], factor: 12 }
	},
	{
		name: 'stadium',
		path: '/events/stadium-finale',
		mid: { at: [0.82, 0.3], factor: 10 },
		deep: { at: [0.85, 0.5], factor: 25 }
	}
] as const;

/** The map and its toolbar, the page's whole width (the map may reach the screen's edges). */
async function shootMap(page: Page, path: string): Promise<void> {
	const top = (await page.getByRole('button', { name: 'Show all' }).boundingBox())!;
	const map = (await page.locator('[data-map-viewport]').boundingBox())!;
	const width = await page.evaluate(() => document.documentElement.clientWidth);
	const y = top.y - 4;
	await page.screenshot({
		path,
		fullPage: true,
		clip: { x: 0, y, width, height: map.y + map.height + 4 - y }
	});
}

async function wheelZoom(page: Page, at: readonly [number, number], factor: number) {
	const box = (await page.getByTestId('seat-canvas').boundingBox())!;
	await page.mouse.move(box.x + box.width * at[0], box.y + box.height * at[1]);
	const steps = Math.ceil(Math.log(factor) / 0.3);
	for (let k = 0; k < steps; k++) await page.mouse.wheel(0, -Math.log(factor) / steps / 0.0015);
	await page.mouse.move(0, 0);
	await page.waitForTimeout(600);
}

test('screenshots of the section labels', async ({ browser }) => {
	for (const width of WIDTHS) {
		const context = await browser.newContext({
			viewport: { width, height: width < 500 ? 800 : 900 }
		});
		const page = await context.newPage();
		await login(page, uniqueName('Shot'), '/');
		for (const venue of VENUES) {
			await page.goto(venue.path);
			await hydrated(page);
			await mapSynced(page, 60_000);
			await page.waitForTimeout(600);
			for (const colorScheme of SCHEMES) {
				await page.emulateMedia({ colorScheme });
				await shootMap(page, `${OUT}/labels-${venue.name}-${width}-${colorScheme}.png`);
			}
			for (const depth of ['mid', 'deep'] as const) {
				await page.getByRole('button', { name: 'Show all' }).click();
				await page.waitForTimeout(600);
				await wheelZoom(page, venue[depth].at, venue[depth].factor);
				for (const colorScheme of SCHEMES) {
					await page.emulateMedia({ colorScheme });
					await shootMap(page, `${OUT}/labels-${venue.name}-${width}-${colorScheme}-${depth}.png`);
				}
			}
			await page.emulateMedia({ colorScheme: 'light' });
		}
		await context.close();
	}
});
