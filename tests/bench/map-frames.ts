import type { Browser, Page } from 'playwright-core';
import { summarize, type Summary } from './stats.ts';

/** One gesture at one zoom on one screen: the page's animation-frame intervals while it ran. */
export interface FrameRun {
	screen: string;
	zoom: string;
	gesture: 'drag' | 'wheel' | 'buttons' | 'pinch' | 'hover';
	interval: Measured;
}

export interface Screen {
	width: number;
	height: number;
	dpr: number;
}

export const screenName = (s: Screen) => `${s.width}×${s.height}@${s.dpr}x`;

/** Starts recording animation-frame timestamps in the page (a loop of its own). */
async function startFrames(page: Page): Promise<void> {
	await page.evaluate(() => {
		const w = window as unknown as { __frames?: number[]; __framesOn?: boolean };
		w.__frames = [];
		w.__framesOn = true;
		const loop = (t: number) => {
			if (!w.__framesOn) return;
			w.__frames!.push(t);
			requestAnimationFrame(loop);
		};
		requestAnimationFrame(loop);
	});
}

async function stopFrames(page: Page): Promise<number[]> {
	return page.evaluate(async () => {
		await new Promise((r) => requestAnimationFrame(r));
		const w = window as unknown as { __frames: number[]; __framesOn: boolean };
		w.__framesOn = false;
		const t = w.__frames;
		return t.slice(1).map((v, k) => v - t[k]);
	});
}

/** Waits until the map has had `ms` without drawing (idle re-renders done). */
export async function settle(page: Page, ms = 300): Promise<void> {
	await page.evaluate(
		(quiet) =>
			new Promise<void>((resolve) => {
				const b = (window as unknown as { __bench: { frames: number[] } }).__bench;
				const check = () => {
					const last = b.frames.at(-1) ?? 0;
					if (performance.now() - last >= quiet) resolve();
					else setTimeout(check, 50);
				};
				check();
			}),
		ms
	);
}

async function canvasBox(page: Page) {
	const box = await page.getByTestId('seat-canvas').boundingBox();
	if (!box) throw new Error('no seat canvas');
	return box;
}

/** A point of the page over seats to zoom at (a bowl's middle, where the buttons zoom, is its pitch). */
export type Aim = (page: Page) => Promise<{ x: number; y: number }>;

/** The map's own zoom step, as one wheel notch: exp(270.3 × 0.0015) = 1.5, the Zoom in button's. */
const WHEEL_STEP = Math.log(1.5) / 0.0015;

/**
 * `steps` zoom steps of 1.5 from the overview: 0 = overview. With `aim`, by the wheel at that point
 * (it stays under the pointer, so the view ends over seats); else by the Zoom in button.
 */
export async function zoomTo(page: Page, steps: number, aim?: Aim): Promise<void> {
	// Show all animates from the frame after the click: until that frame, the map has been quiet
	// for long and `settle` alone returns at once, and the wheel below would zoom from the old view.
	const clicked = await page.evaluate(() => performance.now());
	await page.getByRole('button', { name: 'Show all' }).click();
	await page
		.waitForFunction(
			(t) =>
				((window as unknown as { __bench: { frames: number[] } }).__bench.frames.at(-1) ?? 0) > t,
			clicked,
			{ timeout: 1000, polling: 'raf' }
		)
		// Already the whole venue: nothing to animate.
		.catch(() => {});
	await settle(page);
	if (aim && steps) {
		const { x, y } = await aim(page);
		await page.mouse.move(x, y);
		for (let k = 0; k < steps; k++) await page.mouse.wheel(0, -WHEEL_STEP);
	} else
		for (let k = 0; k < steps; k++) await page.getByRole('button', { name: 'Zoom in' }).click();
	await settle(page);
}

/** Frame intervals while a gesture ran, and how long the map's own frames ran (script). */
export type Measured = Summary & { paint: Summary };

