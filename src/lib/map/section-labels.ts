import type { Viewport } from '$lib/domain/viewport';

/**
 * Where the section labels go. At overview, while seats are too small to aim at, a section's label
 * sits on its own seats: name, free seats and prices, or name and free seats where that is all
 * that fits; where a neighbour's label is in the way, it sits just beyond the section's front or
 * back row instead. Once seats are big enough to click, a label covering them would be in the
 * way, so it moves beside the section, onto ground no seat occupies (or goes). Labels never
 * overlap: the more important sections are placed first, each in its shortest form so that as
 * many sections as possible get one, then each grows to a fuller form where the room allows; a
 * label that fits nowhere is left out. Labels are always horizontal: "beside" is measured from
 * the section's own rows (see `sectionSides`), so a stand of a bowl, whose rows run at any angle,
 * keeps its label against its seats rather than against the corner of its bounding box.
 */

/** A rectangle in screen pixels. */
export interface Box {
	x0: number;
	y0: number;
	x1: number;
	y1: number;
}

/**
 * One edge of a section, in map units: the seats' outermost point `x`, `y` that way and the
 * outward direction `nx`, `ny` (a unit vector). A label beside the section sits beyond it, free to
 * slide along `dx`, `dy` (a unit vector) from `min` to `max` to stay in view.
 */
export interface Side {
	x: number;
	y: number;
	nx: number;
	ny: number;
	dx: number;
	dy: number;
	min: number;
	max: number;
	/** Beyond the rows' ends (where the row labels are), not beyond the front or back row. */
	ends: boolean;
}

export interface LabelSection {
	name: string;
	/** A seat of the section near its middle (map units): the overview label's centre. */
	anchor: { x: number; y: number };
	/** Its edges, preferred first: beyond the back or front row, then beyond the rows' ends. */
	sides: Side[];
	/** "2,250 free" */
	free: string;
	/** "€55.00–€95.00" */
	prices: string;
}

/** `inside`: on the section's seats (overview); `aside`: next to them, off every seat. */
export type LabelMode = 'inside' | 'aside';

export interface LabelScene {
	view: Viewport;
	width: number;
	height: number;
	mode: LabelMode;
	/** How far a seat's drawing reaches from its centre, px. */
	reach: number;
	/** Room the row labels take beside each row's end, px: side labels keep beyond it. */
	rowLabelRoom: number;
	/** Text width in px; `bold` for the first line. */
	measure: (text: string, bold: boolean) => number;
	/** True if some seat's centre lies in the box (screen px). */
	covered: (box: Box) => boolean;
	/** Parts of the map labels must leave clear (buttons over it, the stage). */
	obstacles: Box[];
}

export interface PlacedLabel {
	section: number;
	/** Which of the section's places it took: a label that moves to another fades across. */
	key: string;
	mode: LabelMode;
	/** `on` its seats, or `side0`… beyond `sides[0]`…. */
	place: string;
	lines: string[];
	/** Centre, screen px. */
	x: number;
	y: number;
	width: number;
	height: number;
}

export const LABEL_METRICS = {
	/** Line height, px. */
	line: 15,
	padX: 5,
	padY: 2,
	/** Least space between two labels, and between a label and the map's edge, px. */
	gap: 3
} as const;

/** The forms of a section's label, fullest first. */
export function variants(section: LabelSection, mode: LabelMode): string[][] {
	return mode === 'inside'
		? [
				[section.name, section.free, section.prices],
				[section.name, section.free]
			]
		: [[`${section.name} · ${section.free}`], [section.name]];
}

export function boxOf(label: Pick<PlacedLabel, 'x' | 'y' | 'width' | 'height'>): Box {
	return {
		x0: label.x - label.width / 2,
		y0: label.y - label.height / 2,
		x1: label.x + label.width / 2,
		y1: label.y + label.height / 2
	};
}

/** True if the boxes come closer than `gap`. */
export function overlaps(a: Box, b: Box, gap = 0): boolean {
	return a.x0 < b.x1 + gap && b.x0 < a.x1 + gap && a.y0 < b.y1 + gap && b.y0 < a.y1 + gap;
}

function inflate(b: Box, by: number): Box {
	return { x0: b.x0 - by, y0: b.y0 - by, x1: b.x1 + by, y1: b.y1 + by };
}

