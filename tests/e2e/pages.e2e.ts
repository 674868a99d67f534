import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { focusFreeSeat, hydrated, login, mapSynced, person, uniqueName } from './helpers.ts';

async function expectNoSeriousViolations(page: Page) {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const serious = violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	expect(serious).toEqual([]);
}

test('no serious accessibility violations on any page', async ({ page }) => {
	for (const path of ['/', '/login', '/events/jazz-night']) {
		await page.goto(path);
		await hydrated(page);
		if (path.startsWith('/events/')) await mapSynced(page);
		await expectNoSeriousViolations(page);
	}
	await login(page, uniqueName('Axe'), '/events/jazz-night');
	await mapSynced(page);
	await focusFreeSeat(page, ['ArrowUp', 'ArrowUp']);
	await page.keyboard.press('Enter');
	await page.getByTestId('book').click();
	await expect(page.getByTestId('outcome')).toContainText('Booked');
	await expectNoSeriousViolations(page);
	for (const path of ['/', '/me']) {
		await page.goto(path);
		await hydrated(page);
		await expectNoSeriousViolations(page);
	}
	await page.goto('/events/no-such-event');
	await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
	await expectNoSeriousViolations(page);
});

test('works on a 375 px wide phone', async ({ browser }) => {
	const context = await browser.newContext({
		viewport: { width: 375, height: 740 },
		hasTouch: true
	});
	const page = await context.newPage();
	await login(page, uniqueName('Pip'), '/events/jazz-night');
	await mapSynced(page);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
	const seat = page.getByTestId('seat-focus');
	const before = (await seat.boundingBox())!;
	await page.getByRole('button', { name: 'Zoom in' }).click();
	await expect.poll(async () => (await seat.boundingBox())!.width).toBeGreaterThan(before.width);
	await page.getByRole('button', { name: 'Show all' }).click();
	// Tap a seat on the map.
	await seat.focus();
	await page.keyboard.press('ArrowUp');
	const box = (await seat.boundingBox())!;
	const status = await seat.getAttribute('data-status');
	await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
	if (status === 'available') await expect(page.getByTestId('selection')).toBeVisible();
	else await expect(page.getByTestId('outcome')).toBeVisible();
	await page.screenshot({ path: test.info().outputPath('phone.png'), fullPage: true });
	await context.close();
});

test('a 50,000-seat event loads completely, and a remote change repaints one seat', async ({
	page,
	browser
}) => {
	test.setTimeout(90_000);
	await page.goto('/events/stadium-finale');
	await hydrated(page);
	await mapSynced(page, 40_000);
	const count = Number(await page.getByTestId('seat-map').getAttribute('data-seat-count'));
	expect(count).toBeGreaterThanOrEqual(50_000);
	const seatsLeft = page.getByTestId('event-seats-left');
	await expect(seatsLeft).toContainText(/\d{2},\d{3} seats left/);
	// The map paints: the canvas is not blank.
	const canvas = page.getByTestId('seat-canvas');
	const painted = await canvas.evaluate((canvas: HTMLCanvasElement) => {
		const ctx = canvas.getContext('2d')!;
		const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
		let n = 0;
		for (let i = 3; i < data.length; i += 4 * 97) if (data[i] > 0) n++;
		return n;
	});
	expect(painted).toBeGreaterThan(1000);

	// Someone else books a seat: this map repaints that seat only, never the whole map.
	const fullPaints = await canvas.getAttribute('data-full-paints');
	const before = await seatsLeft.textContent();
	const other = await person(browser, 'Sam', '/events/stadium-finale');
	await focusFreeSeat(other.page, ['ArrowUp']);
	await other.page.keyboard.press('Enter');
	await other.page.getByTestId('book').click();
	await expect(other.page.getByTestId('outcome')).toContainText('Booked 1 seat');
	await expect(seatsLeft).not.toHaveText(before!);
	await expect(canvas).toHaveAttribute('data-seat-paints', /\d+/);
	expect(await canvas.getAttribute('data-full-paints')).toBe(fullPaints);
	await other.context.close();
});
