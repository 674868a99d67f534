import { expect, test, type Page } from '@playwright/test';
import {
	expectNoSeriousViolations,
	focusFreeSeat,
	hydrated,
	login,
	mapSynced,
	uniqueName
} from './helpers.ts';
import { intersects } from './map-geometry.ts';

/**
 * The event page on a phone gives the screen to the map: the details fold to one line that opens
 * over the page, the wheelchair filter sits in the map's toolbar, and what is left above the map
 * is the title, that line, the status line and the toolbar.
 */

const PHONE = { width: 375, height: 812 };
// The stadium (54,000 seats, wheelchair spaces) and a small room.
const EVENTS = ['stadium-finale', 'jazz-night'];

async function open(page: Page, slug: string, loggedIn: boolean): Promise<void> {
	if (loggedIn) await login(page, uniqueName('Phone'), `/events/${slug}`);
	else await page.goto(`/events/${slug}`);
	await hydrated(page);
	await mapSynced(page, 60_000);
	await page.evaluate(() => scrollTo(0, 0));
}

for (const slug of EVENTS)
	for (const loggedIn of [false, true])
		test(`on a phone the map takes most of the screen (${slug}, ${loggedIn ? 'logged in' : 'logged out'})`, async ({
			browser
		}) => {
			const context = await browser.newContext({ viewport: PHONE });
			const page = await context.newPage();
			await open(page, slug, loggedIn);

			const map = (await page.locator('[data-map-viewport]').boundingBox())!;
			const bar = (await page.getByTestId('holds-summary').boundingBox())!;
			expect(map.x).toBeLessThanOrEqual(0);
			expect(map.x + map.width).toBeGreaterThanOrEqual(PHONE.width);
			expect(intersects(map, bar)).toBe(false);
			expect(map.height).toBeGreaterThanOrEqual(PHONE.height * 0.6);

			// The site's header and the event's details each keep to one line.
			const header = (await page.locator('header').first().boundingBox())!;
			expect(header.height).toBeLessThanOrEqual(56);
			const details = (await page.locator('#event-details').boundingBox())!;
			expect(details.height).toBeLessThanOrEqual(24);

			// The wheelchair filter is in the toolbar's row, not a row of its own above the map.
			const filter = page.getByTestId('wheelchair-filter');
			const zoomIn = (await page.getByRole('button', { name: 'Zoom in' }).boundingBox())!;
			const box = (await filter.boundingBox())!;
			expect(box.y + box.height).toBeLessThanOrEqual(zoomIn.y + zoomIn.height + 1);
			expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
			await expect(page.getByLabel('Wheelchair spaces only')).toBeVisible();
			await context.close();
		});

test('on a phone "More" shows the details whole over the page, and nothing under them moves', async ({
	browser
}) => {
	const context = await browser.newContext({ viewport: PHONE });
	const page = await context.newPage();
	await open(page, 'jazz-night', false);
	const details = page.locator('#event-details');
	const more = page.getByTestId('details-toggle');
	const map = page.locator('[data-map-viewport]');
	const before = await map.boundingBox();
	const line = (await details.boundingBox())!;

	await expect(more).toHaveText('More');
	await expect(more).toHaveAttribute('aria-expanded', 'false');
	await more.click();
	await expect(more).toHaveAttribute('aria-expanded', 'true');
	await expect(more).toHaveText('Less');
	// Whole: taller than the one line, every part on screen.
	const opened = (await details.boundingBox())!;
	expect(opened.height).toBeGreaterThan(line.height * 2);
	for (const testid of ['event-seats-left', 'viewers']) {
		const part = (await page.getByTestId(testid).boundingBox())!;
		expect(part.y + part.height).toBeLessThanOrEqual(opened.y + opened.height);
		expect(part.x + part.width).toBeLessThanOrEqual(PHONE.width);
	}
	expect(await map.boundingBox()).toEqual(before);
	// "Less" is where "More" was, and Escape closes them too.
	await more.click();
	await expect(more).toHaveAttribute('aria-expanded', 'false');
	await more.click();
	await page.keyboard.press('Escape');
	await expect(more).toHaveAttribute('aria-expanded', 'false');
	expect((await details.boundingBox())!.height).toBeLessThanOrEqual(24);
	await context.close();
});

test('zoomed in on a phone, where the map is shows over its corner', async ({ browser }) => {
	const context = await browser.newContext({ viewport: PHONE });
	const page = await context.newPage();
	await open(page, 'stadium-finale', false);
	// The toolbar's own line makes room for the wheelchair filter.
	await expect(page.getByTestId('map-where')).toBeHidden();
	const over = page.locator('.where-over');
	await expect(over).toHaveCount(0);
	await page.getByRole('button', { name: 'Zoom in' }).click();
	await page.getByRole('button', { name: 'Zoom in' }).click();
	await expect(over).toHaveText(/^Stand \d+ · Row \w+$/);
	const box = (await over.boundingBox())!;
	const map = (await page.locator('[data-map-viewport]').boundingBox())!;
	expect(box.y + box.height).toBeLessThanOrEqual(map.y + map.height);
	expect(box.x + box.width).toBeLessThanOrEqual(map.x + map.width);
	await page.getByRole('button', { name: 'Show all' }).click();
	await expect(over).toHaveCount(0);
	await context.close();
});

test('at tablet and desktop widths the details stay whole and "More" is not offered', async ({
	browser
}) => {
	for (const viewport of [
		{ width: 768, height: 1024 },
		{ width: 1280, height: 800 }
	]) {
		const context = await browser.newContext({ viewport });
		const page = await context.newPage();
		await open(page, 'stadium-finale', false);
		await expect(page.getByTestId('details-toggle')).toBeHidden();
		await expect(page.getByLabel('Wheelchair spaces only')).toBeVisible();
		// The label's words whole, not cut as on a phone.
		const rest = (await page.getByTestId('wheelchair-filter').locator('.rest').boundingBox())!;
		expect(rest.width).toBeGreaterThan(40);
		await expect(page.getByTestId('wheelchair-free-short')).toHaveText('16 free');
		await expect(page.getByTestId('map-where')).toHaveText('All 24 sections');
		await expect(page.getByTestId('map-where')).toBeVisible();
		const left = (await page.getByTestId('event-seats-left').boundingBox())!;
		expect(left.x + left.width).toBeLessThanOrEqual(viewport.width);
		await context.close();
	}
});

for (const colorScheme of ['light', 'dark'] as const)
	test(`on a phone the folded details, the filter in the toolbar and a hold pass axe, ${colorScheme}`, async ({
		browser
	}) => {
		test.setTimeout(90_000);
		const context = await browser.newContext({ viewport: PHONE, colorScheme });
		const page = await context.newPage();
		await open(page, 'jazz-night', true);
		await page.getByLabel('Wheelchair spaces only').check();
		await focusFreeSeat(page, ['ArrowUp', 'ArrowUp']);
		await page.keyboard.press('Enter');
		await expect(page.getByTestId('seat-tip-state')).toContainText('Held by you');
		await expectNoSeriousViolations(page);
		await page.getByTestId('details-toggle').click();
		await expectNoSeriousViolations(page);
		await context.close();
	});
