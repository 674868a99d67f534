import { plural } from './format.ts';

/**
 * What the person is told after an action, on every page: what happened, and for a refusal why,
 * in words. One outcome type for the event page and My bookings; every sentence is here.
 */
export interface Outcome {
	kind: 'success' | 'error' | 'info';
	message: string;
	/** Say it with a link to log in. */
	login?: boolean;
}

export const success = (message: string): Outcome => ({ kind: 'success', message });
export const failed = (message: string): Outcome => ({ kind: 'error', message });
export const info = (message: string): Outcome => ({ kind: 'info', message });

/** Why a seat of someone else cannot be had, or what to do first. */
export const say = {
	seatTaken: info('That seat is taken.'),
	seatHeld: info('Someone else is holding that seat. It frees up if they do not book it in time.'),
	logInToHold: { kind: 'info', message: 'Log in to hold seats.', login: true } satisfies Outcome,
	pickFreeSeats: info('Pick free seats first.'),
	selectSeatsFirst: info('Select your seats first.'),
	mapLoading: info('The seat map is still loading.')
} as const;

/** "A-1-1, A-1-2": seats named as the event page lists them. */
export type SeatNames = string;

export function holding(seats: SeatNames): Outcome {
	return success(`Holding ${seats}.`);
}

export function released(count: number, seats: SeatNames): Outcome {
	return success(`Released ${plural(count, 'seat')}: ${seats}.`);
}

/** A hold lost a race: `lost` are the seats someone else has now (none known: the database's words). */
export function lostRace(lost: SeatNames | null, asked: number, fallback: string): Outcome {
	if (!lost) return failed(fallback);
	return failed(`Someone else just took ${lost}.${asked > 1 ? ' Nothing was held.' : ''}`);
}

/** Holding lapsed holds again: ` X was taken meanwhile.` for those gone, or nothing. */
export function takenMeanwhile(gone: SeatNames, count: number): string {
	return count ? ` ${gone} ${count === 1 ? 'was' : 'were'} taken meanwhile.` : '';
}

export function heldAgain(seats: SeatNames, meanwhile: string): Outcome {
	return success(`Holding ${seats} again.${meanwhile}`);
}

export function nothingToHoldAgain(meanwhile: string): Outcome {
	return info(`Nothing to hold again.${meanwhile}`);
}

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

/** Turns a failed booking or hold insert into what the person needs to hear. */
export function bookingFailure(
	error: ApiError,
	maxSeats: number,
	verb: 'book' | 'hold' = 'book'
): BookingFailure {
	const done = verb === 'book' ? 'booked' : 'held';
	switch (error.code) {
		case '23505':
			return {
				kind: 'taken',
				message: `Someone else took one of these seats first. Nothing was ${done}.`
			};
		case '23514':
			return {
				kind: 'limit',
				message: limitMessage(error.message, maxSeats)
			};
		case '23503':
			return { kind: 'gone', message: `One of these seats no longer exists. Nothing was ${done}.` };
		default:
			return common(error, verb, done);
	}
}

/**
 * Turns a refused order (confirm_order) into words. The database names the seat and why when a
 * hold is no longer the caller's to book (lapsed, released, already booked: 23514), when it is not
 * the caller's at all or nobody is signed in (42501), or when the request was wrong (22023); it
 * refuses the whole request, so nothing was booked.
 */
export function confirmFailure(error: ApiError): string {
	if (['23514', '42501', '22023'].includes(error.code))
		return `${error.message} Nothing was booked.`;
	return common(error, 'book', 'booked').message;
}

/** Best available: the database's own words say what was wrong (no block free, a bad count). */
export function bestAvailableFailure(error: ApiError, maxSeats: number): string {
	switch (error.code) {
		case 'PT409':
		case '22023':
			return error.message;
		case '23514':
			return limitMessage(error.message, maxSeats);
		default:
			return common(error, 'hold', 'held').message;
	}
}

function common(error: ApiError, verb: string, done: string): BookingFailure {
	switch (error.code) {
		case '42501':
		case 'PGRST301':
		case 'PGRST303':
			return { kind: 'auth', message: `Your session has ended. Log in again to ${verb} seats.` };
		default:
			if (!error.code || error.status === 0 || /fetch|network/i.test(error.message))
				return { kind: 'network', message: `Could not reach the server. Nothing was ${done}.` };
			return { kind: 'other', message: `Could not ${verb}: ${error.message}` };
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
