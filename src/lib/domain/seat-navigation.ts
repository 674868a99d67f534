import type { SeatLayout } from './seat-layout.ts';

export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * The seat a keyboard user reaches from seat `from` by an arrow key: the nearest seat lying in that
 * direction, preferring the same row for left/right and the nearest row for up/down, which keeps
 * it right for curved and irregular layouts. Only the seats that can be the answer are looked at,
 * through the layout's grid: the row's seats nearby, or strips across the venue, nearest first.
 */
export function neighbour(layout: SeatLayout, from: number, direction: Direction): number {
	const { x, y } = layout;
	const [x0, y0] = [x[from], y[from]];
	const tolerance = layout.pitch * 0.45;
	const horizontal = direction === 'left' || direction === 'right';
	const sign = direction === 'left' || direction === 'up' ? -1 : 1;
	let best = -1;
	let bestCost = Infinity;
	const consider = (i: number) => {
		if (i === from) return;
		const along = (horizontal ? x[i] - x0 : y[i] - y0) * sign;
		if (along <= tolerance * 0.5) return;
		const across = Math.abs(horizontal ? y[i] - y0 : x[i] - x0);
		// Moving along a row: stay in it if at all possible. Moving between rows: the next row first,
		// then the seat closest across. Equal costs go to the lower index, whatever the visiting order.
		const cost = horizontal
			? (across <= tolerance ? 0 : 1e6 + across * 1e3) + along
			: Math.round(along / tolerance) * 1e6 + across;
		if (cost < bestCost || (cost === bestCost && i < best)) {
			bestCost = cost;
			best = i;
		}
	};
	if (horizontal) {
		// A seat in the same row within the window beats every seat outside it.
		const reach = layout.pitch * 4;
		layout.query(x0 - reach, y0 - reach, x0 + reach, y0 + reach, consider);
		if (bestCost <= reach) return best;
		for (let i = 0; i < layout.size; i++) consider(i);
		return best;
	}
	// Up/down: strips across the whole venue, nearest first; the first strip holding a seat of its
	// distance holds the answer, since the distance counts before anything else.
	const { minX, maxX, minY, maxY } = layout.bounds;
	const room = sign > 0 ? maxY - y0 : y0 - minY;
	for (let k = 1; (k - 0.5) * tolerance <= room; k++) {
		const [near, far] = [(k - 0.5) * tolerance, (k + 0.5) * tolerance];
		if (sign > 0) layout.query(minX, y0 + near, maxX, y0 + far, consider);
		else layout.query(minX, y0 - far, maxX, y0 - near, consider);
		if (best >= 0 && Math.floor(bestCost / 1e6) <= k) return best;
	}
	return best;
}

/** First or last seat of the row `from` sits in (Home/End): the row's lowest or highest x. */
export function rowEnd(layout: SeatLayout, from: number, end: 'start' | 'end'): number {
	const ends = layout.rowEnds[layout.rowOf[from]];
	return end === 'start' ? ends.first : ends.last;
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
