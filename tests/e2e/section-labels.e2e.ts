import { expect, test, type Page } from '@playwright/test';
import { createEvent, person, STACKED_SECTIONS as SECTIONS } from './helpers.ts';
import {
	colourAround,
	expectApart,
	labelBoxes,
	pagePoint,
	seatColumns,
	type SeatColumns
} from './map-geometry.ts';

/**
 * The section labels as a person sees them: on the stadium, level and by their own stands at every
 * width, edges included; fading when they come and go (at once for someone who asks for less
 * motion); and the stand still named deep inside it. Layout only, so on one engine (their live
 * counts are section-counts.e2e.ts, on both).
 */

const STADIUM = 'stadium-finale';

/** The stadium's labels as a person sees them: every one level, apart, in the map, by its stand. */
async function expectStandLabels(page: Page, seats: SeatColumns, least: number) {
	const map = (await page.getByTestId('seat-canvas').boundingBox())!;
	const at = await pagePoint(page);
	const placed = await labelBoxes(page);
	expect(placed.length).toBeGreaterThanOrEqual(least);
	expectApart(placed.map((p) => p.box));
	const labels = page.getByTestId('section-label');
	for (let k = 0; k < placed.length; k++) {
		const { text, box } = placed[k];
		const stand = text.match(/^Stand \d\d/)![0];
		// Level: nothing turns a label.
		expect(await labels.nth(k).evaluate((e) => getComputedStyle(e).rotate)).toBe('none');
		expect(box.x).toBeGreaterThanOrEqual(map.x);
		expect(box.y).toBeGreaterThanOrEqual(map.y);
		expect(box.x + box.width).toBeLessThanOrEqual(map.x + map.width);
		expect(box.y + box.height).toBeLessThanOrEqual(map.y + map.height);
		// On its stand or just beside it: the seat nearest the label's middle is its own.
		const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
		let nearest = -1;
		let best = Infinity;
		for (let i = 0; i < seats.id.length; i++) {
			const [x, y] = at(seats.x[i], seats.y[i]);
			const d = (x - cx) ** 2 + (y - cy) ** 2;
			if (d < best) [best, nearest] = [d, i];
		}
		expect(seats.section[nearest], `${text} by its stand`).toBe(stand);
	}
	return placed.map((p) => p.text.slice(0, 8));
}

for (const viewport of [
	{ width: 375, height: 800 },
	{ width: 768, height: 900 },
	{ width: 1280, height: 900 }
])
	test(`the stadium’s stands are named level, by their own seats, edges included (${viewport.width} px)`, async ({
		browser,
		baseURL
	}) => {
		test.setTimeout(90_000);
		const seats = await seatColumns(baseURL!, STADIUM);
		const { page, context } = await person(browser, 'Look', `/events/${STADIUM}`, { viewport });
		await expect(page.getByTestId('section-label').first()).toBeVisible();
		const named = await expectStandLabels(page, seats, viewport.width < 500 ? 12 : 20);
		// The map's corners, outside the ring, are open ground (a seat's tile once painted one over).
		const map = (await page.getByTestId('seat-canvas').boundingBox())!;
		const corners: [number, number][] = [
			[map.x + 6, map.y + 6],
			[map.x + map.width - 6, map.y + 6],
			[map.x + 6, map.y + map.height - 6],
			[map.x + map.width - 6, map.y + map.height - 6]
		];
		for (const colour of await colourAround(page, corners)) expect(colour).toBeLessThan(30);
		// The stands at the map's left and right edges, where a label centred on them reaches
		// past the ring, keep theirs.
		expect(named.some((s) => s === 'Stand 06' || s === 'Stand 07')).toBe(true);
		expect(named.some((s) => s === 'Stand 18' || s === 'Stand 19')).toBe(true);

		// Zoomed in on the stands east of the pitch, whose rows run down the page. (A phone's map
		// that close shows too little ground beside a stand for a label to be sure of a place.)
		if (viewport.width > 500) {
			const canvas = (await page.getByTestId('seat-canvas').boundingBox())!;
			await page.mouse.move(canvas.x + canvas.width * 0.87, canvas.y + canvas.height * 0.4);
			for (let k = 0; k < 8; k++) await page.mouse.wheel(0, -200);
			const aside = page.locator('[data-testid="section-label"][data-mode="aside"]');
			await expect(aside.first()).toBeVisible();
			await expect(page.locator('[data-testid="section-label"][data-mode="inside"]')).toHaveCount(
				0
			);
			await expectStandLabels(page, seats, 1);
		}
		await context.close();
	});

test('labels fade in and out, and not for someone who asks for less motion', async ({
	browser,
	baseURL
}) => {
	const { path, slug } = await createEvent(baseURL!, { sections: SECTIONS });
	const seats = await seatColumns(baseURL!, slug);
	const { page, context } = await person(browser, 'Fade', path, {
		viewport: { width: 1280, height: 800 }
	});
	const inside = page.locator('[data-testid="section-label"][data-mode="inside"]');
	await expect(inside).toHaveCount(3);
	const fade = () =>
		inside.first().evaluate((e) => {
			const s = getComputedStyle(e);
			return `${s.transitionProperty} ${s.transitionDuration}`;
		});
	expect(await fade()).toBe('opacity 0.2s');
	// Zoomed in at the front of the first section until its seats can be clicked: its label on
	// the seats gives way to one beside them, the old fading out while the new fades in.
	const lower = seats.id.map((_, i) => i).filter((i) => seats.section[i] === 'Lower');
	const top = Math.min(...lower.map((i) => seats.y[i]));
	const xs = lower.map((i) => seats.x[i]);
	const at = await pagePoint(page);
	const [x, y] = at((Math.min(...xs) + Math.max(...xs)) / 2, top);
	// A little above the front row, so the zoom opens ground between it and the map's edge.
	await page.mouse.move(x, y - 15);
	for (let k = 0; k < 4; k++) await page.mouse.wheel(0, -200);
	const aside = page.locator(
		'[data-testid="section-label"][data-section="Lower"][data-mode="aside"]'
	);
	await expect(aside).toHaveCSS('opacity', '1');
	await expect(inside).toHaveCount(0);
	// Faded out, the old labels leave the page.
	await expect(page.getByTestId('section-label-leaving')).toHaveCount(0);
	expect(await aside.evaluate((e) => getComputedStyle(e).transitionDuration)).toBe('0.2s');
	await page.emulateMedia({ reducedMotion: 'reduce' });
	expect(await aside.evaluate((e) => getComputedStyle(e).transitionDuration)).toBe('0s');
	await context.close();
});
test('zoomed deep into a stand, far from its label, the map still says which stand it is', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const { page, context } = await person(browser, 'Deep', `/events/${STADIUM}`, {
		viewport: { width: 375, height: 800 }
	});
	const canvas = (await page.getByTestId('seat-canvas').boundingBox())!;
	// The middle of the ring's right-hand side, then far in.
	await page.mouse.move(canvas.x + canvas.width * 0.9, canvas.y + canvas.height * 0.45);
	for (let k = 0; k < 12; k++) await page.mouse.wheel(0, -250);
	await expect(page.getByTestId('map-where')).toHaveText(/^Stand 0[67] · Row [A-Z]+$/);
	// In the toolbar, or on a phone whose toolbar is full, over the map's corner.
	await expect(
		page.getByText(/^\s*Stand 0[67] · Row [A-Z]+\s*$/).filter({ visible: true })
	).toHaveCount(1);
	await context.close();
});
