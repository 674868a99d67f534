import { describe, expect, it } from 'vitest';
import { SeatLayout } from '$lib/domain/seat-layout';
import {
	LABEL_METRICS,
	boxOf,
	importance,
	overlaps,
	placeLabels,
	sectionAnchorSeats,
	sectionAnchors,
	sectionSides,
	sidesOf,
	type Box,
	type Edge,
	type Side,
	type LabelScene,
	type LabelSection
} from './section-labels.ts';

/** Text 6 px a character, bold 7: enough to reason about sizes by hand. */
const measure = (text: string, bold: boolean) => text.length * (bold ? 7 : 6);

/** The sides of a block of level rows from (x0, y0) to (x1, y1), in a venue centred at (400, 300). */
function block(x0: number, y0: number, x1: number, y1: number) {
	const corners = [
		{ x: x0, y: y0 },
		{ x: x1, y: y0 },
		{ x: x0, y: y1 },
		{ x: x1, y: y1 }
	];
	return sidesOf(
		[
			{ x0, y0: y1, x1, y1, nx: 0, ny: 1, ends: false },
			{ x0, y0, x1, y1: y0, nx: 0, ny: -1, ends: false },
			{ x0: x1, y0, x1, y1, nx: 1, ny: 0, ends: true },
			{ x0, y0, x1: x0, y1, nx: -1, ny: 0, ends: true }
		],
		corners,
		{ x: 400, y: 300 }
	);
}

/** A square block of level rows, `half` each way from its anchor. */
function section(name: string, x: number, y: number, half = 5): LabelSection {
	return {
		name,
		anchor: { x, y },
		sides: block(x - half, y - half, x + half, y + half),
		free: '120 free',
		prices: '€10.00–€20.00'
	};
}

function scene(over: Partial<LabelScene> = {}): LabelScene {
	return {
		view: { scale: 1, tx: 0, ty: 0 },
		width: 800,
		height: 600,
		mode: 'inside',
		reach: 4,
		rowLabelRoom: 20,
		measure,
		covered: () => false,
		obstacles: [],
		...over
	};
}

function expectApart(labels: ReturnType<typeof placeLabels>, width: number, height: number) {
	const boxes = labels.map(boxOf);
	for (const b of boxes) {
		expect(b.x0).toBeGreaterThanOrEqual(0);
		expect(b.y0).toBeGreaterThanOrEqual(0);
		expect(b.x1).toBeLessThanOrEqual(width);
		expect(b.y1).toBeLessThanOrEqual(height);
	}
	for (let a = 0; a < boxes.length; a++)
		for (let b = a + 1; b < boxes.length; b++) expect(overlaps(boxes[a], boxes[b])).toBe(false);
}

describe('overlaps', () => {
	const a: Box = { x0: 0, y0: 0, x1: 10, y1: 10 };
	it('sees boxes that share area, not boxes that only touch', () => {
		expect(overlaps(a, { x0: 5, y0: 5, x1: 15, y1: 15 })).toBe(true);
		expect(overlaps(a, { x0: 10, y0: 0, x1: 20, y1: 10 })).toBe(false);
		expect(overlaps(a, { x0: 0, y0: 11, x1: 10, y1: 20 })).toBe(false);
	});
	it('with a gap, boxes closer than the gap count as overlapping', () => {
		expect(overlaps(a, { x0: 12, y0: 0, x1: 20, y1: 10 }, 3)).toBe(true);
		expect(overlaps(a, { x0: 13, y0: 0, x1: 20, y1: 10 }, 3)).toBe(false);
	});
});