function clamp(value: number, min: number, max: number): number {
	return value < min ? min : value > max ? max : value;
}

/** Where a label of this size may go, best first (centres, screen px), each with its key. */
function candidates(
	section: LabelSection,
	scene: LabelScene,
	w: number,
	h: number
): [number, number, string][] {
	const { view, width, height, mode } = scene;
	const g = LABEL_METRICS.gap;
	const out: [number, number, string][] = [];
	if (mode === 'inside')
		out.push([
			section.anchor.x * view.scale + view.tx,
			section.anchor.y * view.scale + view.ty,
			'on'
		]);
	section.sides.forEach((side, k) => {
		// Beyond the seats' drawing, and beyond the row labels at the rows' ends (drawn level).
		const room = scene.reach + g + (side.ends ? scene.rowLabelRoom * Math.abs(side.nx) : 0);
		// How far the label's box reaches towards the section from its centre.
		const depth = Math.abs(side.nx) * (w / 2) + Math.abs(side.ny) * (h / 2);
		const px = side.x * view.scale + view.tx + side.nx * (room + depth);
		const py = side.y * view.scale + view.ty + side.ny * (room + depth);
		// Along the edge, the label slides into view but not past the section's ends: a section
		// half off the screen keeps its label on the half that shows.
		let lo = side.min * view.scale;
		let hi = side.max * view.scale;
		for (const [p, d, size, half] of [
			[px, side.dx, width, w / 2],
			[py, side.dy, height, h / 2]
		]) {
			if (Math.abs(d) < 1e-9) continue;
			const a = (g + half - p) / d;
			const b = (size - g - half - p) / d;
			lo = Math.max(lo, Math.min(a, b));
			hi = Math.min(hi, Math.max(a, b));
		}
		const middle = ((side.min + side.max) / 2) * view.scale;
		const t = lo > hi ? middle : clamp(middle, lo, hi);
		// At overview, only the front and back: a label past a row's end is taken for the
		// neighbour's.
		if (mode === 'inside' && side.ends) return;
		out.push([px + side.dx * t, py + side.dy * t, `side${k}`]);
	});
	return out;
}

/**
 * Lays out the labels of `sections` taken in `order` (most important first), so that no two
 * overlap, each lies inside the map, none covers an obstacle, and none covers a seat when aside.
 */
export function placeLabels(
	sections: LabelSection[],
	order: readonly number[],
	scene: LabelScene
): PlacedLabel[] {
	const { width, height, obstacles } = scene;
	const g = LABEL_METRICS.gap;
	const visible = (b: Box) => b.x0 >= g && b.y0 >= g && b.x1 <= width - g && b.y1 <= height - g;
	const sized = (lines: string[]) => ({
		width:
			Math.max(...lines.map((text, k) => scene.measure(text, k === 0))) + LABEL_METRICS.padX * 2,
		height: lines.length * LABEL_METRICS.line + LABEL_METRICS.padY * 2
	});
	const placed = new Map<number, PlacedLabel>();
	/** The first place the label fits, or only the place `at`. */
	const fits = (s: number, lines: string[], at?: string): PlacedLabel | null => {
		const { width: w, height: h } = sized(lines);
		for (const [x, y, place] of candidates(sections[s], scene, w, h)) {
			if (at !== undefined && place !== at) continue;
			const label = {
				section: s,
				key: `${s} ${scene.mode} ${place}`,
				mode: scene.mode,
				place,
				lines,
				x,
				y,
				width: w,
				height: h
			};
			const box = boxOf(label);
			if (!visible(box)) continue;
			if (obstacles.some((o) => overlaps(box, o))) continue;
			let clear = true;
			for (const [other, p] of placed)
				if (other !== s && overlaps(box, boxOf(p), g)) {
					clear = false;
					break;
				}
			if (!clear) continue;
			if (scene.mode === 'aside' && scene.covered(inflate(box, scene.reach))) continue;
			return label;
		}
		return null;
	};
	// As many sections as possible first, each in its shortest form...
	for (const s of order) {
		const forms = variants(sections[s], scene.mode);
		const label = fits(s, forms[forms.length - 1]);
		if (label) placed.set(s, label);
	}
	// ...then each grows as far as the room around it allows, where it is: a label does not
	// leave its seats for room to grow.
	for (const s of order) {
		const short = placed.get(s);
		if (!short) continue;
		const forms = variants(sections[s], scene.mode);
		for (const lines of forms.slice(0, -1)) {
			const label = fits(s, lines, short.place);
			if (label) {
				placed.set(s, label);
				break;
			}
		}
	}
	return order.filter((s) => placed.has(s)).map((s) => placed.get(s)!);
}

