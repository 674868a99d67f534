import { expect, test, type Page } from '@playwright/test';
import {
	backToMap,
	bookHeld,
	createEvent,
	expectNoSeriousViolations,
	focusFreeSeat,
	focusSeat,
	holdAndBook,
	hydrated,
	login,
	mapSynced,
	person,
	seatButton,
	uniqueName
} from './helpers.ts';

test('no serious accessibility violations on any page', async ({ page }) => {
	// Eight full axe scans: on a busy 2-core machine they outlast the default 30 s on their own.
	test.setTimeout(120_000);
	for (const path of ['/', '/login', '/events/jazz-night']) {
		await page.goto(path);
		await hydrated(page);
		if (path.startsWith('/events/')) await mapSynced(page);
		await expectNoSeriousViolations(page);
	}
	await login(page, uniqueName('Axe'), '/events/jazz-night');
	await mapSynced(page);
	await focusFreeSeat(page, ['ArrowUp', 'ArrowUp']);
	// Holding: the holds panel with its countdown and the best-available form.
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('hold-countdown')).toBeVisible();
	// Beside the map, the panel is in sight: no summary bar.
	await expect(page.getByTestId('holds-summary')).toBeHidden();
	await expectNoSeriousViolations(page);
	await bookHeld(page);
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

/**
 * Where the map is painted in the canvas, in canvas pixels: the box around every painted pixel,
 * and the canvas size.
 */
function paintedBox(page: Page) {
	return page.getByTestId('seat-canvas').evaluate((canvas: HTMLCanvasElement) => {
		const { data, width, height } = canvas
			.getContext('2d')!
			.getImageData(0, 0, canvas.width, canvas.height);
		let [minX, minY, maxX, maxY] = [width, height, -1, -1];
		for (let y = 0; y < height; y++)
			for (let x = 0; x < width; x++)
				if (data[(y * width + x) * 4 + 3] > 0) {
					minX = Math.min(minX, x);
					maxX = Math.max(maxX, x);
					minY = Math.min(minY, y);
					maxY = Math.max(maxY, y);
				}
		const backed = canvas.width === Math.round(canvas.clientWidth * devicePixelRatio);
		return { minX, minY, maxX, maxY, width, height, backed };
	});
}

/**
 * The whole map is painted, nothing touches the canvas's edges (nothing cut off) and it is centred
 * across (fitted to this size, not left where a wider or narrower box had it).
 */
async function expectWholeMap(page: Page) {
	await expect
		.poll(async () => {
			const box = await paintedBox(page);
			const [left, right] = [box.minX, box.width - 1 - box.maxX];
			return (
				box.backed &&
				box.maxX > box.minX &&
				left > 0 &&
				right > 0 &&
				box.minY > 0 &&
				box.maxY < box.height - 1 &&
				Math.abs(left - right) < box.width * 0.05
			);
		})
		.toBe(true);
}

test('works on a 375 px wide phone, turned or resized', async ({ browser, baseURL }) => {
	const { path } = await createEvent(baseURL!, {
		sections: [{ name: 'Stalls', rows: 6, seats: 14, category: 'standard', priceCents: 2500 }]
	});
	const context = await browser.newContext({
		viewport: { width: 375, height: 800 },
		hasTouch: true
	});
	const page = await context.newPage();
	await login(page, uniqueName('Pip'), path);
	await mapSynced(page);
	await expectWholeMap(page);
	// A window narrowed from desktop width (or a tablet turned) still shows the whole map.
	await page.setViewportSize({ width: 1024, height: 800 });
	await expectWholeMap(page);
	await page.setViewportSize({ width: 375, height: 800 });
	await expectWholeMap(page);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
	// The header is one line.
	expect((await page.locator('.site-header').boundingBox())!.height).toBeLessThan(56);

	const seat = page.getByTestId('seat-focus');
	const before = (await seat.boundingBox())!;
	await page.getByRole('button', { name: 'Zoom in' }).tap();
	await expect.poll(async () => (await seat.boundingBox())!.width).toBeGreaterThan(before.width);
	await page.getByRole('button', { name: 'Show all' }).tap();
	await expectWholeMap(page);

	// Tap a free seat: it is held, and the summary bar at the bottom shows the time left and books.
	const seatId = await focusFreeSeat(page, ['ArrowUp']);
	const box = (await seat.boundingBox())!;
	await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
	const summary = page.getByTestId('holds-summary');
	await expect(summary).toBeInViewport();
	await expect(summary).toContainText('1 seat held');
	await expect(summary.getByRole('timer')).toHaveText(/^(10:00|09:\d\d)$/);
	// The panel is a sheet, closed: the map stays in sight, and the bar opens the sheet.
	await expect(page.getByTestId('book')).not.toBeInViewport();
	await page.getByTestId('sheet-toggle').tap();
	await expect(page.getByTestId('book')).toBeInViewport();
	await expect(page.getByTestId('best-available')).toBeInViewport();
	const legend = page.getByTestId('legend-rule');
	await legend.scrollIntoViewIfNeeded();
	await expect(legend).toBeInViewport();
	await expect(page.getByTestId('seat-canvas')).toBeInViewport();
	await page.getByRole('button', { name: 'Close' }).tap();
	await expect(page.getByTestId('event-panel')).toBeHidden();
	await expectNoSeriousViolations(page);
	await page.screenshot({ path: test.info().outputPath('phone.png') });
	// The bar's Book goes to the review, which books the seat.
	await bookHeld(page, 1, 'summary-book');
	await backToMap(page);
	await expect(summary).not.toContainText('held');
	await expect(page.getByTestId('summary-book')).toHaveCount(0);
	await focusSeat(page, seatId, ['ArrowUp']);
	await expect(seatButton(page, seatId)).toHaveAttribute('data-status', 'mine');
	await context.close();
});

test('an event page asks the API only for what its server render did not send', async ({
	page
}) => {
	const asked: string[] = [];
	page.on('request', (r) => {
		const url = new URL(r.url());
		if (url.pathname.startsWith('/rest/v1/')) asked.push(url.pathname.slice('/rest/v1/'.length));
	});
	await page.goto('/events/jazz-night');
	await hydrated(page);
	await mapSynced(page);
	// The event row came with the page; the seats and who has them are the browser's to fetch.
	expect(asked.sort()).toEqual(['rpc/seat_bookings', 'rpc/seat_map']);
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
	// The map paints: the canvas is not blank. (The stadium is a ring of stands around an empty
	// pitch, so seats cover a fifth or so of the canvas.)
	const canvas = page.getByTestId('seat-canvas');
	const painted = await canvas.evaluate((canvas: HTMLCanvasElement) => {
		const ctx = canvas.getContext('2d')!;
		const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
		let n = 0;
		for (let i = 3; i < data.length; i += 4 * 97) if (data[i] > 0) n++;
		return n / (data.length / (4 * 97));
	});
	expect(painted).toBeGreaterThan(0.05);

	// Someone else books a seat: this map repaints that seat only, never the whole map.
	const fullPaints = await canvas.getAttribute('data-full-paints');
	const before = await seatsLeft.textContent();
	const other = await person(browser, 'Sam', '/events/stadium-finale');
	await focusFreeSeat(other.page, ['ArrowUp']);
	await holdAndBook(other.page);
	await expect(seatsLeft).not.toHaveText(before!);
	await expect(canvas).toHaveAttribute('data-seat-paints', /\d+/);
	expect(await canvas.getAttribute('data-full-paints')).toBe(fullPaints);
	await other.context.close();
});