describe('placeLabels at overview', () => {
	it('puts a lone section its full label, centred on its anchor', () => {
		const [label] = placeLabels([section('Stalls', 400, 300)], [0], scene());
		expect(label.lines).toEqual(['Stalls', '120 free', '€10.00–€20.00']);
		expect([label.x, label.y]).toEqual([400, 300]);
		// The widest line (13 characters at 6 px) and the padding; three lines.
		expect(label.width).toBe(13 * 6 + LABEL_METRICS.padX * 2);
		expect(label.height).toBe(3 * LABEL_METRICS.line + LABEL_METRICS.padY * 2);
	});

	it('gives a crowded section the shorter label, and drops one that still collides', () => {
		// The three-line labels (49 px tall) of A and B would meet; their two-line ones (34 px) do not.
		const sections = [section('A', 400, 300), section('B', 400, 340), section('C', 400, 320)];
		const labels = placeLabels(sections, [0, 1, 2], scene());
		expect(labels.map((l) => l.section)).toEqual([0, 1]);
		expect(labels.map((l) => l.lines.length)).toEqual([2, 2]);
		expectApart(labels, 800, 600);
	});

	it('places every section before growing any, so importance never costs a section its label', () => {
		// A is first; its full label would cover B's short one. Both keep a short label.
		const sections = [section('A', 400, 300), section('B', 400, 338)];
		const labels = placeLabels(sections, [0, 1], scene());
		expect(labels.map((l) => [l.section, l.lines.length])).toEqual([
			[0, 2],
			[1, 2]
		]);
	});

	it('takes the more important section first when two cannot both be shown', () => {
		const sections = [section('Small', 400, 300), section('Big', 404, 302)];
		expect(placeLabels(sections, [1, 0], scene()).map((l) => l.section)).toEqual([1]);
		expect(placeLabels(sections, [0, 1], scene()).map((l) => l.section)).toEqual([0]);
	});

	it('leaves out labels that would cross the map edge or an obstacle', () => {
		const sections = [
			section('Edge', 10, 300),
			section('Under', 400, 300),
			section('Ok', 600, 300)
		];
		// Over the middle section and all around it.
		const obstacles = [{ x0: 340, y0: 200, x1: 460, y1: 400 }];
		const labels = placeLabels(sections, [0, 1, 2], scene({ obstacles }));
		expect(labels.map((l) => l.section)).toEqual([2]);
	});

	it('follows the view: map units to pixels', () => {
		const view = { scale: 2, tx: 100, ty: 50 };
		const [label] = placeLabels([section('S', 100, 100)], [0], scene({ view }));
		expect([label.x, label.y]).toEqual([300, 250]);
	});

	it('keeps any number of labels apart and inside the map', () => {
		// A bowl of 24 stands, crowded at a phone's width.
		const sections = Array.from({ length: 24 }, (_, k) => {
			const a = (k * 15 * Math.PI) / 180;
			return section(`Stand ${k + 1}`, 180 + 150 * Math.cos(a), 180 + 150 * Math.sin(a), 12);
		});
		const labels = placeLabels(
			sections,
			sections.map((_, s) => s),
			scene({ width: 360, height: 360 })
		);
		expect(labels.length).toBeGreaterThan(4);
		expect(labels.length).toBeLessThan(24);
		expectApart(labels, 360, 360);
	});
});

describe('placeLabels beside the seats', () => {
	const aside = (covered: (b: Box) => boolean, over: Partial<LabelScene> = {}) =>
		scene({ mode: 'aside', covered, ...over });

	it('says the name and free seats on one line above the section when that is open ground', () => {
		const [label] = placeLabels(
			[section('Block A', 400, 300, 50)],
			[0],
			aside(() => false)
		);
		expect(label.lines).toEqual(['Block A · 120 free']);
		const box = boxOf(label);
		// Above the top seats' drawing (reach 4) with the gap between.
		expect(box.y1).toBe(250 - 4 - LABEL_METRICS.gap);
		expect(label.x).toBe(400);
	});

	it('goes below, then beside, wherever seats are not; never over one', () => {
		const seatsAbove = (b: Box) => b.y1 < 250;
		const [below] = placeLabels([section('S', 400, 300, 50)], [0], aside(seatsAbove));
		expect(boxOf(below).y0).toBeGreaterThan(350);

		const seatsAboveOrBelow = (b: Box) => b.y1 < 250 || b.y0 > 350;
		const [side] = placeLabels([section('S', 600, 300, 50)], [0], aside(seatsAboveOrBelow));
		// Right of the section (away from the middle), past the row labels.
		expect(boxOf(side).x0).toBeGreaterThanOrEqual(650 + 4 + 20);

		const everywhere = () => true;
		expect(placeLabels([section('S', 400, 300, 50)], [0], aside(everywhere))).toEqual([]);
	});

	it('asks about the label with room for the seats drawn around their centres', () => {
		const asked: Box[] = [];
		const [label] = placeLabels(
			[section('S', 400, 300, 50)],
			[0],
			aside((b) => (asked.push(b), false))
		);
		const box = boxOf(label);
		expect(asked.at(-1)).toEqual({
			x0: box.x0 - 4,
			y0: box.y0 - 4,
			x1: box.x1 + 4,
			y1: box.y1 + 4
		});
	});

	it('keeps the label of a section half off the map on the half that shows', () => {
		// The section runs from x = -300 to 300; the map shows 0 to 800.
		const wide = {
			...section('Wide', 0, 300),
			sides: block(-300, 250, 300, 350)
		};
		const [label] = placeLabels(
			[wide],
			[0],
			aside(() => false)
		);
		const box = boxOf(label);
		expect(box.x0).toBeGreaterThanOrEqual(LABEL_METRICS.gap);
		expect(box.x1).toBeLessThanOrEqual(300);
	});

	it('shortens to the name when the full line would meet a neighbour', () => {
		// Two blocks side by side, 130 px apart: "Block A · 120 free" is 18 × 7 + 10 = 136 px wide.
		// Seats everywhere but above them, so above is the only place.
		const sections = [section('Block A', 300, 300, 40), section('Block B', 430, 300, 40)];
		const labels = placeLabels(
			sections,
			[0, 1],
			aside((b) => b.y1 > 260)
		);
		expect(labels.map((l) => l.lines)).toEqual([['Block A · 120 free'], ['Block B']]);
		expectApart(labels, 800, 600);
	});
});

