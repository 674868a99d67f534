/** A listed booking or hold; a hold ends at `expiresAt`, in the database's clock (ms). */
export interface Expiring {
	status: 'booked' | 'held';
	expiresAt: number | null;
}

/**
 * What is still current at the database's time `now`: every booking, and the holds that have not
 * lapsed (the database frees a seat at its hold's `expires_at` exactly). The same list when
 * nothing lapsed, so `$state.raw` readers are not woken for nothing.
 */
export function current<T extends Expiring>(rows: T[], now: number): T[] {
	const kept = rows.filter(
		(r) => r.status === 'booked' || (r.expiresAt !== null && r.expiresAt > now)
	);
	return kept.length === rows.length ? rows : kept;
}

/** When the first listed hold lapses (the database's clock, ms); null without holds. */
export function nextLapse(rows: Expiring[]): number | null {
	let next: number | null = null;
	for (const r of rows)
		if (r.status === 'held' && r.expiresAt !== null && (next === null || r.expiresAt < next))
			next = r.expiresAt;
	return next;
}
