import { expect, test, type Page } from '@playwright/test';
import { createEvent, hydrated, login, mapSynced, uniqueName } from './helpers.ts';
import {
	colourAround,
	expectApart,
	intersects,
	labelBoxes,
	pagePoint,
	seatColumns,
	type Box
} from './map-geometry.ts';

/**
 * The map as it reads: the seeded theatre and stadium drawn in their shapes, section labels that
 * never overlap and keep off seats that can be clicked, a long press that names a seat without
 * taking it, and a phone's map that fills the screen above the bottom bar.
 */

const STADIUM = 'stadium-finale';
const THEATRE = 'hamlet';

async function openMap(page: Page, slug: string): Promise<void> {
	await page.goto(`/events/${slug}`);
	await hydrated(page);
	// 54,000 seats on a shared, loaded machine.
	await mapSynced(page, 60_000);
}

/** Groups seat indices by a key. */
function groupBy<K>(n: number, key: (i: number) => K): Map<K, number[]> {
	const groups = new Map<K, number[]>();
	for (let i = 0; i < n; i++) {
		const k = key(i);
		const list = groups.get(k) ?? [];
		list.push(i);
		groups.set(k, list);
	}
	return groups;
}

test('the curved theatre is seeded in arcs and drawn where its seats are', async ({
	browser,
	baseURL
}) => {
	const seats = await seatColumns(baseURL!, THEATRE);
	const rows = groupBy(seats.id.length, (i) => `${seats.section[i]} ${seats.row_label[i]}`);
	// Every row of the stalls and the circle curves: its seats are not on one line.
	const curved = [...rows].filter(([key]) => /^(Stalls|Circle) /.test(key));
	expect(curved.length).toBe(32);
	for (const [key, row] of curved) {
		const ys = row.map((i) => seats.y[i]);
		expect(Math.max(...ys) - Math.min(...ys), key).toBeGreaterThan(1);
	}

	const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const page = await context.newPage();
	await openMap(page, THEATRE);
	const at = await pagePoint(page);
	// A seat from the ends and the middle of a few rows: each is painted in its colour.
	const sample = curved
		.filter((_, k) => k % 5 === 0)
		.flatMap(([, row]) => [row[0], row[row.length >> 1], row[row.length - 1]]);
	await expect
		.poll(async () =>
			Math.min(
				...(await colourAround(
					page,
					sample.map((i) => at(seats.x[i], seats.y[i]))
				))
			)
		)
		.toBeGreaterThan(80);
	// The open floor between the stage (its front edge at y = 2) and the stalls' front row is not.
	const front = rows.get('Stalls A')!;
	const mid = front[front.length >> 1];
	const [gx, gy] = at(seats.x[mid], (seats.y[mid] + 2) / 2);
	expect((await colourAround(page, [[gx, gy]]))[0]).toBeLessThan(30);
	await context.close();
});

test('the stadium bowl is seeded around the pitch and drawn all the way round', async ({
	browser,
	baseURL
}) => {
	const seats = await seatColumns(baseURL!, STADIUM);
	expect(seats.id.length).toBe(54_000);
	const stands = groupBy(seats.id.length, (i) => seats.section[i]);
	expect(stands.size).toBe(24);
	// The stands' middles sit on a ring around the pitch's centre, at 24 different angles.
	const angles: number[] = [];
	const middles: number[] = [];
	for (const stand of stands.values()) {
		const mx = stand.reduce((sum, i) => sum + seats.x[i], 0) / stand.length;
		const my = stand.reduce((sum, i) => sum + seats.y[i], 0) / stand.length;
		expect(Math.hypot(mx - 250, my - 250)).toBeGreaterThan(180);
		angles.push(Math.round((Math.atan2(my - 250, mx - 250) * 180) / Math.PI));
		middles.push(stand[stand.length >> 1]);
	}
	expect(new Set(angles).size).toBe(24);
	expect(Math.max(...angles) - Math.min(...angles)).toBeGreaterThan(300);

	const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const page = await context.newPage();
	await openMap(page, STADIUM);
	const at = await pagePoint(page);
	await expect
		.poll(async () =>
			Math.min(
				...(await colourAround(
					page,
					middles.map((i) => at(seats.x[i], seats.y[i]))
				))
			)
		)
		.toBeGreaterThan(80);
	// Between the pitch's side and the ring's inner edge: open ground.
	expect((await colourAround(page, [at(250 + 192, 250)]))[0]).toBeLessThan(30);
	await context.close();
});

