import type { SupabaseClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { checkLedger, type BookingRow, type Op, type User } from './testing-load.ts';

/**
 * The fault test's judge on made-up ledgers: a crash rarely lands between a commit and its answer,
 * so the rules for that case are checked here, where each one is certain to be exercised.
 */
const ann: User = { id: 'ann', client: {} as SupabaseClient, booked: new Map() };
const bob: User = { id: 'bob', client: {} as SupabaseClient, booked: new Map() };

function book(user: User, seats: number[], status: number, ids: number[] = [], phase = 'kill'): Op {
	return {
		phase,
		kind: 'book',
		user,
		seats,
		bookingIds: [],
		status,
		rows: ids.map((id, i) => ({ id, seat_id: seats[i], user_id: user.id, status: 'booked' })),
		sentAt: 0,
		answeredAt: 0
	};
}

function release(user: User, id: number, seat: number, status: number): Op {
	return {
		phase: 'kill',
		kind: 'release',
		user,
		seats: [seat],
		bookingIds: [id],
		status,
		rows: status === 200 ? [{ id, seat_id: seat, user_id: user.id, status: 'released' }] : [],
		sentAt: 0,
		answeredAt: 0
	};
}

const row = (id: number, seat: number, user: User, status = 'booked'): BookingRow => ({
	id,
	seat_id: seat,
	user_id: user.id,
	status,
	released_at: status === 'released' ? '2026-01-01' : null
});

describe('checkLedger', () => {
	it('accepts a consistent ledger, including a whole booking that got no answer', () => {
		const ops = [
			book(ann, [1, 2], 201, [10, 11]),
			book(bob, [2], 409),
			release(ann, 10, 1, 200),
			book(bob, [3, 4], 0)
		];
		const rows = [row(10, 1, ann, 'released'), row(11, 2, ann), row(12, 3, bob), row(13, 4, bob)];
		expect(checkLedger(rows, ops)).toEqual([]);
		expect(checkLedger(rows.slice(0, 2), ops)).toEqual([]);
	});

	it('finds lost bookings and releases, double bookings and rows from nowhere', () => {
		const ops = [book(ann, [1, 2], 201, [10, 11]), release(ann, 10, 1, 200), book(bob, [5], 409)];
		expect(checkLedger([row(10, 1, ann), row(12, 2, bob), row(13, 5, bob)], ops)).toEqual([
			'acknowledged booking 11 (seat 2) is lost',
			'acknowledged release of 10 is lost: {"id":10,"seat_id":1,"user_id":"ann","status":"booked","released_at":null}',
			'rows nobody asked for: [{"id":12,"seat_id":2,"user_id":"bob","status":"booked","released_at":null},{"id":13,"seat_id":5,"user_id":"bob","status":"booked","released_at":null}]'
		]);
		expect(
			checkLedger([row(10, 1, ann, 'released'), row(11, 2, ann), row(14, 2, bob)], ops)
		).toEqual(['seat 2 booked twice (11, 14)', expect.stringContaining('rows nobody asked for')]);
	});

	it('refuses half of an unanswered booking, and any of it after a graceful shutdown', () => {
		const ops = [book(bob, [3, 4], 0, [], 'term')];
		expect(checkLedger([row(12, 3, bob)], ops)).toEqual([
			'unanswered booking of 3,4 stored in part'
		]);
		expect(checkLedger([row(12, 3, bob), row(13, 4, bob)], ops, ['term'])).toEqual([
			'booking of 3,4 stored but never answered (phase term)'
		]);
	});
});
