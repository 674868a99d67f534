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
