import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeatLayout } from '$lib/domain/seat-layout';
import { tileCost, tileSeats, type PaintSource } from '$lib/components/seat-painter';
import { TILE } from './tiles';
import { MapRenderer, RASTER_PER_FRAME } from './map-renderer';

/** What the renderer did to the screen's canvas: each image copy, scaled or not, and how sampled. */
interface Copy {
	scaled: boolean;
	smoothing: boolean;
}

/**
 * A 2D context that draws nothing: every method is a no-op, every property keeps what was set,
 * and drawImage is recorded with the smoothing in force. Enough for the renderer and the painter.
 */
function fakeContext(canvas: { width: number; height: number }, copies: Copy[] = []) {
	const state: Record<string | symbol, unknown> = { canvas, imageSmoothingEnabled: true };
	return new Proxy(state, {
		get(target, key) {
			if (key in target) return target[key];
			if (key === 'drawImage')
				return (...args: unknown[]) =>
					copies.push({
						scaled: args.length > 3,
						smoothing: target.imageSmoothingEnabled as boolean
					});
			if (key === 'measureText') return () => ({ width: 10 });
			return () => {};
		},
		set(target, key, value) {
			target[key] = value;
			return true;
		}
	}) as unknown as CanvasRenderingContext2D;
}

class FakeCanvas {
	width: number;
	height: number;
	constructor(width: number, height: number) {
		this.width = width;
		this.height = height;
	}
	getContext() {
		return fakeContext(this);
	}
}

class FakeImageData {
	readonly width: number;
	readonly height: number;
	readonly data: Uint8ClampedArray;
	constructor(width: number, height: number) {
		this.width = width;
		this.height = height;
		this.data = new Uint8ClampedArray(width * height * 4);
	}
}

/** rows × cols seats one unit apart. */
function grid(rows: number, cols: number): SeatLayout {
	const n = rows * cols;
	const k = Array.from({ length: n }, (_, i) => i);
	return new SeatLayout({
		id: k.map((i) => i + 1),
		section: k.map(() => 'A'),
		row_label: k.map((i) => String(Math.floor(i / cols))),
		number: k.map((i) => (i % cols) + 1),
		x: k.map((i) => i % cols),
		y: k.map((i) => Math.floor(i / cols)),
		category: k.map(() => 'Standard'),
		price_cents: k.map(() => 2000),
		accessibility: k.map(() => null),
		restricted_view: k.map(() => false)
	});
}

const globals = globalThis as unknown as Record<string, unknown>;
const saved = { OffscreenCanvas: globals.OffscreenCanvas, ImageData: globals.ImageData };
beforeAll(() => {
	globals.OffscreenCanvas = FakeCanvas;
	globals.ImageData = FakeImageData;
});
afterAll(() => Object.assign(globals, saved));

function renderer(layout: SeatLayout, selection: Iterable<number> = []) {
	const copies: Copy[] = [];
	const screen = { width: 800 * 2, height: 600 * 2 };
	const ctx = fakeContext(screen, copies);
	const source: PaintSource = {
		layout,
		status: () => 'available',
		selection,
		features: () => 0,
		dimmed: () => false
	};
	return { map: new MapRenderer(ctx, source), copies, ctx };
}

