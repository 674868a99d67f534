import { expect, test, type Page } from '@playwright/test';
import {
	createEvent,
	expectNoSeriousViolations,
	focusFreeSeat,
	focused,
	person,
	seatButton
} from './helpers.ts';

/**
 * The seat map read before a click: the tooltip on hover and on keyboard focus, the flight to a
 * section and back, the minimap, and my seats findable when the whole venue is in view.
 */

// Seats small enough at overview (stacked sections, 90 rows) that a tap picks a section.
const BIG = [
	{ name: 'Lower', rows: 30, seats: 60, category: 'lower', priceCents: 6000 },
	{ name: 'Middle', rows: 30, seats: 60, category: 'middle', priceCents: 4500 },
	{ name: 'Upper', rows: 30, seats: 60, category: 'upper', priceCents: 3000 }
];
const SMALL = [{ name: 'Floor', rows: 6, seats: 12, category: 'floor', priceCents: 4000 }];

async function centreOf(page: Page, seatId: string) {
	const box = (await seatButton(page, seatId).boundingBox())!;
	return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

test('the tooltip names the seat under the mouse and in keyboard focus, with its state', async ({
	browser,
	baseURL
}) => {
	const { path } = await createEvent(baseURL!, { sections: SMALL });
	const { page, context } = await person(browser, 'Tip', path, {
		viewport: { width: 1280, height: 800 }
	});
	const tip = page.getByTestId('seat-tip');
	const canvas = page.getByTestId('seat-canvas');
	await expect(tip).toHaveCount(0);

	// Keyboard focus: the tooltip and the line above the map name the seat.
	const seatId = await focusFreeSeat(page, ['ArrowDown']);
	const name = (await focused(page).getAttribute('aria-label'))!.split(',')[0];
	await expect(tip).toContainText(name);
	await expect(tip).toContainText('floor · €40.00');
	await expect(page.getByTestId('seat-tip-state')).toHaveText('Free');
	await expect(page.getByTestId('map-where')).toHaveText(`${name} · Free`);

	// Held: the tooltip counts down.
	await page.keyboard.press('Enter');
	await expect(seatButton(page, seatId)).toHaveAttribute('data-status', 'mine-held');
	await expect(page.getByTestId('seat-tip-state')).toHaveText(
		/^Held by you · (10:00|09:\d\d) left$/
	);

	// The mouse over another seat: the tooltip follows it, the pointer is a hand.
	await focused(page).press('ArrowRight');
	const other = (await focused(page).getAttribute('data-seat-id'))!;
	const otherName = (await focused(page).getAttribute('aria-label'))!.split(',')[0];
	const at = await centreOf(page, other);
	await page.mouse.move(at.x, at.y);
	await expect(tip).toContainText(otherName);
	await expect(canvas).toHaveCSS('cursor', 'pointer');
	// Off the seats: no hand, and the focused seat's tooltip again.
	const box = (await canvas.boundingBox())!;
	await page.mouse.move(box.x + 3, box.y + 3);
	await expect(canvas).toHaveCSS('cursor', 'default');
	await expect(tip).toContainText(otherName);
	await context.close();
});

test('in the last minute of a hold the tooltip says to book soon, in words and a mark', async ({
	browser,
	baseURL
}) => {
	test.setTimeout(90_000);
	// 66 seconds: a few before the last minute, then into it.
	const { path } = await createEvent(baseURL!, { holdMinutes: 1.1, sections: SMALL });
	const { page, context } = await person(browser, 'Soon', path, {
		viewport: { width: 1280, height: 800 }
	});
	await focusFreeSeat(page, ['ArrowDown', 'ArrowDown']);
	await page.keyboard.press('Enter');
	await expect(focused(page)).toHaveAttribute('data-status', 'mine-held');
	const state = page.getByTestId('seat-tip-state');
	await expect(state).toHaveText(/^Held by you · 01:0\d left$/);
	await expect(state).toHaveAttribute('data-urgent', 'false');
	// The tooltip and the holds panel count down the same hold: at any instant, the same second,
	// also when the tooltip comes back to the seat at another moment of the second.
	await page.keyboard.press('ArrowRight');
	await page.waitForTimeout(500);
	await page.keyboard.press('ArrowLeft');
	await expect(state).toHaveText(/^Held by you · 01:0\d left$/);
	const shown = () =>
		page.evaluate(() =>
			['[data-testid="seat-tip-state"] .left', '[data-testid="hold-countdown"] .time'].map(
				(css) => document.querySelector(css)?.textContent?.match(/\d\d:\d\d/)?.[0]
			)
		);
	for (let k = 0; k < 12; k++) {
		const [tip, panel] = await shown();
		expect(tip, `sample ${k}`).toBe(panel);
		await page.waitForTimeout(170);
	}
	const plain = await state.evaluate((el) => getComputedStyle(el).color);

	await expect(state).toHaveAttribute('data-urgent', 'true', { timeout: 20_000 });
	await expect(state).toHaveText(/^Held by you · ⚠ 00:5\d left — book soon$/);
	// The same moment as the holds panel's countdown, and set apart by more than its colour.
	await expect(page.getByTestId('hold-countdown')).toHaveAttribute('data-urgent', 'true');
	const left = state.locator('.left');
	await expect(left).toHaveCSS('font-weight', '700');
	expect(await left.evaluate((el) => getComputedStyle(el).color)).not.toBe(plain);
	// The tooltip is dark in both themes; its urgent words read on it in both.
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		await expectNoSeriousViolations(page);
	}
	await context.close();
});

