import type { SeatPlace } from './format.ts';
import type { Expiring } from './my-holds.ts';

/** Why a hold on the review is no longer there. */
export type Loss = 'lapsed' | 'released' | 'booked';

/** A listed booking or hold of a seat (see `MyBooking`). */
export interface ListedHold extends Expiring {
	id: number;
	seat: SeatPlace & { id: number };
}

export interface LostHold<T extends ListedHold = ListedHold> {
	hold: T;
	why: Loss;
}

/**
 * How near its end a hold that vanished from the list counts as lapsed. This browser's idea of the
 * database's clock runs up to a round trip late, and once a hold has lapsed the database may drop
 * it from the list (someone else took the seat) before that clock reaches its end.
 */
export const LAPSE_MARGIN_MS = 5_000;

/**
 * The holds on screen (`before`) that the list as read now (`after`, at the database's time `now`)
 * no longer has as current holds, each with why: booked (in another tab or device), lapsed (its
 * time ran out), or released (let go elsewhere; nothing else ends a hold before its time).
 */
export function lostHolds<T extends ListedHold>(
	before: T[],
	after: T[],
	now: number
): LostHold<T>[] {
	const byId = new Map(after.map((r) => [r.id, r]));
	const lost: LostHold<T>[] = [];
	for (const hold of before) {
		if (hold.status !== 'held') continue;
		const row = byId.get(hold.id);
		if (row?.status === 'held' && row.expiresAt !== null && row.expiresAt > now) continue;
		const why: Loss =
			row?.status === 'booked'
				? 'booked'
				: hold.expiresAt !== null && hold.expiresAt - LAPSE_MARGIN_MS <= now
					? 'lapsed'
					: 'released';
		lost.push({ hold, why });
	}
	return lost;
}

/**
 * What the review says it lost, kept across updates: earlier losses stay named (the latest last)
 * unless the seat is held again, and a hold is named once.
 */
export function mergeLost<T extends ListedHold>(
	earlier: LostHold<T>[],
	now: LostHold<T>[],
	held: T[]
): LostHold<T>[] {
	const seats = new Set(held.map((h) => h.seat.id));
	const ids = new Set(now.map((l) => l.hold.id));
	return [...earlier.filter((l) => !ids.has(l.hold.id)), ...now].filter(
		(l) => !seats.has(l.hold.seat.id)
	);
}

/** The order a venue lists seats in: section, row, seat. */
export function bySeat(a: { seat: SeatPlace }, b: { seat: SeatPlace }): number {
	return (
		a.seat.section.localeCompare(b.seat.section) ||
		a.seat.row.localeCompare(b.seat.row, undefined, { numeric: true }) ||
		a.seat.number - b.seat.number
	);
}
