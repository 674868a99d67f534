import { describe, expect, it } from 'vitest';
import { fit, fitWithRoom, resized, reveal, toScreen, toWorld, zoomAt } from './viewport.ts';

const bounds = { minX: 0, minY: 0, maxX: 100, maxY: 50 };

describe('viewport', () => {
	it('fits the bounds centred in the box', () => {
		const view = fit(bounds, 220, 220, 10);
		expect(view.scale).toBe(2);
		expect(toScreen(view, 0, 0)).toEqual([10, 60]);
		expect(toScreen(view, 100, 50)).toEqual([210, 160]);
	});

	it('zooms around a fixed point and respects the limits', () => {
		const view = fit(bounds, 220, 220, 10);
		const zoomed = zoomAt(view, 2, 110, 110, { min: 1, max: 3 });
		expect(zoomed.scale).toBe(3);
		const [wx, wy] = toWorld(view, 110, 110);
		expect(toScreen(zoomed, wx, wy)).toEqual([110, 110]);
	});

	it('pans just enough to reveal a point', () => {
		const view = { scale: 1, tx: 0, ty: 0 };
		expect(reveal(view, 50, 50, 100, 100, 10)).toBe(view);
		expect(reveal(view, 150, 50, 100, 100, 10)).toEqual({ scale: 1, tx: -60, ty: 0 });
	});

	it('shows everything again after a resize when it showed everything before', () => {
		const before = fit(bounds, 1000, 600, 8);
		const after = fit(bounds, 341, 558, 8);
		const size = (width: number, height: number) => ({ width, height });
		expect(resized(before, before, after, size(1000, 600), size(341, 558))).toBe(after);
		// Every corner of the map inside the new box.
		const view = resized({ ...before }, before, after, size(1000, 600), size(341, 558));
		const [x0, y0] = toScreen(view, 0, 0);
		const [x1, y1] = toScreen(view, 100, 50);
		expect(Math.min(x0, y0)).toBeGreaterThanOrEqual(0);
		expect(x1).toBeLessThanOrEqual(341);
		expect(y1).toBeLessThanOrEqual(558);
	});

	it('keeps the middle and the zoom relative to the fit of a zoomed view', () => {
		const before = fit(bounds, 1000, 600, 8);
		const after = fit(bounds, 340, 560, 8);
		const zoomed = zoomAt(before, 3, 200, 300, { min: 0, max: 100 });
		const [cx, cy] = toWorld(zoomed, 500, 300);
		const view = resized(
			zoomed,
			before,
			after,
			{ width: 1000, height: 600 },
			{ width: 340, height: 560 }
		);
		expect(view.scale / after.scale).toBeCloseTo(zoomed.scale / before.scale);
		const [sx, sy] = toScreen(view, cx, cy);
		expect(sx).toBeCloseTo(170);
		expect(sy).toBeCloseTo(280);
	});
});

describe('fitWithRoom', () => {
	it('is fit when nothing needs room', () => {
		const corners = [
			{ x: 0, y: 0, rx: 0, ry: 0 },
			{ x: 100, y: 50, rx: 0, ry: 0 }
		];
		expect(fitWithRoom(corners, 220, 220, 10)).toEqual(fit(bounds, 220, 220, 10));
	});

	it('shrinks the view just enough that every point’s room fits, and centres the whole', () => {
		// A label 60 px wide centred on the map's left edge, one 20 px tall on its bottom.
		const points = [
			{ x: 0, y: 0, rx: 30, ry: 5 },
			{ x: 100, y: 50, rx: 0, ry: 10 },
			{ x: 100, y: 0, rx: 0, ry: 0 }
		];
		const view = fitWithRoom(points, 220, 220, 10);
		// 100 · scale + 30 = 200 across; 50 · scale + 15 = 200 down: across binds.
		expect(view.scale).toBeCloseTo(1.7, 12);
		const left = toScreen(view, 0, 0)[0] - 30;
		const right = toScreen(view, 100, 0)[0];
		expect(left).toBeCloseTo(10, 9);
		expect(right).toBeCloseTo(210, 9);
		const top = toScreen(view, 0, 0)[1] - 5;
		const bottom = toScreen(view, 100, 50)[1] + 10;
		expect(top + bottom).toBeCloseTo(220, 9);
	});

	it('lets a small room inside the map’s extent cost nothing', () => {
		const points = [
			{ x: 0, y: 0, rx: 0, ry: 0 },
			{ x: 100, y: 50, rx: 0, ry: 0 },
			{ x: 50, y: 25, rx: 40, ry: 40 }
		];
		expect(fitWithRoom(points, 220, 220, 10).scale).toBe(2);
	});
});
