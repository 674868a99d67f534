/** The error fields the app reads from PostgREST/GoTrue failures (supabase-js `error`). */
export interface ApiError {
	code: string;
	message: string;
	status?: number;
}

export type BookingFailure =
	| { kind: 'taken'; message: string }
	| { kind: 'limit'; message: string }
	| { kind: 'gone'; message: string }
	| { kind: 'auth'; message: string }
	| { kind: 'network'; message: string }
	| { kind: 'other'; message: string };

/** Turns a failed booking insert into what the person needs to hear. */
export function bookingFailure(error: ApiError, maxSeats: number): BookingFailure {
	switch (error.code) {
		case '23505':
			return {
				kind: 'taken',
				message: 'Someone else booked one of these seats first. Nothing was booked.'
			};
		case '23514':
			return {
				kind: 'limit',
				message: limitMessage(error.message, maxSeats)
			};
		case '23503':
			return { kind: 'gone', message: 'One of these seats no longer exists. Nothing was booked.' };
		case '42501':
		case 'PGRST301':
		case 'PGRST303':
			return { kind: 'auth', message: 'Your session has ended. Log in again to book.' };
		default:
			if (!error.code || error.status === 0 || /fetch|network/i.test(error.message))
				return { kind: 'network', message: 'Could not reach the server. Nothing was booked.' };
			return { kind: 'other', message: `Booking failed: ${error.message}` };
	}
}

/** The database's message when it names the limit; otherwise ours. */
function limitMessage(dbMessage: string, maxSeats: number): string {
	if (
		/limit|at most|maximum|more than/i.test(dbMessage) &&
		!/violates check constraint/i.test(dbMessage)
	)
		return dbMessage;
	return `You can book at most ${maxSeats} seats for this event.`;
}

export function releaseFailure(error: ApiError): string {
	if (error.code === '42501') return 'Your session has ended. Log in again to release seats.';
	return `Could not release: ${error.message}`;
}
