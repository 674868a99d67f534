import type { Tables } from '../database.types.ts';
import type { Supabase } from './client.ts';
import { parseTimestamp } from '../domain/server-clock.ts';
import { fail, ok, type Result } from './result.ts';

/** The columns the app reads of an event; one list for the query and its type. */
export type EventRow = Pick<
	Tables<'events'>,
	| 'id'
	| 'slug'
	| 'name'
	| 'venue'
	| 'starts_at'
	| 'max_seats_per_user'
	| 'hold_minutes'
	| 'created_at'
	| 'stage'
	| 'time_zone'
>;

const EVENT_COLUMNS =
	'id, slug, name, venue, starts_at, max_seats_per_user, hold_minutes, created_at, stage, time_zone';

export interface Availability {
	total: number;
	booked: number;
	/** Active holds: not free either. */
	held: number;
	/** When the next of those holds lapses (ms since the epoch, database clock), or null. */
	nextLapse: number | null;
	/** The cheapest and dearest seat, in cents; null for an event with no seats. */
	priceMin: number | null;
	priceMax: number | null;
}

export async function listEvents(supabase: Supabase): Promise<Result<EventRow[]>> {
	const { data, error, status } = await supabase
		.from('events')
		.select(EVENT_COLUMNS)
		.order('starts_at', { ascending: true })
		.order('id', { ascending: true });
	return error ? fail(error, status) : ok(data);
}

export async function getEventBySlug(
	supabase: Supabase,
	slug: string
): Promise<Result<EventRow | null>> {
	const { data, error, status } = await supabase
		.from('events')
		.select(EVENT_COLUMNS)
		.eq('slug', slug)
		.maybeSingle();
	return error ? fail(error, status) : ok(data);
}

export async function getEventsByIds(
	supabase: Supabase,
	ids: number[]
): Promise<Result<EventRow[]>> {
	if (!ids.length) return ok([]);
	const { data, error, status } = await supabase.from('events').select(EVENT_COLUMNS).in('id', ids);
	return error ? fail(error, status) : ok(data);
}

/** Seats total, booked and held, and the price range, per event id. */
export async function fetchAvailability(
	supabase: Supabase
): Promise<Result<Map<number, Availability>>> {
	const { data, error, status } = await supabase.rpc('event_availability');
	if (error) return fail(error, status);
	const map = new Map<number, Availability>();
	for (const row of data ?? []) {
		map.set(Number(row.event_id), {
			total: row.seats_total,
			booked: row.seats_booked,
			held: row.seats_held,
			nextLapse: parseTimestamp(row.next_lapse),
			// Typed non-null by the generator (it cannot see that min() of no rows is null).
			priceMin: row.price_min_cents ?? null,
			priceMax: row.price_max_cents ?? null
		});
	}
	return ok(map);
}