for (const viewport of [
	{ width: 1280, height: 800 },
	{ width: 375, height: 812 }
]) {
	test(`section labels at overview never overlap (${viewport.width} px)`, async ({ browser }) => {
		const context = await browser.newContext({ viewport });
		const page = await context.newPage();
		await openMap(page, STADIUM);
		const labels = page.getByTestId('section-label');
		await expect(labels.first()).toBeVisible();
		const placed = await labelBoxes(page);
		// Most stands are named with their free seats, the crowded ones left out.
		expect(placed.length).toBeGreaterThanOrEqual(viewport.width > 800 ? 16 : 6);
		expect(placed.length).toBeLessThan(24);
		for (const { text } of placed) expect(text).toMatch(/^Stand \d\d [\d,]+ free/);
		expectApart(placed.map((p) => p.box));
		const map = (await page.getByTestId('seat-canvas').boundingBox())!;
		for (const { box } of placed) {
			expect(box.x).toBeGreaterThanOrEqual(map.x);
			expect(box.x + box.width).toBeLessThanOrEqual(map.x + map.width);
		}
		await context.close();
	});
}

test('zoomed in until seats can be clicked, section labels move off the seats', async ({
	browser,
	baseURL
}) => {
	const seats = await seatColumns(baseURL!, STADIUM);
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const page = await context.newPage();
	await openMap(page, STADIUM);
	const canvas = (await page.getByTestId('seat-canvas').boundingBox())!;
	// At the ring's right edge, where open ground lies outside it.
	await page.mouse.move(canvas.x + canvas.width * 0.87, canvas.y + canvas.height * 0.5);
	for (let k = 0; k < 8; k++) await page.mouse.wheel(0, -200);
	const aside = page.locator('[data-testid="section-label"][data-mode="aside"]');
	await expect(aside.first()).toBeVisible();
	await expect(page.locator('[data-testid="section-label"][data-mode="inside"]')).toHaveCount(0);
	const at = await pagePoint(page);
	const placed = await labelBoxes(page);
	expectApart(placed.map((p) => p.box));
	const onLabel: string[] = [];
	for (let i = 0; i < seats.id.length; i++) {
		const [x, y] = at(seats.x[i], seats.y[i]);
		const seat: Box = { x: x - 1, y: y - 1, width: 2, height: 2 };
		for (const { text, box } of placed)
			if (intersects(seat, box)) onLabel.push(`${text}: seat ${seats.id[i]}`);
	}
	expect(onLabel).toEqual([]);
	await context.close();
});

const SMALL = [{ name: 'Floor', rows: 6, seats: 12, category: 'floor', priceCents: 4000 }];

test('a long press on a touch screen names the seat and does not hold it', async ({
	browser,
	baseURL
}) => {
	const { slug, path } = await createEvent(baseURL!, { sections: SMALL });
	const seats = await seatColumns(baseURL!, slug);
	const context = await browser.newContext({
		viewport: { width: 375, height: 812 },
		hasTouch: true
	});
	const page = await context.newPage();
	await login(page, uniqueName('Press'), path);
	await mapSynced(page);
	const at = await pagePoint(page);
	const seat = (row: string, number: number) =>
		seats.id.findIndex((_, i) => seats.row_label[i] === row && seats.number[i] === number);
	const pressed = seat('C', 5);
	const tapped = seat('C', 7);
	const cdp = await context.newCDPSession(page);
	const touch = async (i: number, type: 'touchStart' | 'touchEnd') => {
		const [x, y] = at(seats.x[i], seats.y[i]);
		await cdp.send('Input.dispatchTouchEvent', {
			type,
			touchPoints: type === 'touchEnd' ? [] : [{ x, y }]
		});
	};

	const tip = page.getByTestId('seat-tip');
	await touch(pressed, 'touchStart');
	// Named once the finger has stayed (the press's time), while still down.
	await expect(tip).toContainText('Floor · Row C · Seat 5');
	await expect(page.getByTestId('seat-tip-state')).toHaveText('Free');
	await touch(pressed, 'touchEnd');
	await expect(tip).toContainText('Floor · Row C · Seat 5');

	// A quick tap holds; had the press held too, two seats would be held now.
	await touch(tapped, 'touchStart');
	await touch(tapped, 'touchEnd');
	await expect(page.getByTestId('outcome')).toContainText('Holding Floor · Row C · Seat 7');
	await expect(page.getByTestId('holds-summary')).toContainText('1 seat held');
	await context.close();
});

test('on a phone the map spans the screen and stops above the bottom bar', async ({ browser }) => {
	const viewport = { width: 375, height: 812 };
	const context = await browser.newContext({ viewport });
	const page = await context.newPage();
	await openMap(page, 'symphony-no-9');
	const map = (await page.locator('[data-map-viewport]').boundingBox())!;
	const bar = (await page.getByTestId('holds-summary').boundingBox())!;
	expect(map.x).toBeLessThanOrEqual(0);
	expect(map.x + map.width).toBeGreaterThanOrEqual(viewport.width);
	expect(intersects(map, bar)).toBe(false);
	// What sits above the map (the title, the details' one line, the status line, the toolbar with
	// the wheelchair filter in it) takes the rest.
	expect(map.height).toBeGreaterThanOrEqual(viewport.height * 0.6);
	// The canvas follows the box, so the whole venue shows in it.
	const canvas = (await page.getByTestId('seat-canvas').boundingBox())!;
	expect(canvas.y + canvas.height).toBeLessThanOrEqual(bar.y);
	await context.close();
});
