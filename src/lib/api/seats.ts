import * as v from 'valibot';
import { SeatLayout } from '../domain/seat-layout.ts';
import { BookingSnapshot } from '../domain/seat-state.ts';
import type { Supabase } from './client.ts';
import { fail, ok, type Result } from './result.ts';

/** All seats of an event in one JSON value, so hosted Supabase's 1,000-row cap does not apply. */
export async function fetchSeatLayout(
	supabase: Supabase,
	eventId: number
): Promise<Result<SeatLayout>> {
	const { data, error, status } = await supabase.rpc('seat_map', { p_event_id: eventId });
	if (error) return fail(error, status);
	try {
		return ok(SeatLayout.parse(data));
	} catch (e) {
		return fail({ code: 'invalid_seat_map', message: messageOf(e) });
	}
}

export async function fetchSeatBookings(
	supabase: Supabase,
	eventId: number
): Promise<Result<BookingSnapshot>> {
	const { data, error, status } = await supabase.rpc('seat_bookings', { p_event_id: eventId });
	if (error) return fail(error, status);
	const parsed = v.safeParse(BookingSnapshot, data);
	return parsed.success
		? ok(parsed.output)
		: fail({ code: 'invalid_seat_bookings', message: parsed.issues[0].message });
}

/** The database's clock, for pages that show holds without an event snapshot (My bookings). */
export async function fetchServerTime(supabase: Supabase): Promise<Result<string>> {
	const { data, error, status } = await supabase.rpc('server_time');
	if (error) return fail(error, status);
	return typeof data === 'string'
		? ok(data)
		: fail({ code: 'invalid_server_time', message: 'The server sent no time' });
}

function messageOf(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}