describe('MapRenderer', () => {
	it('copies tiles 1:1 at rest, and samples the nearest pixel where a gesture scales them', () => {
		const { map, copies, ctx } = renderer(grid(60, 80));
		const view = { scale: 10, tx: 0, ty: 0 };
		// At rest: the view's own scale, every tile copied unscaled.
		while (map.frame(view, 800, 600, 2, true, 1000).missing);
		copies.length = 0;
		map.frame(view, 800, 600, 2, true, 1000);
		expect(copies.length).toBeGreaterThan(0);
		expect(copies.every((c) => !c.scaled)).toBe(true);
		// Zoomed by 1.2 in a gesture: the level drawn stands in, scaled, sampled nearest.
		copies.length = 0;
		map.frame({ scale: 12, tx: -40, ty: -30 }, 800, 600, 2, false, 1000);
		expect(copies.length).toBeGreaterThan(0);
		expect(copies.every((c) => c.scaled && !c.smoothing)).toBe(true);
		// What is drawn over the tiles afterwards (labels, markers) is smoothed as before.
		expect(ctx.imageSmoothingEnabled).toBe(true);
	});

	it('a frame at DPR 2 draws a quarter of the seats one at DPR 1 does: the budget is in device pixels', () => {
		const layout = grid(80, 120);
		const tilesDrawn = (dpr: number) => {
			const { map } = renderer(layout);
			const rest = { scale: 20, tx: -400, ty: -300 };
			while (map.frame(rest, 1600, 1200, dpr, true, 1000).missing);
			// Zoomed ×2 in a gesture: past √2, so a new level is drawn, within the moving budget.
			const stats = map.frame({ scale: 40, tx: -800, ty: -600 }, 1600, 1200, dpr, false, 1000);
			expect(stats.missing).toBeGreaterThan(0);
			// Beyond its first tile (one inside the grid, as many seats as any), the frame stays
			// within the budget, counted in device pixels.
			const inside = { scale: 2 ** 5.5, tx: -5 * TILE, ty: -5 * TILE };
			const first = tileCost(layout, inside, tileSeats(layout, inside, TILE), dpr);
			expect(stats.raster).toBeLessThanOrEqual(RASTER_PER_FRAME.moving + first);
			expect(stats.raster).toBeGreaterThan(RASTER_PER_FRAME.moving - first);
			return stats.drawn;
		};
		// Tiles inside the grid hold as many seats each: a quarter of the tiles, a quarter the seats.
		const [one, two] = [tilesDrawn(1), tilesDrawn(2)];
		expect(two).toBeLessThan(one / 3);
	});

	it('reads the selection once per tile drawn, not once per seat (a reactive set is slow to ask)', () => {
		let reads = 0;
		const selection = {
			*[Symbol.iterator]() {
				reads++;
				yield 5;
			}
		};
		for (const scale of [1, 10]) {
			reads = 0;
			const { map } = renderer(grid(60, 80), selection);
			let drawn = 0;
			for (;;) {
				const stats = map.frame({ scale, tx: 0, ty: 0 }, 800, 600, 1, true, 1000);
				drawn += stats.drawn;
				if (!stats.missing) break;
			}
			expect(drawn).toBeGreaterThan(0);
			expect(reads).toBe(drawn);
		}
	});

	it('a frame that has spent its budget looks up the seats of no more tiles than it draws, and one', () => {
		const layout = grid(80, 120);
		const { map } = renderer(layout);
		while (map.frame({ scale: 20, tx: -400, ty: -300 }, 1600, 1200, 2, true, 1000).missing);
		const query = layout.query.bind(layout);
		let lookups = 0;
		layout.query = (...args) => {
			lookups++;
			return query(...args);
		};
		const stats = map.frame({ scale: 40, tx: -800, ty: -600 }, 1600, 1200, 2, false, 1000);
		expect(stats.missing).toBeGreaterThan(0);
		expect(lookups).toBe(stats.drawn + 1);
	});

	it('where no tile of the view is drawn yet, the venue as it opened stands in: a pan shows no hole', () => {
		const { map, copies } = renderer(grid(200, 200));
		// The venue whole, then a spot of it up close, each drawn complete at rest.
		while (map.frame({ scale: 3, tx: 0, ty: 0 }, 800, 600, 2, true, 1000).missing);
		while (map.frame({ scale: 30, tx: -300, ty: -300 }, 800, 600, 2, true, 1000).missing);
		// A fast pan at that scale to where no tile is drawn: the frame draws what its budget allows.
		copies.length = 0;
		const pan = { scale: 30, tx: -3300, ty: -3300 };
		const stats = map.frame(pan, 800, 600, 2, false, 1000);
		expect(stats.missing).toBeGreaterThan(0);
		// Every tile the view wants is on screen: drawn at its own scale, or the first level scaled.
		const own = copies.filter((c) => !c.scaled).length;
		expect(own).toBe(stats.drawn);
		expect(copies.filter((c) => c.scaled).length).toBeGreaterThanOrEqual(stats.missing);
	});
});