describe('sectionAnchors', () => {
	it('picks a seat of each section, inside an arc rather than in its hollow', () => {
		// A half ring of radius 10–12 around (0, 0), and a second section of two seats.
		const x: number[] = [];
		const y: number[] = [];
		const of: number[] = [];
		for (let r = 10; r <= 12; r++)
			for (let a = 0; a <= 180; a += 10) {
				x.push(r * Math.cos((a * Math.PI) / 180));
				y.push(r * Math.sin((a * Math.PI) / 180));
				of.push(0);
			}
		x.push(50, 52);
		y.push(0, 0);
		of.push(1, 1);
		const [arc, pair] = sectionAnchors(x, y, of, 2);
		expect(Math.hypot(arc.x, arc.y)).toBeGreaterThanOrEqual(10 - 1e-9);
		expect(x.some((v, i) => v === arc.x && y[i] === arc.y && of[i] === 0)).toBe(true);
		expect([50, 52]).toContain(pair.x);
	});
});

describe('importance', () => {
	it('ranks bigger sections first, equals in venue order', () => {
		expect(importance([10, 40, 10, 40])).toEqual([1, 3, 0, 2]);
	});
});

/** Seats of a bowl's stands around (250, 250): rows of `seats` at radius 200 + row, angles clockwise from up. */
function bowl(stands: [number, number][], rows = 10, seats = 15) {
	const x: number[] = [];
	const y: number[] = [];
	const sectionOf: number[] = [];
	const rowOf: number[] = [];
	stands.forEach(([from, to], s) => {
		for (let r = 0; r < rows; r++)
			for (let k = 0; k < seats; k++) {
				const a = ((from + ((to - from) * k) / (seats - 1)) * Math.PI) / 180;
				x.push(250 + (200 + r) * Math.sin(a));
				y.push(250 - (200 + r) * Math.cos(a));
				sectionOf.push(s);
				rowOf.push(s * rows + r);
			}
	});
	const anchors = sectionAnchorSeats(x, y, sectionOf, stands.length);
	const sides = sectionSides(x, y, sectionOf, rowOf, anchors, { x: 250, y: 250 });
	return { x, y, sectionOf, anchors, sides };
}

