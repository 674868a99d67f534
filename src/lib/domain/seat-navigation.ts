import type { SeatLayout } from './seat-layout.ts';

export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * The seat a keyboard user reaches from seat `from` by an arrow key: the nearest seat lying in that
 * direction, preferring the same row for left/right and the nearest row for up/down. A linear scan
 * (50,000 seats is well under a millisecond) keeps it correct for curved and irregular layouts.
 */
export function neighbour(layout: SeatLayout, from: number, direction: Direction): number {
	const { x, y, size } = layout;
	const x0 = x[from];
	const y0 = y[from];
	const tolerance = layout.pitch * 0.45;
	const horizontal = direction === 'left' || direction === 'right';
	const sign = direction === 'left' || direction === 'up' ? -1 : 1;
	let best = -1;
	let bestCost = Infinity;
	for (let i = 0; i < size; i++) {
		if (i === from) continue;
		const along = (horizontal ? x[i] - x0 : y[i] - y0) * sign;
		const across = Math.abs(horizontal ? y[i] - y0 : x[i] - x0);
		if (along <= tolerance * 0.5) continue;
		// Moving along a row: stay in it if at all possible. Moving between rows: the next row first,
		// then the seat closest across.
		const cost = horizontal
			? (across <= tolerance ? 0 : 1e6 + across * 1e3) + along
			: Math.round(along / tolerance) * 1e6 + across;
		if (cost < bestCost) {
			bestCost = cost;
			best = i;
		}
	}
	return best;
}

/** First or last seat of the row `from` sits in (Home/End). */
export function rowEnd(layout: SeatLayout, from: number, end: 'start' | 'end'): number {
	const { x, sectionOf, rowLabel, size } = layout;
	let best = from;
	for (let i = 0; i < size; i++) {
		if (sectionOf[i] !== sectionOf[from] || rowLabel[i] !== rowLabel[from]) continue;
		if (end === 'start' ? x[i] < x[best] : x[i] > x[best]) best = i;
	}
	return best;
}

/** The seat nearest the centre of the map: where keyboard focus starts. */
export function centreSeat(layout: SeatLayout): number {
	if (!layout.size) return -1;
	const b = layout.bounds;
	const cx = (b.minX + b.maxX) / 2;
	const cy = (b.minY + b.maxY) / 2;
	let best = 0;
	let bestD = Infinity;
	for (let i = 0; i < layout.size; i++) {
		const d = (layout.x[i] - cx) ** 2 + (layout.y[i] - cy) ** 2;
		if (d < bestD) {
			bestD = d;
			best = i;
		}
	}
	return best;
}
