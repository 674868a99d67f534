import { describe, expect, it } from 'vitest';
import { bestAvailableFailure, bookingFailure, confirmFailure } from './outcomes.ts';

describe('bookingFailure', () => {
	it('explains a lost race, for a booking and for a hold', () => {
		expect(bookingFailure({ code: '23505', message: 'duplicate key' }, 8).kind).toBe('taken');
		expect(bookingFailure({ code: '23505', message: 'duplicate key' }, 8, 'hold').message).toBe(
			'Someone else took one of these seats first. Nothing was held.'
		);
	});

	it('uses the database limit message when it has one', () => {
		const failure = bookingFailure(
			{ code: '23514', message: 'You can hold at most 8 seats for this event.' },
			8,
			'hold'
		);
		expect(failure).toEqual({
			kind: 'limit',
			message: 'You can hold at most 8 seats for this event.'
		});
		expect(
			bookingFailure({ code: '23514', message: 'new row violates check constraint "x"' }, 4).message
		).toBe('You can book at most 4 seats for this event.');
	});

	it('tells a network failure from a refusal', () => {
		expect(bookingFailure({ code: '', message: 'TypeError: fetch failed' }, 4, 'hold')).toEqual({
			kind: 'network',
			message: 'Could not reach the server. Nothing was held.'
		});
		expect(bookingFailure({ code: '42501', message: 'denied' }, 4, 'hold').message).toBe(
			'Your session has ended. Log in again to hold seats.'
		);
	});
});

describe('confirmFailure', () => {
	it("gives the database's words when it refuses a hold, and says nothing was booked", () => {
		expect(
			confirmFailure({
				code: '23514',
				message: 'Your hold on Stalls · Row A · Seat 3 has expired.',
				status: 400
			})
		).toBe('Your hold on Stalls · Row A · Seat 3 has expired. Nothing was booked.');
		expect(confirmFailure({ code: '42501', message: 'You can only book your own holds.' })).toBe(
			'You can only book your own holds. Nothing was booked.'
		);
	});

	it('says so when the session ended or the server is out of reach', () => {
		expect(confirmFailure({ code: 'PGRST301', message: 'JWT expired', status: 401 })).toBe(
			'Your session has ended. Log in again to book seats.'
		);
		expect(confirmFailure({ code: '', message: 'Failed to fetch', status: 0 })).toBe(
			'Could not reach the server. Nothing was booked.'
		);
	});
});

describe('bestAvailableFailure', () => {
	it("passes on the database's words", () => {
		const none = 'No 4 adjacent seats are free in category "floor".';
		expect(bestAvailableFailure({ code: 'PT409', message: none, status: 409 }, 4)).toBe(none);
		expect(bestAvailableFailure({ code: '22023', message: 'Ask for 1 to 4 seats.' }, 4)).toBe(
			'Ask for 1 to 4 seats.'
		);
		expect(
			bestAvailableFailure(
				{ code: '23514', message: 'You can hold at most 4 seats for this event.' },
				4
			)
		).toBe('You can hold at most 4 seats for this event.');
	});
});