describe('sectionSides', () => {
	it('of a level block: beyond the back and front rows, then the rows’ ends, outward first', () => {
		// 4 rows of 6 seats, 2 apart, above the venue's middle.
		const x: number[] = [];
		const y: number[] = [];
		for (let r = 0; r < 4; r++)
			for (let k = 0; k < 6; k++) {
				x.push(100 + k * 2);
				y.push(50 + r * 2);
			}
		const rowOf = x.map((_, i) => Math.floor(i / 6));
		const of = x.map(() => 0);
		const anchors = sectionAnchorSeats(x, y, of, 1);
		const [sides] = sectionSides(x, y, of, rowOf, anchors, { x: 200, y: 200 });
		// (+ 0: a direction's -0 and 0 are the same.)
		const at = (s: Side) => ({ x: s.x, y: s.y, nx: s.nx + 0, ny: s.ny + 0, ends: s.ends });
		expect(sides.map(at)).toEqual([
			{ x: 105, y: 50, nx: 0, ny: -1, ends: false },
			{ x: 105, y: 56, nx: 0, ny: 1, ends: false },
			{ x: 100, y: 53, nx: -1, ny: 0, ends: true },
			{ x: 110, y: 53, nx: 1, ny: 0, ends: true }
		]);
		// Along the back row, from one end of it to the other.
		expect([sides[0].x + sides[0].min, sides[0].x + sides[0].max]).toEqual([100, 110]);
	});

	it('of a bowl’s stand whose rows run down the page: behind its back row, then in front', () => {
		// East of the pitch: the rows are arcs from 75° to 89°, nearly vertical.
		const { x, y, sides } = bowl([[75.5, 89.5]]);
		const [back, front, ...ends] = sides[0];
		expect(back.nx).toBeGreaterThan(0.95);
		expect(front.nx).toBeLessThan(-0.95);
		expect(ends.every((e) => e.ends && Math.abs(e.ny) > 0.95)).toBe(true);
		// The back row's outermost seat, and the front row's innermost, lie on those sides' lines.
		const along = (s: Side, i: number) => (x[i] - s.x) * s.nx + (y[i] - s.y) * s.ny;
		const reach = (s: Side) => Math.max(...x.map((_, i) => along(s, i)));
		expect(reach(back)).toBeCloseTo(0, 9);
		expect(reach(front)).toBeCloseTo(0, 9);
	});

	it('of a bowl’s stand, wider at the back: its ends slant along the aisles', () => {
		// Rows from 90.5° to 104.5°: the end towards 90° runs along the aisle, nearly level.
		const { x, y, sides } = bowl([[90.5, 104.5]]);
		const end = sides[0].find((s) => s.ends && s.ny < 0)!;
		const behind = (i: number) => (x[i] - end.x) * end.nx + (y[i] - end.y) * end.ny;
		// The first seat of the front row and of the back row, both on the aisle, lie on the side.
		expect(behind(0)).toBeCloseTo(0, 9);
		expect(behind(9 * 15)).toBeCloseTo(0, 9);
		expect(Math.max(...x.map((_, i) => behind(i)))).toBeCloseTo(0, 9);
		// Along the aisle (radial at 90.5°), not along the stand's middle (97.5°).
		const a = (90.5 * Math.PI) / 180;
		expect(Math.abs(end.dx * Math.sin(a) - end.dy * Math.cos(a))).toBeCloseTo(1, 9);
	});

	it('puts a bowl stand’s label level, behind its own back row, on no seat', () => {
		const { x, y, anchors, sides } = bowl([
			[60.5, 74.5],
			[75.5, 89.5],
			[90.5, 104.5]
		]);
		const view = { scale: 8, tx: -3400, ty: -1700 };
		const sections = sides.map((s, k) => ({
			name: `Stand 0${k + 5}`,
			anchor: { x: x[anchors[k]], y: y[anchors[k]] },
			sides: s,
			free: '150 free',
			prices: ''
		}));
		const covered = (b: Box) =>
			x.some((_, i) => {
				const [sx, sy] = [x[i] * view.scale + view.tx, y[i] * view.scale + view.ty];
				return sx >= b.x0 && sx <= b.x1 && sy >= b.y0 && sy <= b.y1;
			});
		const labels = placeLabels(
			sections,
			[1, 0, 2],
			scene({ view, width: 600, height: 800, mode: 'aside', covered })
		);
		const middle = labels.find((l) => l.section === 1)!;
		expect(middle.place).toBe('side0');
		// Right of the stand's back row (its seats' greatest x), at the stand's middle height.
		const seats = x.map((_, i) => i).filter((i) => i >= 150 && i < 300);
		const right = Math.max(...seats.map((i) => x[i] * view.scale + view.tx));
		expect(middle.x).toBeGreaterThan(right);
		const ys = seats.map((i) => y[i] * view.scale + view.ty);
		expect(middle.y).toBeGreaterThan(Math.min(...ys));
		expect(middle.y).toBeLessThan(Math.max(...ys));
		for (const label of labels) expect(covered(boxOf(label))).toBe(false);
		expectApart(labels, 600, 800);
	});
});