/**
 * Each section's seat nearest the average of its seats (an index): inside the section even when it
 * is a ring's arc, whose average may fall in the ring's hollow.
 */
export function sectionAnchorSeats(
	x: ArrayLike<number>,
	y: ArrayLike<number>,
	sectionOf: ArrayLike<number>,
	sections: number
): number[] {
	const sx = new Float64Array(sections);
	const sy = new Float64Array(sections);
	const n = new Float64Array(sections);
	for (let i = 0; i < sectionOf.length; i++) {
		sx[sectionOf[i]] += x[i];
		sy[sectionOf[i]] += y[i];
		n[sectionOf[i]]++;
	}
	const best = new Float64Array(sections).fill(Infinity);
	const anchors = new Array<number>(sections).fill(-1);
	for (let i = 0; i < sectionOf.length; i++) {
		const s = sectionOf[i];
		const d = (x[i] - sx[s] / n[s]) ** 2 + (y[i] - sy[s] / n[s]) ** 2;
		if (d < best[s]) {
			best[s] = d;
			anchors[s] = i;
		}
	}
	return anchors;
}

/** The anchors' positions (see `sectionAnchorSeats`); an empty section's is the origin. */
export function sectionAnchors(
	x: ArrayLike<number>,
	y: ArrayLike<number>,
	sectionOf: ArrayLike<number>,
	sections: number
): { x: number; y: number }[] {
	return sectionAnchorSeats(x, y, sectionOf, sections).map((i) =>
		i < 0 ? { x: 0, y: 0 } : { x: x[i], y: y[i] }
	);
}

/** An edge of a section's seats, from `x0`, `y0` to `x1`, `y1` (map units), facing about `nx`, `ny`. */
export interface Edge {
	x0: number;
	y0: number;
	x1: number;
	y1: number;
	nx: number;
	ny: number;
	ends: boolean;
}

/** Where an edge's side starts (its middle), which way it faces and runs, and how long it is. */
interface Frame {
	mx: number;
	my: number;
	nx: number;
	ny: number;
	dx: number;
	dy: number;
	length: number;
	ends: boolean;
}

function frameOf(e: Edge): Frame {
	const length = Math.hypot(e.x1 - e.x0, e.y1 - e.y0);
	// A row of one seat, or a section of one row: the frame's direction stands in.
	let [dx, dy] = length > 1e-9 ? [(e.x1 - e.x0) / length, (e.y1 - e.y0) / length] : [-e.ny, e.nx];
	let [nx, ny] = [-dy, dx];
	if (nx * e.nx + ny * e.ny < 0) [nx, ny] = [-nx, -ny];
	if (Math.abs(nx) < 1e-12) nx = 0;
	if (Math.abs(ny) < 1e-12) ny = 0;
	if (Math.abs(dx) < 1e-12) dx = 0;
	if (Math.abs(dy) < 1e-12) dy = 0;
	return { mx: (e.x0 + e.x1) / 2, my: (e.y0 + e.y1) / 2, nx, ny, dx, dy, length, ends: e.ends };
}

/** The sides of `frames`, the k-th moved out by `out[k]`, in order of preference (see sidesOf). */
function rankSides(frames: Frame[], out: ArrayLike<number>, centre: { x: number; y: number }) {
	const sides = frames.map((f, k): Side => ({
		x: f.mx + f.nx * out[k],
		y: f.my + f.ny * out[k],
		nx: f.nx,
		ny: f.ny,
		dx: f.dx,
		dy: f.dy,
		min: -f.length / 2,
		max: f.length / 2,
		ends: f.ends
	}));
	const outward = (a: Side) => (a.x - centre.x) * a.nx + (a.y - centre.y) * a.ny;
	const rank = (a: Side, b: Side) => {
		const d = outward(b) - outward(a);
		return Math.abs(d) > 1e-6 * (1 + Math.abs(outward(a))) ? d : a.ny - b.ny;
	};
	return [...sides.filter((e) => !e.ends).sort(rank), ...sides.filter((e) => e.ends).sort(rank)];
}

