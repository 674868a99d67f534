import type { SeatLayout } from '$lib/domain/seat-layout';
import type { SeatStatus } from '$lib/domain/seat-state';
import type { Viewport } from '$lib/domain/viewport';
import type { Stage } from '$lib/map/stage';
import { FEATURE } from '$lib/domain/seat-features';

export const SEAT_STYLE = {
	takenFill: '#e2e8f0',
	takenMark: '#475569',
	heldFill: '#fde68a',
	heldMark: '#78350f',
	mineFill: '#0f172a',
	mineMark: '#ffffff',
	mineHeldFill: '#ffffff',
	releaseRing: '#b91c1c',
	/** Marks of what a seat is for: dark on a white halo, so they read on every state's shape. */
	featureMark: '#0f172a',
	featureHalo: '#ffffff',
	wheelchairFill: '#1e3a8a',
	label: '#334155',
	number: '#ffffff'
} as const;

/** Zoomed far out, seats are squares of one colour each. */
const TINY_FILL = {
	taken: '#94a3b8',
	held: '#fcd34d',
	mine: SEAT_STYLE.mineFill,
	'mine-held': '#b45309'
} as const;

/** Below this radius (CSS px) seats are drawn as squares of one colour. */
const TINY_RADIUS = 2.5;

/** Seats whose drawing reaches into a `size`×`size` CSS px tile drawn at `view`. */
export function tileSeats(layout: SeatLayout, view: Viewport, size: number): number[] {
	const seats: number[] = [];
	const pad = seatReach(layout, view.scale);
	layout.query(
		-view.tx / view.scale - pad,
		-view.ty / view.scale - pad,
		(size - view.tx) / view.scale + pad,
		(size - view.ty) / view.scale + pad,
		(i) => seats.push(i)
	);
	return seats;
}

/**
 * What drawing a tile of these seats at `dpr` hands the raster, in seats drawn as shapes on a
 * screen of one device pixel per CSS pixel: a seat covers dpr² device pixels per CSS pixel, and the
 * raster's time goes with the pixels it fills (at DPR 2 a seat costs 2.5–3× its DPR 1 time).
 */
export function tileCost(layout: SeatLayout, view: Viewport, seats: number[], dpr = 1): number {
	// Squares written as pixels cost a fraction of a seat drawn as a shape.
	const each = seatRadius(layout, view) < TINY_RADIUS ? 1 / 8 : 1;
	return seats.length * each * dpr * dpr;
}

/** A seat's overview square in whole device pixels: left, top, side. */
function tinySquare(layout: SeatLayout, view: Viewport, dpr: number, i: number): number[] {
	const side = Math.max(1, Math.round(seatRadius(layout, view) * 2 * dpr));
	const x = (layout.x[i] * view.scale + view.tx) * dpr;
	const y = (layout.y[i] * view.scale + view.ty) * dpr;
	return [Math.round(x - side / 2), Math.round(y - side / 2), side];
}

/** One reusable pixel buffer per tile size: a tile's drawing is copied out by putImageData. */
const buffers = new Map<number, ImageData>();
function pixels(px: number): ImageData {
	let image = buffers.get(px);
	if (!image) buffers.set(px, (image = new ImageData(px, px)));
	return image;
}

/** "#rrggbb" as an opaque pixel word of a little-endian Uint32Array over RGBA bytes. */
function word(hex: string): number {
	const v = parseInt(hex.slice(1), 16);
	return ((0xff << 24) | ((v & 0xff) << 16) | (v & 0xff00) | (v >> 16)) >>> 0;
}

const STATUSES: SeatStatus[] = ['available', 'taken', 'mine', 'held', 'mine-held'];
const STATUS_CODE: Record<SeatStatus, number> = {
	available: 0,
	taken: 1,
	mine: 2,
	held: 3,
	'mine-held': 4
};