describe('placeLabels, where a label goes', () => {
	it('at overview, moves off its seats past the back row when a neighbour’s label is there', () => {
		// B's anchor lies under A's label; its back (above, away from the middle) is open.
		const sections = [section('A', 400, 215, 10), section('B', 400, 200, 10)];
		const labels = placeLabels(sections, [0, 1], scene());
		expect(labels.map((l) => [l.section, l.place])).toEqual([
			[0, 'on'],
			[1, 'side0']
		]);
		expect(boxOf(labels[1]).y1).toBe(190 - 4 - LABEL_METRICS.gap);
		expectApart(labels, 800, 600);
	});

	it('grows a label only where it already is', () => {
		// A's full label fits only away from its seats: it stays short, on them.
		const sections = [section('A', 400, 300), section('B', 400, 340)];
		const [a] = placeLabels(sections, [0, 1], scene());
		expect([a.place, a.lines.length]).toEqual(['on', 2]);
	});

	it('gives each section, mode and place its own key, so a move is a fade across', () => {
		const s = [section('A', 400, 300, 50)];
		const [on] = placeLabels(s, [0], scene());
		const [above] = placeLabels(s, [0], scene({ mode: 'aside' }));
		const [below] = placeLabels(s, [0], scene({ mode: 'aside', covered: (b) => b.y1 < 250 }));
		expect(new Set([on.key, above.key, below.key]).size).toBe(3);
		expect(above.key).toBe(placeLabels(s, [0], scene({ mode: 'aside' }))[0].key);
	});
});

/**
 * sectionSides as first written, a seat at a time, with lookups and objects per seat: what the
 * typed-array passes must give exactly.
 */
function plainSectionSides(
	x: ArrayLike<number>,
	y: ArrayLike<number>,
	sectionOf: ArrayLike<number>,
	rowOf: ArrayLike<number>,
	anchors: readonly number[],
	centre: { x: number; y: number }
): Side[][] {
	const sections = anchors.length;
	const rowOfAnchor = new Map<number, number>();
	anchors.forEach((i, s) => {
		if (i >= 0) rowOfAnchor.set(rowOf[i], s);
	});
	const m = Array.from({ length: sections }, () => [0, 0, 0, 0, 0, 0]);
	for (let i = 0; i < rowOf.length; i++) {
		const s = rowOfAnchor.get(rowOf[i]);
		if (s === undefined) continue;
		const [dx, dy] = [x[i] - x[anchors[s]], y[i] - y[anchors[s]]];
		const k = m[s];
		k[0]++;
		k[1] += dx;
		k[2] += dy;
		k[3] += dx * dx;
		k[4] += dx * dy;
		k[5] += dy * dy;
	}
	const axes = m.map(([n, sx, sy, sxx, sxy, syy]) => {
		if (n < 2) return [1, 0];
		const cxx = sxx / n - (sx / n) ** 2;
		const cxy = sxy / n - (sx / n) * (sy / n);
		const cyy = syy / n - (sy / n) ** 2;
		const angle =
			Math.abs(cxy) < 1e-12 ? (cxx >= cyy ? 0 : Math.PI / 2) : Math.atan2(2 * cxy, cxx - cyy) / 2;
		return [Math.cos(angle), Math.sin(angle)];
	});
	const u = (s: number, i: number) => x[i] * axes[s][0] + y[i] * axes[s][1];
	const v = (s: number, i: number) => y[i] * axes[s][0] - x[i] * axes[s][1];
	const front = new Array<number>(sections).fill(-1);
	const back = new Array<number>(sections).fill(-1);
	const members = Array.from({ length: sections }, () => [] as { x: number; y: number }[]);
	for (let i = 0; i < sectionOf.length; i++) {
		const s = sectionOf[i];
		members[s].push({ x: x[i], y: y[i] });
		if (front[s] < 0 || v(s, i) < v(s, front[s])) front[s] = i;
		if (back[s] < 0 || v(s, i) > v(s, back[s])) back[s] = i;
	}
	const ends = new Map<number, [number, number]>();
	for (let s = 0; s < sections; s++)
		if (front[s] >= 0) for (const i of [front[s], back[s]]) ends.set(rowOf[i], [i, i]);
	for (let i = 0; i < rowOf.length; i++) {
		const e = ends.get(rowOf[i]);
		if (!e) continue;
		const s = sectionOf[i];
		if (u(s, i) < u(s, e[0])) e[0] = i;
		if (u(s, i) > u(s, e[1])) e[1] = i;
	}
	return anchors.map((anchor, s) => {
		if (anchor < 0) return [];
		const [ux, uy] = axes[s];
		const [f0, f1] = ends.get(rowOf[front[s]])!;
		const [b0, b1] = ends.get(rowOf[back[s]])!;
		const edge = (a: number, b: number, nx: number, ny: number, end: boolean): Edge => ({
			x0: x[a],
			y0: y[a],
			x1: x[b],
			y1: y[b],
			nx,
			ny,
			ends: end
		});
		return sidesOf(
			[
				edge(b0, b1, -uy, ux, false),
				edge(f0, f1, uy, -ux, false),
				edge(f1, b1, ux, uy, true),
				edge(f0, b0, -ux, -uy, true)
			],
			members[s],
			centre
		);
	});
}