/**
 * A section's sides from its edges (back row, front row, the rows' two ends), each moved out to
 * the last of `seats` that way: beyond the back or front row first, then beyond the rows' ends; of
 * each pair the side facing away from the venue's `centre` first (open ground, and no neighbour
 * claims it), else the one facing up.
 */
export function sidesOf(
	edges: Edge[],
	seats: { x: number; y: number }[],
	centre: { x: number; y: number }
): Side[] {
	const frames = edges.map(frameOf);
	// A curved row bulges past its chord: the side is the line every seat stays behind.
	const out = frames.map((f) => {
		let most = 0;
		for (const p of seats) most = Math.max(most, (p.x - f.mx) * f.nx + (p.y - f.my) * f.ny);
		return most;
	});
	return rankSides(frames, out, centre);
}

/**
 * Every section's sides (see `sidesOf`), found from its own rows: the direction its anchor's row
 * runs (the main axis of that row's seats, so a curved row counts as its chord) orders its seats
 * into a back and a front row; the back row runs between its end seats, the front row likewise,
 * and each end of the rows from the front row's end seat to the back row's, so a stand of a bowl,
 * wider at the back, has slanting ends. Rows are numbered across the venue, each within one
 * section (as SeatLayout numbers them).
 *
 * Four passes over the seats, each into per-section typed arrays: at 50,000 seats this runs while
 * the first view is being made, where a lookup or an object per seat costs tens of ms on a phone.
 */
