import type { Bounds } from './seat-layout.ts';

/** Maps map units to CSS pixels: screen = world · scale + offset. */
export interface Viewport {
	scale: number;
	tx: number;
	ty: number;
}

export interface ZoomLimits {
	min: number;
	max: number;
}

/** The viewport that shows all of `bounds` centred in a `width`×`height` box. */
export function fit(bounds: Bounds, width: number, height: number, margin: number): Viewport {
	const w = Math.max(bounds.maxX - bounds.minX, 1e-6);
	const h = Math.max(bounds.maxY - bounds.minY, 1e-6);
	const scale = Math.max(1e-6, Math.min((width - 2 * margin) / w, (height - 2 * margin) / h));
	return {
		scale,
		tx: width / 2 - ((bounds.minX + bounds.maxX) / 2) * scale,
		ty: height / 2 - ((bounds.minY + bounds.maxY) / 2) * scale
	};
}

/** A map point that must show with `rx` by `ry` px of room around it (a label centred on it). */
export interface Roomy {
	x: number;
	y: number;
	rx: number;
	ry: number;
}

/**
 * The closest view that shows every point with its room inside a `width`×`height` box, `margin`
 * px from its edges, the whole centred. Room in pixels does not grow with the zoom, so the scale
 * is the largest at which each pair of points, with their rooms, still fits side by side: for two
 * points `d` map units apart with rooms `r1` and `r2`, `d · scale + r1 + r2 ≤ width − 2·margin`.
 */
export function fitWithRoom(
	points: readonly Roomy[],
	width: number,
	height: number,
	margin: number
): Viewport {
	const axis = (at: (p: Roomy) => number, room: (p: Roomy) => number, size: number) => {
		const free = size - 2 * margin;
		let scale = Infinity;
		// Only the points at the extremes of `at ± room / scale` can bind, but which those are
		// depends on the scale: every pair is checked, once per resize.
		for (const a of points)
			for (const b of points) {
				const d = at(a) - at(b);
				if (d > 0) scale = Math.min(scale, (free - room(a) - room(b)) / d);
			}
		return scale;
	};
	const scale = Math.max(
		1e-6,
		Math.min(
			axis(
				(p) => p.x,
				(p) => p.rx,
				width
			),
			axis(
				(p) => p.y,
				(p) => p.ry,
				height
			)
		)
	);
	const span = (at: (p: Roomy) => number, room: (p: Roomy) => number) => {
		let lo = Infinity;
		let hi = -Infinity;
		for (const p of points) {
			lo = Math.min(lo, at(p) * scale - room(p));
			hi = Math.max(hi, at(p) * scale + room(p));
		}
		return (lo + hi) / 2;
	};
	return {
		scale: Number.isFinite(scale) ? scale : 1,
		tx:
			width / 2 -
			span(
				(p) => p.x,
				(p) => p.rx
			),
		ty:
			height / 2 -
			span(
				(p) => p.y,
				(p) => p.ry
			)
	};
}

/** Zooms by `factor` keeping the screen point (sx, sy) fixed, within the limits. */
export function zoomAt(
	view: Viewport,
	factor: number,
	sx: number,
	sy: number,
	limits: ZoomLimits
): Viewport {
	const scale = Math.min(limits.max, Math.max(limits.min, view.scale * factor));
	const k = scale / view.scale;
	return { scale, tx: sx - (sx - view.tx) * k, ty: sy - (sy - view.ty) * k };
}

export function pan(view: Viewport, dx: number, dy: number): Viewport {
	return { scale: view.scale, tx: view.tx + dx, ty: view.ty + dy };
}

export function toScreen(view: Viewport, x: number, y: number): [number, number] {
	return [x * view.scale + view.tx, y * view.scale + view.ty];
}

export function toWorld(view: Viewport, sx: number, sy: number): [number, number] {
	return [(sx - view.tx) / view.scale, (sy - view.ty) / view.scale];
}

/** The smallest pan that brings the world point (x, y) at least `margin` px inside the box. */
export function reveal(
	view: Viewport,
	x: number,
	y: number,
	width: number,
	height: number,
	margin: number
): Viewport {
	const [sx, sy] = toScreen(view, x, y);
	const m = Math.min(margin, width / 2, height / 2);
	const dx = sx < m ? m - sx : sx > width - m ? width - m - sx : 0;
	const dy = sy < m ? m - sy : sy > height - m ? height - m - sy : 0;
	return dx || dy ? pan(view, dx, dy) : view;
}

export interface Size {
	width: number;
	height: number;
}

/**
 * The view after the map's box changed size from `from` to `to` (a rotated phone, a resized
 * window, the panel moving below the map). `before` and `after` are the fitted views for the two
 * sizes. A view still showing everything shows everything again; a zoomed or panned view keeps
 * the map point that was in the middle in the middle, at the same zoom relative to the fit —
 * otherwise a narrower box would keep the old scale and cut the map off.
 */
export function resized(
	view: Viewport,
	before: Viewport,
	after: Viewport,
	from: Size,
	to: Size
): Viewport {
	const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
	if (close(view.scale, before.scale) && close(view.tx, before.tx) && close(view.ty, before.ty))
		return after;
	const [cx, cy] = toWorld(view, from.width / 2, from.height / 2);
	const scale = view.scale * (after.scale / before.scale);
	return { scale, tx: to.width / 2 - cx * scale, ty: to.height / 2 - cy * scale };
}