export interface PaintSource {
	layout: SeatLayout;
	status: (i: number) => SeatStatus;
	/**
	 * Seats picked (to release). Read once per drawing into a plain set: a reactive set's `has`,
	 * asked for each of 50,000 seats, costs more than drawing them.
	 */
	selection: Iterable<number>;
	/** Its features as FEATURE bits; 0 for an ordinary seat. */
	features: (i: number) => number;
	/** Drawn faint: a filter is on and this seat is not what it looks for. */
	dimmed: (i: number) => boolean;
}

/** Whether a seat is picked, from a plain copy of the source's selection (a few seats at most). */
function pickedIn(source: PaintSource): (i: number) => boolean {
	const picked = new Set(source.selection);
	return picked.size ? (i) => picked.has(i) : () => false;
}

/** How faint a dimmed seat is drawn. */
const DIM_ALPHA = 0.22;
/** Below this radius (CSS px) a seat is too small to carry a feature mark. */
const MARK_RADIUS = 4;

/** Seat radius in CSS px for a viewport. */
export function seatRadius(layout: SeatLayout, view: Viewport): number {
	return layout.pitch * view.scale * 0.4;
}

/** How far a seat's drawing (mark, ring, outline) reaches from its centre, in CSS px. */
export const reachPx = (r: number) => r * 1.9 + 2;

/** The same in map units, for a map drawn at `scale`. */
export function seatReach(layout: SeatLayout, scale: number): number {
	return reachPx(layout.pitch * scale * 0.4) / scale;
}

/**
 * Draws seats onto a canvas. Seats are grouped by look so each group is one path and one fill:
 * 50,000 seats zoomed out stay a handful of draw calls. Shapes carry the state without colour:
 * free = circle, taken = crossed square, held by someone = hexagon with pause bars, mine = diamond
 * with a check, held by me = outlined diamond with pause bars, picked to release = dashed ring.
 * Features are marks over any of these: a wheelchair space has a badge with the wheelchair glyph
 * at its upper right, a companion seat an open "C" ring, a restricted view an eye-slash badge at
 * its lower left.
 */
export class SeatPainter {
	#ctx: CanvasRenderingContext2D;

	constructor(ctx: CanvasRenderingContext2D) {
		this.#ctx = ctx;
	}

	/**
	 * Draws the seats that reach into a `size`×`size` CSS px tile of the map drawn at `view` (the
	 * tile's origin at 0,0), on a cleared tile.
	 */
	tile(
		source: PaintSource,
		view: Viewport,
		size: number,
		dpr: number,
		seats = tileSeats(source.layout, view, size)
	): number {
		const ctx = this.#ctx;
		if (seatRadius(source.layout, view) < TINY_RADIUS) {
			// Zoomed out: squares of whole device pixels written straight into the bitmap, which
			// costs a few array writes per seat instead of rasterizing a path of thousands.
			const px = Math.round(size * dpr);
			const image = pixels(px);
			const words = new Uint32Array(image.data.buffer);
			words.fill(0);
			const selected = pickedIn(source);
			const colourOf = this.#tinyColours(source, selected);
			const { layout } = source;
			// tinySquare's arithmetic, inlined: this loop runs for every seat of the venue at overview.
			const side = Math.max(1, Math.round(seatRadius(layout, view) * 2 * dpr));
			const square = (i: number) => {
				const x0 = Math.round((layout.x[i] * view.scale + view.tx) * dpr - side / 2);
				const y0 = Math.round((layout.y[i] * view.scale + view.ty) * dpr - side / 2);
				const colour = colourOf(i);
				const left = Math.max(0, x0);
				const right = Math.min(px, x0 + side);
				// Wholly beside the tile (its seats are looked up with a margin): `fill` would count
				// a negative end from the buffer's end and paint the tile over.
				if (right <= left) return;
				for (let y = Math.max(0, y0); y < Math.min(px, y0 + side); y++)
					words.fill(colour, y * px + left, y * px + right);
			};
			// Seats picked to release last, so their colour is never painted over by a neighbour.
			const picked: number[] = [];
			for (const i of seats)
				if (selected(i)) picked.push(i);
				else square(i);
			for (const i of picked) square(i);
			ctx.putImageData(image, 0, 0);
			return seats.length;
		}
		ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
		ctx.clearRect(0, 0, size, size);
		this.#draw(source, view, seats, dpr, pickedIn(source));
		return seats.length;
	}

