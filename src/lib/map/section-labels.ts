import type { Bounds } from '$lib/domain/seat-layout';
import type { Viewport } from '$lib/domain/viewport';

/**
 * Where the section labels go. At overview, while seats are too small to aim at, a section's label
 * sits on its own seats: name, free seats and prices, or name and free seats where that is all
 * that fits. Once seats are big enough to click, a label covering them would be in the way, so it
 * moves beside the section, onto ground no seat occupies (or goes). Labels never overlap: the
 * more important sections are placed first, each in its shortest form so that as many sections as
 * possible get one, then each grows to a fuller form where the room allows; a label that fits
 * nowhere is left out.
 */

/** A rectangle in screen pixels. */
export interface Box {
	x0: number;
	y0: number;
	x1: number;
	y1: number;
}

export interface LabelSection {
	name: string;
	/** A seat of the section near its middle (map units): the overview label's centre. */
	anchor: { x: number; y: number };
	/** The extent of its seats' centres (map units). */
	box: Bounds;
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

/** Where a label of this size may go, best first (centres, screen px). */
function candidates(
	section: LabelSection,
	scene: LabelScene,
	w: number,
	h: number
): [number, number][] {
	const { view, width, height } = scene;
	const ax = section.anchor.x * view.scale + view.tx;
	const ay = section.anchor.y * view.scale + view.ty;
	if (scene.mode === 'inside') return [[ax, ay]];
	const x0 = section.box.minX * view.scale + view.tx;
	const x1 = section.box.maxX * view.scale + view.tx;
	const y0 = section.box.minY * view.scale + view.ty;
	const y1 = section.box.maxY * view.scale + view.ty;
	const g = LABEL_METRICS.gap;
	// Along an edge, the label slides into view but not past the section's ends: a section half
	// off the screen keeps its label on the half that shows.
	const slide = (centre: number, lo: number, hi: number, half: number, size: number) => {
		const min = Math.max(lo, g + half);
		const max = Math.min(hi, size - g - half);
		return min > max ? centre : clamp(centre, min, max);
	};
	const cx = slide((x0 + x1) / 2, x0, x1, w / 2, width);
	const cy = slide((y0 + y1) / 2, y0, y1, h / 2, height);
	const above: [number, number] = [cx, y0 - scene.reach - g - h / 2];
	const below: [number, number] = [cx, y1 + scene.reach + g + h / 2];
	const side = scene.reach + scene.rowLabelRoom + g + w / 2;
	const left: [number, number] = [x0 - side, cy];
	const right: [number, number] = [x1 + side, cy];
	// Away from the venue's middle first: that side of a ring's stand is open ground.
	const outward = section.anchor.x * view.scale + view.tx > width / 2;
	return [above, below, ...(outward ? [right, left] : [left, right])];
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
	const fits = (s: number, lines: string[]): PlacedLabel | null => {
		const { width: w, height: h } = sized(lines);
		for (const [x, y] of candidates(sections[s], scene, w, h)) {
			const label = { section: s, lines, x, y, width: w, height: h };
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
	// ...then each grows as far as the room around it allows.
	for (const s of order) {
		if (!placed.has(s)) continue;
		const forms = variants(sections[s], scene.mode);
		for (const lines of forms.slice(0, -1)) {
			const label = fits(s, lines);
			if (label) {
				placed.set(s, label);
				break;
			}
		}
	}
	return order.filter((s) => placed.has(s)).map((s) => placed.get(s)!);
}

/**
 * Each section's seat nearest the average of its seats: inside the section even when it is a
 * ring's arc, whose average may fall in the ring's hollow.
 */
export function sectionAnchors(
	x: ArrayLike<number>,
	y: ArrayLike<number>,
	sectionOf: ArrayLike<number>,
	sections: number
): { x: number; y: number }[] {
	const sx = new Float64Array(sections);
	const sy = new Float64Array(sections);
	const n = new Float64Array(sections);
	for (let i = 0; i < sectionOf.length; i++) {
		sx[sectionOf[i]] += x[i];
		sy[sectionOf[i]] += y[i];
		n[sectionOf[i]]++;
	}
	const best = new Float64Array(sections).fill(Infinity);
	const anchors = Array.from({ length: sections }, () => ({ x: 0, y: 0 }));
	for (let i = 0; i < sectionOf.length; i++) {
		const s = sectionOf[i];
		const d = (x[i] - sx[s] / n[s]) ** 2 + (y[i] - sy[s] / n[s]) ** 2;
		if (d < best[s]) {
			best[s] = d;
			anchors[s] = { x: x[i], y: y[i] };
		}
	}
	return anchors;
}

/** Sections by importance: more seats first, then in the venue's order. */
export function importance(sizes: readonly number[]): number[] {
	return sizes.map((_, s) => s).sort((a, b) => sizes[b] - sizes[a] || a - b);
}
