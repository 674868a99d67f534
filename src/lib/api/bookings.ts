import * as v from 'valibot';
import type { Tables } from '../database.types.ts';
import { BookingChange } from '../domain/seat-state.ts';
import { parseTimestamp } from '../domain/server-clock.ts';
import type { Supabase } from './client.ts';
import { getEventsByIds } from './events.ts';
import { fail, ok, type Result } from './result.ts';

type BookingRow = Tables<'bookings'>;
type EventRow = Tables<'events'>;

const CHANGE_COLUMNS = 'id, seat_id, user_id, status, expires_at';
const Changes = v.array(BookingChange);

/**
 * Holds all the seats or none, for the event's hold length (the database sets `expires_at`). Seat
 * ids go in ascending order, so two overlapping requests end in a clean 23505, not a deadlock.
 */
export async function holdSeats(
	supabase: Supabase,
	eventId: number,
	seatIds: number[]
): Promise<Result<BookingChange[]>> {
	const { data, error, status } = await supabase
		.from('bookings')
		.insert(
			[...seatIds]
				.sort((a, b) => a - b)
				.map((seat_id) => ({ event_id: eventId, seat_id, status: 'held' }))
		)
		.select(CHANGE_COLUMNS);
	return error ? fail(error, status) : parseChanges(data);
}

/**
 * Confirms the caller's holds (held → booked) by a plain update, all or none: one that lapsed, or
 * was released or taken over meanwhile, fails the whole update (23514). No status filter on
 * purpose: a filter would skip such a row silently and book the rest. The database's triggers make
 * the order; the app books through `confirmOrder` (which returns it), while this direct path stays
 * open to any client of the API and is what the contract tests and benchmarks drive.
 */
export async function confirmHolds(
	supabase: Supabase,
	bookingIds: number[]
): Promise<Result<BookingChange[]>> {
	const { data, error, status } = await supabase
		.from('bookings')
		.update({ status: 'booked' })
		.in('id', bookingIds)
		.select(CHANGE_COLUMNS);
	return error ? fail(error, status) : parseChanges(data);
}

/** Releases the caller's bookings and holds (RLS refuses anyone else's: 42501). */
export async function releaseBookings(
	supabase: Supabase,
	bookingIds: number[]
): Promise<Result<BookingChange[]>> {
	const { data, error, status } = await supabase
		.from('bookings')
		.update({ status: 'released' })
		.in('id', bookingIds)
		.in('status', ['booked', 'held'])
		.select(CHANGE_COLUMNS);
	return error ? fail(error, status) : parseChanges(data);
}

/**
 * The current bookings and holds of some seats: how the map catches up at once after losing a
 * race. A hold past its expiry may still say `held`; the seat state treats it as free.
 */
export async function currentBookings(
	supabase: Supabase,
	seatIds: number[]
): Promise<Result<BookingChange[]>> {
	const { data, error, status } = await supabase
		.from('bookings')
		.select(CHANGE_COLUMNS)
		.in('seat_id', seatIds)
		.in('status', ['booked', 'held']);
	return error ? fail(error, status) : parseChanges(data);
}

/**
 * Holds `count` adjacent ordinary seats of a category nearest the stage, in the database
 * (race-safe); never wheelchair spaces or companion seats.
 */
export async function holdBestAvailable(
	supabase: Supabase,
	eventId: number,
	category: string,
	count: number
): Promise<Result<BookingChange[]>> {
	return bestAvailable(supabase, eventId, category, count, false);
}

/**
 * Holds a wheelchair space with `count - 1` companion seats beside it (`count` 1: the space alone),
 * all next to each other in one row of the category, nearest the stage (race-safe). None free:
 * PT409, with a message that says so.
 */
export async function holdBestWheelchairSpace(
	supabase: Supabase,
	eventId: number,
	category: string,
	count: number
): Promise<Result<BookingChange[]>> {
	return bestAvailable(supabase, eventId, category, count, true);
}

async function bestAvailable(
	supabase: Supabase,
	eventId: number,
	category: string,
	count: number,
	wheelchair: boolean
): Promise<Result<BookingChange[]>> {
	// The ordinary call names three arguments, as it always has: p_wheelchair defaults to false.
	const { data, error, status } = await supabase.rpc('best_available', {
		p_event_id: eventId,
		p_category: category,
		p_count: count,
		...(wheelchair ? { p_wheelchair: true } : {})
	});
	return error ? fail(error, status) : parseChanges(data);
}

export interface MyBooking {
	id: number;
	createdAt: string;
	status: 'booked' | 'held';
	/** A hold's end in the database's clock (ms since the epoch); null for a booking. */
	expiresAt: number | null;
	seat: {
		id: number;
		section: string;
		row: string;
		number: number;
		category: string;
		priceCents: number;
	};
	event: Pick<EventRow, 'id' | 'slug' | 'name' | 'venue' | 'starts_at' | 'time_zone'>;
}

/**
 * The user's booked and held seats across events, grouped by the caller; no embedding needed. A
 * hold past its expiry may still say `held` (nothing has to mark it): the caller drops it by the
 * database's clock (see `ServerClock`), as it must anyway when a listed hold runs out later.
 */
export async function listMyBookings(
	supabase: Supabase,
	userId: string
): Promise<Result<MyBooking[]>> {
	const bookings = await supabase
		.from('bookings')
		.select('id, event_id, seat_id, created_at, status, expires_at')
		.eq('user_id', userId)
		.in('status', ['booked', 'held'])
		.order('id', { ascending: true });
	if (bookings.error) return fail(bookings.error, bookings.status);
	const rows: Pick<
		BookingRow,
		'id' | 'event_id' | 'seat_id' | 'created_at' | 'status' | 'expires_at'
	>[] = bookings.data;
	if (!rows.length) return ok([]);

	const [seats, events] = await Promise.all([
		supabase
			.from('seats')
			.select('id, section, row_label, number, category, price_cents')
			.in(
				'id',
				rows.map((r) => r.seat_id)
			),
		getEventsByIds(supabase, [...new Set(rows.map((r) => r.event_id))])
	]);
	if (seats.error) return fail(seats.error, seats.status);
	if (events.error) return { data: null, error: events.error };
	const seatById = new Map(seats.data.map((s) => [s.id, s]));
	const eventById = new Map(events.data.map((e) => [e.id, e]));
	const result: MyBooking[] = [];
	for (const row of rows) {
		const seat = seatById.get(row.seat_id);
		const event = eventById.get(row.event_id);
		if (!seat || !event) continue;
		result.push({
			id: row.id,
			createdAt: row.created_at,
			status: row.status === 'held' ? 'held' : 'booked',
			expiresAt: row.status === 'held' ? parseTimestamp(row.expires_at) : null,
			seat: {
				id: seat.id,
				section: seat.section,
				row: seat.row_label,
				number: seat.number,
				category: seat.category,
				priceCents: seat.price_cents
			},
			event
		});
	}
	result.sort(
		(a, b) =>
			a.event.starts_at.localeCompare(b.event.starts_at) ||
			a.event.id - b.event.id ||
			a.seat.section.localeCompare(b.seat.section) ||
			a.seat.row.localeCompare(b.seat.row, undefined, { numeric: true }) ||
			a.seat.number - b.seat.number
	);
	return ok(result);
}

function parseChanges(data: unknown): Result<BookingChange[]> {
	const parsed = v.safeParse(Changes, data ?? []);
	return parsed.success
		? ok(parsed.output)
		: fail({ code: 'invalid_response', message: parsed.issues[0].message });
}