	/** The overview colour of a seat as a pixel word (RGBA bytes in memory order). */
	#tinyColours(source: PaintSource, selected: (i: number) => boolean): (i: number) => number {
		const { layout } = source;
		const categories = layout.categories.map((c) => word(c.colour));
		const states = Object.fromEntries(
			Object.entries(TINY_FILL).map(([status, colour]) => [status, word(colour)])
		) as Record<Exclude<SeatStatus, 'available'>, number>;
		const ring = word(SEAT_STYLE.releaseRing);
		const faint = Math.round(DIM_ALPHA * 255) << 24;
		const colour = (i: number) => {
			if (selected(i)) return ring;
			const status = source.status(i);
			return status === 'available' ? categories[layout.categoryOf[i]] : states[status];
		};
		// A dimmed seat keeps its colour at the alpha the shapes are drawn with.
		return (i) => (source.dimmed(i) ? ((colour(i) & 0xffffff) | faint) >>> 0 : colour(i));
	}

	/** Repaints only the neighbourhood of these seats: a remote change costs one seat, not the map. */
	seats(source: PaintSource, view: Viewport, indices: Iterable<number>, dpr: number): void {
		const ctx = this.#ctx;
		const { layout } = source;
		const r = seatRadius(layout, view);
		const half = reachPx(r);
		const selected = pickedIn(source);
		ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
		for (const i of indices) {
			const sx = layout.x[i] * view.scale + view.tx;
			const sy = layout.y[i] * view.scale + view.ty;
			ctx.save();
			ctx.beginPath();
			ctx.rect(sx - half, sy - half, half * 2, half * 2);
			ctx.clip();
			ctx.clearRect(sx - half, sy - half, half * 2, half * 2);
			const reach = (half + reachPx(r)) / view.scale;
			const near: number[] = [];
			layout.query(
				layout.x[i] - reach,
				layout.y[i] - reach,
				layout.x[i] + reach,
				layout.y[i] + reach,
				(k) => near.push(k)
			);
			this.#draw(source, view, near, dpr, selected);
			ctx.restore();
		}
	}

	#draw(
		source: PaintSource,
		view: Viewport,
		indices: number[],
		dpr: number,
		selected: (i: number) => boolean
	): void {
		const { layout } = source;
		const r = seatRadius(layout, view);
		// Group by look with a numeric key: (status, selected, dimmed, category).
		const groups = new Map<number, number[]>();
		const marked = new Map<number, number[]>();
		for (const i of indices) {
			const status = source.status(i);
			const code = STATUS_CODE[status];
			const dim = source.dimmed(i) ? 1 : 0;
			const key =
				((code * 2 + (selected(i) ? 1 : 0)) * 2 + dim) * 65536 +
				(code === 0 ? layout.categoryOf[i] : 0);
			let group = groups.get(key);
			if (!group) groups.set(key, (group = []));
			group.push(i);
			const features = source.features(i);
			if (features && r >= MARK_RADIUS) {
				const markKey = features * 2 + dim;
				let list = marked.get(markKey);
				if (!list) marked.set(markKey, (list = []));
				list.push(i);
			}
		}
		const tiny = r < TINY_RADIUS;
		// Selected seats last, so their rings are never painted over by a neighbour.
		const ordered = [...groups].sort(
			([a], [b]) => (Math.floor(a / 131072) % 2) - (Math.floor(b / 131072) % 2)
		);
		const ctx = this.#ctx;
		for (const [key, group] of ordered) {
			const look = Math.floor(key / 65536);
			ctx.globalAlpha = look % 2 ? DIM_ALPHA : 1;
			const selected = Math.floor(look / 2) % 2 === 1;
			const status = STATUSES[Math.floor(look / 4)];
			const colour = layout.category(group[0]).colour;
			if (tiny) this.#tiny(layout, view, group, status, selected, colour, dpr);
			else this.#shapes(layout, view, group, status, selected, colour, r);
		}
		for (const [key, group] of marked) {
			ctx.globalAlpha = key % 2 ? DIM_ALPHA : 1;
			this.#features(layout, view, group, Math.floor(key / 2), r);
		}
		ctx.globalAlpha = 1;
	}

	#tiny(
		layout: SeatLayout,
		view: Viewport,
		group: number[],
		status: SeatStatus,
		selected: boolean,
		colour: string,
		dpr: number
	): void {
		const ctx = this.#ctx;
		ctx.fillStyle = selected
			? SEAT_STYLE.releaseRing
			: status === 'available'
				? colour
				: TINY_FILL[status];
		ctx.beginPath();
		// The same whole device pixels as a tile drawn by `tile`, so a repainted seat matches.
		for (const i of group) {
			const [x0, y0, side] = tinySquare(layout, view, dpr, i);
			ctx.rect(x0 / dpr, y0 / dpr, side / dpr, side / dpr);
		}
		ctx.fill();
	}

	#shapes(
		layout: SeatLayout,
		view: Viewport,
		group: number[],
		status: SeatStatus,
		selected: boolean,
		colour: string,
		r: number
	): void {
		const ctx = this.#ctx;
		const points = group.map(
			(i) => [layout.x[i] * view.scale + view.tx, layout.y[i] * view.scale + view.ty] as const
		);
		const line = Math.max(1, r * 0.22);
		ctx.lineCap = 'round';
		ctx.lineJoin = 'round';
		if (status === 'available') {
			ctx.beginPath();
			for (const [x, y] of points) {
				ctx.moveTo(x + r, y);
				ctx.arc(x, y, r, 0, Math.PI * 2);
			}
			ctx.fillStyle = colour;
			ctx.fill();
			if (r >= 8) {
				ctx.fillStyle = SEAT_STYLE.number;
				ctx.font = `600 ${Math.round(r * 0.9)}px system-ui, sans-serif`;
				ctx.textAlign = 'center';
				ctx.textBaseline = 'middle';
				for (let k = 0; k < group.length; k++)
					ctx.fillText(String(layout.number[group[k]]), points[k][0], points[k][1] + r * 0.05);
			}
		} else if (status === 'taken') {
			const s = r * 0.85;
			ctx.beginPath();
			for (const [x, y] of points) ctx.rect(x - s, y - s, s * 2, s * 2);
			ctx.fillStyle = SEAT_STYLE.takenFill;
			ctx.fill();
			ctx.lineWidth = line;
			ctx.strokeStyle = SEAT_STYLE.takenMark;
			ctx.stroke();
			ctx.beginPath();
			const c = s * 0.6;
			for (const [x, y] of points) {
				ctx.moveTo(x - c, y - c);
				ctx.lineTo(x + c, y + c);
				ctx.moveTo(x + c, y - c);
				ctx.lineTo(x - c, y + c);
			}
			ctx.stroke();
		} else if (status === 'held') {
			// A hexagon with pause bars: on hold for someone else, a shape no other state has and
			// that does not read as a warning.
			const t = r * 1.05;
			ctx.beginPath();
			for (const [x, y] of points) {
				ctx.moveTo(x + t, y);
				for (let k = 1; k < 6; k++) {
					const a = (k * Math.PI) / 3;
					ctx.lineTo(x + t * Math.cos(a), y + t * Math.sin(a));
				}
				ctx.closePath();
			}
			ctx.fillStyle = SEAT_STYLE.heldFill;
			ctx.fill();
			ctx.lineWidth = line;
			ctx.strokeStyle = SEAT_STYLE.heldMark;
			ctx.stroke();
			this.#pauseBars(points, r * 0.85, 0, SEAT_STYLE.heldMark);
		} else if (status === 'mine-held') {
			const d = r * 1.15;
			this.#diamonds(points, d);
			ctx.fillStyle = SEAT_STYLE.mineHeldFill;
			ctx.fill();
			ctx.lineWidth = Math.max(1.5, r * 0.25);
			ctx.strokeStyle = SEAT_STYLE.mineFill;
			ctx.stroke();
			this.#pauseBars(points, r * 0.85, 0, SEAT_STYLE.mineFill);
		} else {
			const d = r * 1.15;
			this.#diamonds(points, d);
			ctx.fillStyle = SEAT_STYLE.mineFill;
			ctx.fill();
			ctx.beginPath();
			for (const [x, y] of points) {
				ctx.moveTo(x - d * 0.4, y);
				ctx.lineTo(x - d * 0.1, y + d * 0.3);
				ctx.lineTo(x + d * 0.42, y - d * 0.3);
			}
			ctx.lineWidth = Math.max(1, r * 0.2);
			ctx.strokeStyle = SEAT_STYLE.mineMark;
			ctx.stroke();
		}
		if (selected) {
			// Only my booked seats are selected (to release): a dashed red ring.
			ctx.beginPath();
			for (const [x, y] of points) {
				ctx.moveTo(x + r * 1.7, y);
				ctx.arc(x, y, r * 1.7, 0, Math.PI * 2);
			}
			ctx.lineWidth = Math.max(1.5, r * 0.3);
			ctx.strokeStyle = SEAT_STYLE.releaseRing;
			ctx.setLineDash([r * 0.5, r * 0.35]);
			ctx.stroke();
			ctx.setLineDash([]);
		}
	}

	/** The marks of one kind of feature (FEATURE bits) on these seats, whatever their state. */
	#features(
		layout: SeatLayout,
		view: Viewport,
		group: number[],
		features: number,
		r: number
	): void {
		const ctx = this.#ctx;
		const points = group.map(
			(i) => [layout.x[i] * view.scale + view.tx, layout.y[i] * view.scale + view.ty] as const
		);
		const line = Math.max(1.2, r * 0.16);
		if (features & FEATURE.companion) {
			// An open ring, its gap to the right: a "C", outside the shape of every state.
			const c = r * 1.3;
			ctx.beginPath();
			for (const [x, y] of points) {
				ctx.moveTo(x + c * Math.cos(Math.PI * 0.22), y + c * Math.sin(Math.PI * 0.22));
				ctx.arc(x, y, c, Math.PI * 0.22, Math.PI * 1.78);
			}
			ctx.lineCap = 'round';
			ctx.lineWidth = line + 2.5;
			ctx.strokeStyle = SEAT_STYLE.featureHalo;
			ctx.stroke();
			ctx.lineWidth = line;
			ctx.strokeStyle = SEAT_STYLE.featureMark;
			ctx.stroke();
		}
		const b = Math.max(2.5, r * 0.55);
		if (features & FEATURE.wheelchair) {
			const at = points.map(([x, y]) => [x + r * 0.9, y - r * 0.9] as const);
			this.#badges(at, b, SEAT_STYLE.wheelchairFill);
			if (r >= 7) wheelchairGlyph(ctx, at, b, SEAT_STYLE.featureHalo);
		}
		if (features & FEATURE.restrictedView) {
			const at = points.map(([x, y]) => [x - r * 0.9, y + r * 0.9] as const);
			this.#badges(at, b, SEAT_STYLE.featureHalo, SEAT_STYLE.featureMark);
			eyeSlashGlyph(ctx, at, b, SEAT_STYLE.featureMark, r >= 7);
		}
	}

	/** Round badges of radius `b` with a white rim (and a dark edge when `edge` is given). */
	#badges(points: (readonly [number, number])[], b: number, fill: string, edge?: string): void {
		const ctx = this.#ctx;
		ctx.beginPath();
		for (const [x, y] of points) {
			ctx.moveTo(x + b, y);
			ctx.arc(x, y, b, 0, Math.PI * 2);
		}
		ctx.fillStyle = fill;
		ctx.fill();
		ctx.lineWidth = 1.5;
		ctx.strokeStyle = edge ?? SEAT_STYLE.featureHalo;
		ctx.stroke();
	}

	#diamonds(points: (readonly [number, number])[], d: number): void {
		const ctx = this.#ctx;
		ctx.beginPath();
		for (const [x, y] of points) {
			ctx.moveTo(x, y - d);
			ctx.lineTo(x + d, y);
			ctx.lineTo(x, y + d);
			ctx.lineTo(x - d, y);
			ctx.closePath();
		}
	}

	/** Two short vertical bars ("paused"), the mark of a hold; `dy` shifts them down by r·dy. */
	#pauseBars(points: (readonly [number, number])[], r: number, dy: number, colour: string): void {
		const ctx = this.#ctx;
		const h = r * 0.38;
		const gap = r * 0.22;
		ctx.beginPath();
		for (const [x, y] of points) {
			const cy = y + r * dy;
			ctx.moveTo(x - gap, cy - h);
			ctx.lineTo(x - gap, cy + h);
			ctx.moveTo(x + gap, cy - h);
			ctx.lineTo(x + gap, cy + h);
		}
		ctx.lineWidth = Math.max(1, r * 0.2);
		ctx.strokeStyle = colour;
		ctx.stroke();
	}

	/**
	 * What is drawn over the tiles each frame: the stage, row labels at both ends of each row once
	 * rows are apart, and a marker on my seats that keeps a readable size however far out the map
	 * is. Section labels are laid out apart from each other over the canvas (SectionLabels).
	 */
	overlay(
		layout: SeatLayout,
		view: Viewport,
		width: number,
		height: number,
		dpr: number,
		extras: {
			stage: Stage | null;
			mine: readonly number[];
			held: readonly number[];
			/** Seats a filter looks for (free wheelchair spaces): badged however far out the map is. */
			highlight?: readonly number[];
		}
	): void {
		const ctx = this.#ctx;
		const r = seatRadius(layout, view);
		ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
		if (extras.stage) this.#stage(extras.stage, view);
		ctx.textBaseline = 'middle';
		if (r >= 4) {
			ctx.fillStyle = SEAT_STYLE.label;
			ctx.font = `${Math.min(14, Math.max(10, r * 1.2))}px system-ui, sans-serif`;
			const gap = layout.pitch * view.scale * 0.9;
			for (const { first, last } of layout.rowEnds) {
				const y = layout.y[first] * view.scale + view.ty;
				if (y < -20 || y > height + 20) continue;
				const xa = layout.x[first] * view.scale + view.tx - gap;
				const xb = layout.x[last] * view.scale + view.tx + gap;
				if (xb < -40 || xa > width + 40) continue;
				ctx.textAlign = 'right';
				ctx.fillText(layout.rowLabel[first], xa + r, y);
				ctx.textAlign = 'left';
				ctx.fillText(layout.rowLabel[last], xb - r, y);
			}
		}
		if (r < 6) {
			// Never a speck: a diamond of at least 7 px around each of my seats.
			const d = Math.max(7, r * 1.6);
			ctx.lineWidth = 2;
			for (const [list, fill, line] of [
				[extras.mine, SEAT_STYLE.mineFill, SEAT_STYLE.mineMark],
				[extras.held, SEAT_STYLE.mineHeldFill, SEAT_STYLE.mineFill]
			] as const) {
				if (!list.length) continue;
				ctx.beginPath();
				for (const i of list) {
					const x = layout.x[i] * view.scale + view.tx;
					const y = layout.y[i] * view.scale + view.ty;
					ctx.moveTo(x, y - d);
					ctx.lineTo(x + d, y);
					ctx.lineTo(x, y + d);
					ctx.lineTo(x - d, y);
					ctx.closePath();
				}
				ctx.fillStyle = fill;
				ctx.fill();
				ctx.strokeStyle = line;
				ctx.stroke();
			}
		}
		// Too small for the tiles' marks: the seats looked for get a badge of readable size.
		if (r < 7 && extras.highlight?.length) this.#highlight(layout, view, extras.highlight, r);
	}

	#highlight(layout: SeatLayout, view: Viewport, list: readonly number[], r: number): void {
		const b = Math.max(6, r * 0.9);
		const at = list.map(
			(i) => [layout.x[i] * view.scale + view.tx, layout.y[i] * view.scale + view.ty] as const
		);
		this.#badges(at, b, SEAT_STYLE.wheelchairFill);
		wheelchairGlyph(this.#ctx, at, b, SEAT_STYLE.featureHalo);
	}

	#stage(stage: Stage, view: Viewport): void {
		const ctx = this.#ctx;
		const x = stage.x * view.scale + view.tx;
		const y = stage.y * view.scale + view.ty;
		const w = stage.width * view.scale;
		const h = stage.height * view.scale;
		ctx.fillStyle = STAGE_FILL[stage.kind];
		ctx.strokeStyle = SEAT_STYLE.label;
		ctx.lineWidth = 1.5;
		ctx.beginPath();
		ctx.roundRect(x, y, w, h, Math.min(8, w / 4, h / 4));
		ctx.fill();
		ctx.stroke();
		const text = stage.label || stage.kind[0].toUpperCase() + stage.kind.slice(1);
		const size = Math.min(18, Math.max(10, h * 0.4));
		if (w < size * 2) return;
		ctx.font = `600 ${size}px system-ui, sans-serif`;
		ctx.textAlign = 'center';
		ctx.textBaseline = 'middle';
		ctx.fillStyle = SEAT_STYLE.label;
		ctx.fillText(text, x + w / 2, y + h / 2, w - 8);
	}
}

