import * as v from 'valibot';
import type { Tables } from '$lib/database.types';
import { BookingChange } from '$lib/domain/seat-state';
import type { Supabase } from './client.ts';
import { getEventsByIds } from './events.ts';
import { fail, ok, type Result } from './result.ts';

type BookingRow = Tables<'bookings'>;
type EventRow = Tables<'events'>;

const CHANGE_COLUMNS = 'id, seat_id, user_id, status';
const Changes = v.array(BookingChange);

/** Books all the seats or none: one INSERT, one transaction. */
export async function bookSeats(
	supabase: Supabase,
	eventId: number,
	seatIds: number[]
): Promise<Result<BookingChange[]>> {
	const { data, error, status } = await supabase
		.from('bookings')
		.insert(seatIds.map((seat_id) => ({ event_id: eventId, seat_id })))
		.select(CHANGE_COLUMNS);
	return error ? fail(error, status) : parseChanges(data);
}

/** Releases the caller's bookings (RLS makes anyone else's a no-op). */
export async function releaseBookings(
	supabase: Supabase,
	bookingIds: number[]
): Promise<Result<BookingChange[]>> {
	const { data, error, status } = await supabase
		.from('bookings')
		.update({ status: 'released' })
		.in('id', bookingIds)
		.eq('status', 'booked')
		.select(CHANGE_COLUMNS);
	return error ? fail(error, status) : parseChanges(data);
}

/** The current bookings of some seats: how the map catches up at once after losing a race. */
export async function currentBookings(
	supabase: Supabase,
	seatIds: number[]
): Promise<Result<BookingChange[]>> {
	const { data, error, status } = await supabase
		.from('bookings')
		.select(CHANGE_COLUMNS)
		.in('seat_id', seatIds)
		.eq('status', 'booked');
	return error ? fail(error, status) : parseChanges(data);
}

export interface MyBooking {
	id: number;
	createdAt: string;
	seat: {
		id: number;
		section: string;
		row: string;
		number: number;
		category: string;
		priceCents: number;
	};
	event: Pick<EventRow, 'id' | 'slug' | 'name' | 'venue' | 'starts_at'>;
}

/** The user's booked seats across events, grouped by the caller; no embedding needed. */
export async function listMyBookings(
	supabase: Supabase,
	userId: string
): Promise<Result<MyBooking[]>> {
	const bookings = await supabase
		.from('bookings')
		.select('id, event_id, seat_id, created_at')
		.eq('user_id', userId)
		.eq('status', 'booked')
		.order('id', { ascending: true });
	if (bookings.error) return fail(bookings.error, bookings.status);
	const rows: Pick<BookingRow, 'id' | 'event_id' | 'seat_id' | 'created_at'>[] = bookings.data;
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