/** A small deterministic random number generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * A venue of blocks and bowl stands at random: rows level, slanted, curved or uneven, of one seat
 * or many, sections of one row, seats listed in or out of order; through SeatLayout, as the map
 * gets them.
 */
function randomVenue(seed: number): SeatLayout {
	const rnd = random(seed);
	const columns = {
		id: [] as number[],
		section: [] as string[],
		row_label: [] as string[],
		number: [] as number[],
		x: [] as number[],
		y: [] as number[],
		category: [] as string[],
		price_cents: [] as number[],
		accessibility: [] as null[],
		restricted_view: [] as boolean[]
	};
	const seats: [string, string, number, number, number][] = [];
	const sections = 1 + Math.floor(rnd() * 8);
	for (let s = 0; s < sections; s++) {
		const rows = 1 + Math.floor(rnd() * 6);
		const [cx, cy] = [rnd() * 400, rnd() * 300];
		const angle = rnd() < 0.3 ? 0 : rnd() * Math.PI * 2;
		const bend = rnd() < 0.5 ? 0 : (rnd() - 0.5) * 0.2;
		for (let r = 0; r < rows; r++) {
			const length = 1 + Math.floor(rnd() * 12) + (rnd() < 0.5 ? r : 0);
			for (let k = 0; k < length; k++) {
				const along = (k - length / 2) * 2;
				const across = r * 3 + bend * along * along;
				seats.push([
					`S${s}`,
					String.fromCharCode(65 + r),
					k + 1,
					Math.round((cx + along * Math.cos(angle) - across * Math.sin(angle)) * 100) / 100,
					Math.round((cy + along * Math.sin(angle) + across * Math.cos(angle)) * 100) / 100
				]);
			}
		}
	}
	if (rnd() < 0.3) seats.sort(() => rnd() - 0.5);
	seats.forEach(([section, row, number, x, y], i) => {
		columns.id.push(i + 1);
		columns.section.push(section);
		columns.row_label.push(row);
		columns.number.push(number);
		columns.x.push(x);
		columns.y.push(y);
		columns.category.push('Standard');
		columns.price_cents.push(1000);
		columns.accessibility.push(null);
		columns.restricted_view.push(false);
	});
	return new SeatLayout(columns);
}

describe('sectionSides, in passes over typed arrays', () => {
	it('finds exactly the sides a seat-by-seat scan finds, on venues of every shape', () => {
		for (let seed = 1; seed <= 300; seed++) {
			const layout = randomVenue(seed);
			const { x, y, sectionOf, rowOf, bounds: b } = layout;
			const anchors = sectionAnchorSeats(x, y, sectionOf, layout.sections.length);
			const centre = { x: (b.minX + b.maxX) / 2, y: (b.minY + b.maxY) / 2 };
			expect(sectionSides(x, y, sectionOf, rowOf, anchors, centre), `venue ${seed}`).toEqual(
				plainSectionSides(x, y, sectionOf, rowOf, anchors, centre)
			);
		}
	});
});