async function measure(page: Page, gesture: () => Promise<void>): Promise<Measured> {
	await settle(page);
	const from = await page.evaluate(
		() => (window as unknown as { __bench: { spans: number[] } }).__bench.spans.length
	);
	await startFrames(page);
	await gesture();
	const interval = summarize(await stopFrames(page));
	const spans = await page.evaluate(
		(k) => (window as unknown as { __bench: { spans: number[] } }).__bench.spans.slice(k),
		from
	);
	return { ...interval, paint: summarize(spans) };
}

export async function drag(page: Page, steps = 40): Promise<Measured> {
	const box = await canvasBox(page);
	const cx = box.x + box.width / 2;
	const cy = box.y + box.height / 2;
	return measure(page, async () => {
		await page.mouse.move(cx, cy);
		await page.mouse.down();
		for (let k = 1; k <= steps; k++) {
			// out and back, so the view stays over the venue
			const phase = k <= steps / 2 ? k : steps - k;
			await page.mouse.move(cx + phase * 9, cy + phase * 4);
		}
		await page.mouse.up();
	});
}

export async function wheel(page: Page, steps = 20): Promise<Measured> {
	const box = await canvasBox(page);
	await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.55);
	return measure(page, async () => {
		for (let k = 0; k < steps; k++) await page.mouse.wheel(0, k < steps / 2 ? -120 : 120);
	});
}

export async function buttons(page: Page): Promise<Measured> {
	return measure(page, async () => {
		for (const name of ['Zoom in', 'Zoom in', 'Zoom out', 'Zoom out'])
			await page.getByRole('button', { name }).click();
	});
}

/** Two touch points moving apart then together, through CDP touch events (pointer events). */
export async function pinch(page: Page, steps = 20): Promise<Measured> {
	const box = await canvasBox(page);
	const cx = box.x + box.width / 2;
	const cy = box.y + box.height / 2;
	const cdp = await page.context().newCDPSession(page);
	const points = (d: number) => [
		{ x: cx - d, y: cy, id: 1 },
		{ x: cx + d, y: cy, id: 2 }
	];
	try {
		return await measure(page, async () => {
			await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(40) });
			for (let k = 1; k <= steps; k++) {
				const phase = k <= steps / 2 ? k : steps - k;
				await cdp.send('Input.dispatchTouchEvent', {
					type: 'touchMove',
					touchPoints: points(40 + phase * 12)
				});
			}
			await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
		});
	} finally {
		await cdp.detach();
	}
}

/** Hover moves over the map without a button: hit-testing and the tooltip. */
export async function hover(page: Page, steps = 40): Promise<Measured> {
	const box = await canvasBox(page);
	return measure(page, async () => {
		for (let k = 0; k < steps; k++)
			await page.mouse.move(
				box.x + box.width * (0.3 + (0.4 * k) / steps),
				box.y + box.height * (0.4 + (0.2 * k) / steps)
			);
	});
}

export const ZOOMS: [string, number][] = [
	['overview', 0],
	['×3.4', 3],
	['×11', 6],
	['×38', 9]
];

export const GESTURES = {
	drag,
	wheel,
	buttons,
	pinch,
	hover
} satisfies Record<FrameRun['gesture'], (page: Page) => Promise<Measured>>;

/**
 * Runs one gesture, inside `around` when given (a profiler or a trace started before it and
 * stopped after it, say).
 */
export type Around = (name: string, run: () => Promise<Measured>) => Promise<Measured>;

/** Every gesture (or those in `gestures`) at every zoom on one screen. */
export async function frameRuns(
	browser: Browser,
	open: (screen: Screen) => Promise<Page>,
	screen: Screen,
	zooms = ZOOMS,
	aim?: Aim,
	gestures = Object.keys(GESTURES) as FrameRun['gesture'][],
	around: Around = (_, run) => run()
): Promise<FrameRun[]> {
	const page = await open(screen);
	const runs: FrameRun[] = [];
	const name = screenName(screen);
	try {
		for (const [zoom, steps] of zooms)
			for (const gesture of gestures) {
				await zoomTo(page, steps, aim);
				const interval = await around(`${name}-${zoom}-${gesture}`, () => GESTURES[gesture](page));
				runs.push({ screen: name, zoom, gesture, interval });
			}
	} finally {
		await page.context().close();
	}
	void browser;
	return runs;
}