test('a tap on a section at overview flies to it; Escape and Show all come back; the minimap drags', async ({
	browser,
	baseURL
}) => {
	const { path } = await createEvent(baseURL!, { sections: BIG });
	const { page, context } = await person(browser, 'Sec', path, {
		viewport: { width: 1280, height: 800 }
	});
	const where = page.getByTestId('map-where');
	const minimap = page.getByTestId('minimap');
	await expect(where).toHaveText('All 3 sections');
	await expect(minimap).toHaveCount(0);

	const canvas = page.getByTestId('seat-canvas');
	const box = (await canvas.boundingBox())!;
	// The lowest third of the map is the Upper section.
	await page.mouse.click(box.x + box.width / 2, box.y + box.height * 0.8);
	await expect(where).toHaveText(/^Upper · Row [A-Z]/);
	await expect(minimap).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(where).toHaveText('All 3 sections');
	await expect(minimap).toHaveCount(0);

	await page.mouse.click(box.x + box.width / 2, box.y + box.height * 0.2);
	await expect(where).toHaveText(/^Lower · Row [A-Z]/);
	// Dragging the minimap's frame to its bottom moves the map to the Upper section.
	const frame = page.getByTestId('minimap-frame');
	const before = (await frame.boundingBox())!;
	const mini = (await minimap.boundingBox())!;
	await page.mouse.move(before.x + before.width / 2, before.y + before.height / 2);
	await page.mouse.down();
	await page.mouse.move(mini.x + mini.width / 2, mini.y + mini.height * 0.75, { steps: 5 });
	await page.mouse.up();
	await expect.poll(async () => (await frame.boundingBox())!.y).toBeGreaterThan(before.y + 20);
	await expect(where).toHaveText(/^Upper · Row [A-Z]/);

	await page.getByRole('button', { name: 'Show all' }).click();
	await expect(where).toHaveText('All 3 sections');
	await context.close();
});

test('my hold stays findable at overview: a marker of readable size, and Show my seats', async ({
	browser,
	baseURL
}) => {
	const { path } = await createEvent(baseURL!, { sections: BIG });
	const { page, context } = await person(browser, 'Mine', path, {
		viewport: { width: 1280, height: 800 }
	});
	const seatId = await focusFreeSeat(page, ['ArrowDown', 'ArrowDown']);
	await page.keyboard.press('Enter');
	await expect(seatButton(page, seatId)).toHaveAttribute('data-status', 'mine-held');
	await page.getByRole('button', { name: 'Show all' }).click();
	await expect(page.getByTestId('map-where')).toHaveText('All 3 sections');

	// At overview the seat is a few pixels; the marker around it is dark and at least 7 px out.
	const at = await centreOf(page, seatId);
	const canvas = page.getByTestId('seat-canvas');
	const box = (await canvas.boundingBox())!;
	await expect
		.poll(() =>
			canvas.evaluate(
				(c: HTMLCanvasElement, p) => {
					const ctx = c.getContext('2d')!;
					const k = c.width / c.getBoundingClientRect().width;
					const { data } = ctx.getImageData((p.x - 7) * k, (p.y - 7) * k, 14 * k, 14 * k);
					let dark = 0;
					for (let i = 0; i < data.length; i += 4)
						if (data[i + 3] > 200 && data[i] < 40 && data[i + 1] < 50 && data[i + 2] < 80) dark++;
					return dark;
				},
				{ x: at.x - box.x, y: at.y - box.y }
			)
		)
		.toBeGreaterThan(20);

	const seat = seatButton(page, seatId);
	const small = (await seat.boundingBox())!.width;
	await page.getByTestId('show-mine').click();
	await expect.poll(async () => (await seat.boundingBox())!.width).toBeGreaterThan(small);
	await expect(page.getByTestId('map-where')).not.toHaveText('All 3 sections');
	await context.close();
});