/**
 * The international wheelchair symbol in a badge of radius `b` centred on each point: head, back
 * and leg, and the wheel open where the body meets it.
 */
function wheelchairGlyph(
	ctx: CanvasRenderingContext2D,
	points: (readonly [number, number])[],
	b: number,
	colour: string
): void {
	ctx.beginPath();
	for (const [x, y] of points) {
		ctx.moveTo(x + b * 0.27, y - b * 0.62);
		ctx.arc(x + b * 0.1, y - b * 0.62, b * 0.17, 0, Math.PI * 2);
	}
	ctx.fillStyle = colour;
	ctx.fill();
	ctx.beginPath();
	for (const [x, y] of points) {
		ctx.moveTo(x + b * 0.05, y - b * 0.32);
		ctx.lineTo(x - b * 0.02, y + b * 0.12);
		ctx.lineTo(x + b * 0.36, y + b * 0.12);
		ctx.lineTo(x + b * 0.52, y + b * 0.55);
		ctx.moveTo(x + b * 0.02, y - b * 0.12);
		ctx.lineTo(x + b * 0.3, y - b * 0.12);
		ctx.moveTo(
			x - b * 0.12 + b * 0.42 * Math.cos(Math.PI * 0.15),
			y + b * 0.3 + b * 0.42 * Math.sin(Math.PI * 0.15)
		);
		ctx.arc(x - b * 0.12, y + b * 0.3, b * 0.42, Math.PI * 0.15, Math.PI * 1.6);
	}
	ctx.lineCap = 'round';
	ctx.lineJoin = 'round';
	ctx.lineWidth = Math.max(1, b * 0.17);
	ctx.strokeStyle = colour;
	ctx.stroke();
}

/** An eye crossed out in a badge of radius `b`; only the slash when the badge is too small. */
function eyeSlashGlyph(
	ctx: CanvasRenderingContext2D,
	points: (readonly [number, number])[],
	b: number,
	colour: string,
	eye: boolean
): void {
	ctx.beginPath();
	for (const [x, y] of points) {
		if (eye) {
			const w = b * 0.62;
			ctx.moveTo(x - w, y);
			ctx.quadraticCurveTo(x, y - w * 1.1, x + w, y);
			ctx.quadraticCurveTo(x, y + w * 1.1, x - w, y);
			ctx.moveTo(x + b * 0.2, y);
			ctx.arc(x, y, b * 0.2, 0, Math.PI * 2);
		}
		ctx.moveTo(x - b * 0.6, y + b * 0.6);
		ctx.lineTo(x + b * 0.6, y - b * 0.6);
	}
	ctx.lineCap = 'round';
	ctx.lineWidth = Math.max(1, b * 0.16);
	ctx.strokeStyle = colour;
	ctx.stroke();
}

const STAGE_FILL = { stage: '#e2e8f0', screen: '#f1f5f9', pitch: '#bbf7d0' } as const;
