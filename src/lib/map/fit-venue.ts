import { plural } from '$lib/domain/format';
import type { SeatLayout } from '$lib/domain/seat-layout';
import { fitWithRoom, zoomAt, type Roomy, type Viewport } from '$lib/domain/viewport';
import { LABEL_METRICS, sectionAnchors } from './section-labels';
import type { Stage } from './stage';

/** Each section's anchor and seat count: a scan of every seat, done once per layout. */
const sectionsOf = new WeakMap<
	SeatLayout,
	{ anchors: { x: number; y: number }[]; sizes: number[] }
>();

type Measure = (text: string, bold: boolean) => number;

/** The box around the map's seats and stage, and the gap kept to the map's edges, px. */
const MARGIN = 8;

/**
 * The first view: every seat and the stage, with room for the seats' size and the section
 * labels above them, and for each section's overview label centred on its anchor seat, so a
 * stand at the venue's edge keeps its name instead of losing it to the map's edge.
 */
export function fitVenue(
	layout: SeatLayout,
	stage: Stage | null,
	width: number,
	height: number,
	measure: Measure
): Viewport {
	const p = layout.pitch;
	const b = layout.bounds;
	const bounds = { minX: b.minX - p, minY: b.minY - p * 2.5, maxX: b.maxX + p, maxY: b.maxY + p };
	if (stage) {
		bounds.minX = Math.min(bounds.minX, stage.x - p);
		bounds.minY = Math.min(bounds.minY, stage.y - p);
		bounds.maxX = Math.max(bounds.maxX, stage.x + stage.width + p);
		bounds.maxY = Math.max(bounds.maxY, stage.y + stage.height + p);
	}
	const corner = (x: number, y: number): Roomy => ({ x, y, rx: 0, ry: 0 });
	const points = [
		corner(bounds.minX, bounds.minY),
		corner(bounds.maxX, bounds.maxY),
		...labelRooms(layout, measure)
	];
	const view = fitWithRoom(points, width, height, MARGIN);
	// A small venue should not be blown up to giant seats.
	const cap = 40 / p;
	return view.scale <= cap
		? view
		: zoomAt(view, cap / view.scale, width / 2, height / 2, { min: 0, max: cap });
}

/** Where the overview labels go, and how far they reach at most (every seat free), px. */
function labelRooms(layout: SeatLayout, measure: Measure): Roomy[] {
	let known = sectionsOf.get(layout);
	if (!known) {
		const anchors = sectionAnchors(layout.x, layout.y, layout.sectionOf, layout.sections.length);
		const sizes = new Array<number>(layout.sections.length).fill(0);
		for (let i = 0; i < layout.size; i++) sizes[layout.sectionOf[i]]++;
		known = { anchors, sizes };
		sectionsOf.set(layout, known);
	}
	const { anchors, sizes } = known;
	const { line, padX, padY, gap } = LABEL_METRICS;
	return layout.sections.map((name, s) => {
		const text = Math.max(measure(name, true), measure(plural(sizes[s], 'free', 'free'), false));
		return { ...anchors[s], rx: text / 2 + padX + gap, ry: line + padY + gap };
	});
}
