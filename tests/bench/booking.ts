import type { Client } from './clients.ts';
import { nowMs } from './stats.ts';

export interface Attempt {
	ok: boolean;
	status: number;
	code?: string;
	ms: number;
	bookingId?: number;
}

/** One booking as the app makes it: one INSERT through PostgREST, returning the change columns. */
export async function book(client: Client, eventId: number, seatId: number): Promise<Attempt> {
	const start = nowMs();
	const { data, error, status } = await client
		.from('bookings')
		.insert([{ event_id: eventId, seat_id: seatId }])
		.select('id, seat_id, user_id, status');
	const ms = nowMs() - start;
	if (error) return { ok: false, status, code: error.code, ms };
	return { ok: true, status, ms, bookingId: (data as { id: number }[])[0]?.id };
}