export function sectionSides(
	x: ArrayLike<number>,
	y: ArrayLike<number>,
	sectionOf: ArrayLike<number>,
	rowOf: ArrayLike<number>,
	anchors: readonly number[],
	centre: { x: number; y: number }
): Side[][] {
	const sections = anchors.length;
	const n = sectionOf.length;
	const anchorRow = new Int32Array(sections).fill(-1);
	for (let s = 0; s < sections; s++) if (anchors[s] >= 0) anchorRow[s] = rowOf[anchors[s]];
	// The anchor rows' second moments (count, sums of dx, dy, dx², dx·dy, dy²), then their main axes.
	const m = new Float64Array(sections * 6);
	for (let i = 0; i < n; i++) {
		const s = sectionOf[i];
		if (rowOf[i] !== anchorRow[s]) continue;
		const a = anchors[s];
		const dx = x[i] - x[a];
		const dy = y[i] - y[a];
		const k = s * 6;
		m[k]++;
		m[k + 1] += dx;
		m[k + 2] += dy;
		m[k + 3] += dx * dx;
		m[k + 4] += dx * dy;
		m[k + 5] += dy * dy;
	}
	const ax = new Float64Array(sections);
	const ay = new Float64Array(sections);
	for (let s = 0; s < sections; s++) {
		const k = s * 6;
		const count = m[k];
		if (count < 2) {
			ax[s] = 1;
			continue;
		}
		const [sx, sy] = [m[k + 1] / count, m[k + 2] / count];
		const cxx = m[k + 3] / count - sx ** 2;
		const cxy = m[k + 4] / count - sx * sy;
		const cyy = m[k + 5] / count - sy ** 2;
		const angle =
			Math.abs(cxy) < 1e-12 ? (cxx >= cyy ? 0 : Math.PI / 2) : Math.atan2(2 * cxy, cxx - cyy) / 2;
		ax[s] = Math.cos(angle);
		ay[s] = Math.sin(angle);
	}
	// The seats furthest across the rows: the front and the back row.
	const front = new Int32Array(sections).fill(-1);
	const back = new Int32Array(sections).fill(-1);
	const frontV = new Float64Array(sections);
	const backV = new Float64Array(sections);
	for (let i = 0; i < n; i++) {
		const s = sectionOf[i];
		const v = y[i] * ax[s] - x[i] * ay[s];
		if (front[s] < 0 || v < frontV[s]) {
			front[s] = i;
			frontV[s] = v;
		}
		if (back[s] < 0 || v > backV[s]) {
			back[s] = i;
			backV[s] = v;
		}
	}
	// Those rows' end seats along the rows (f0, f1, b0, b1 by section), and how far along each is.
	const frontRow = new Int32Array(sections).fill(-1);
	const backRow = new Int32Array(sections).fill(-1);
	const ends = new Int32Array(sections * 4).fill(-1);
	const along = new Float64Array(sections * 4);
	const u = (s: number, i: number) => x[i] * ax[s] + y[i] * ay[s];
	for (let s = 0; s < sections; s++) {
		if (front[s] < 0) continue;
		frontRow[s] = rowOf[front[s]];
		backRow[s] = rowOf[back[s]];
		// One row both front and back: it starts from the back seat, as either would.
		const f = frontRow[s] === backRow[s] ? back[s] : front[s];
		ends.set([f, f, back[s], back[s]], s * 4);
		along.set([u(s, f), u(s, f), u(s, back[s]), u(s, back[s])], s * 4);
	}
	const widen = (k: number, i: number, ui: number) => {
		if (ui < along[k]) [ends[k], along[k]] = [i, ui];
		if (ui > along[k + 1]) [ends[k + 1], along[k + 1]] = [i, ui];
	};
	for (let i = 0; i < n; i++) {
		const s = sectionOf[i];
		const row = rowOf[i];
		if (row === frontRow[s]) widen(s * 4, i, u(s, i));
		if (row === backRow[s]) widen(s * 4 + 2, i, u(s, i));
	}
	// The edges' frames, then how far the section's seats reach past each.
	const frames: Frame[][] = [];
	const frame = new Float64Array(sections * 16);
	for (let s = 0; s < sections; s++) {
		if (anchors[s] < 0 || front[s] < 0) {
			frames.push([]);
			continue;
		}
		const [ux, uy] = [ax[s], ay[s]];
		const [f0, f1, b0, b1] = ends.subarray(s * 4, s * 4 + 4);
		const edge = (a: number, b: number, nx: number, ny: number, end: boolean): Edge => ({
			x0: x[a],
			y0: y[a],
			x1: x[b],
			y1: y[b],
			nx,
			ny,
			ends: end
		});
		const four = [
			edge(b0, b1, -uy, ux, false),
			edge(f0, f1, uy, -ux, false),
			edge(f1, b1, ux, uy, true),
			edge(f0, b0, -ux, -uy, true)
		].map(frameOf);
		frames.push(four);
		four.forEach((f, k) => frame.set([f.mx, f.my, f.nx, f.ny], s * 16 + k * 4));
	}
	// A curved row bulges past its chord: the side is the line every seat stays behind. A section's
	// seats mostly come together: its frames and furthest reaches are held in locals meanwhile.
	const out = new Float64Array(sections * 4);
	let current = -1;
	let [x0, y0, nx0, ny0, x1, y1, nx1, ny1, x2, y2, nx2, ny2, x3, y3, nx3, ny3] = frame;
	let [o0, o1, o2, o3] = out;
	for (let i = 0; i <= n; i++) {
		const s = i < n ? sectionOf[i] : -1;
		if (s !== current) {
			if (current >= 0) out.set([o0, o1, o2, o3], current * 4);
			if (s < 0) break;
			current = s;
			[x0, y0, nx0, ny0, x1, y1, nx1, ny1, x2, y2, nx2, ny2, x3, y3, nx3, ny3] = frame.subarray(
				s * 16,
				s * 16 + 16
			);
			[o0, o1, o2, o3] = out.subarray(s * 4, s * 4 + 4);
		}
		const xi = x[i];
		const yi = y[i];
		const d0 = (xi - x0) * nx0 + (yi - y0) * ny0;
		const d1 = (xi - x1) * nx1 + (yi - y1) * ny1;
		const d2 = (xi - x2) * nx2 + (yi - y2) * ny2;
		const d3 = (xi - x3) * nx3 + (yi - y3) * ny3;
		if (d0 > o0) o0 = d0;
		if (d1 > o1) o1 = d1;
		if (d2 > o2) o2 = d2;
		if (d3 > o3) o3 = d3;
	}
	return frames.map((four, s) =>
		four.length ? rankSides(four, out.subarray(s * 4, s * 4 + 4), centre) : []
	);
}

/** Sections by importance: more seats first, then in the venue's order. */
export function importance(sizes: readonly number[]): number[] {
	return sizes.map((_, s) => s).sort((a, b) => sizes[b] - sizes[a] || a - b);
}
