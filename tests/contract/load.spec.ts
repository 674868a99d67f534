import type { SupabaseClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { checkLedger, type BookingRow, type Op, type User } from './load.ts';

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
		expect(
			checkLedger([row(12, 3, bob), row(13, 4, bob)], ops, { strictPhases: ['term'] })
		).toEqual(['booking of 3,4 stored but never answered (phase term)']);
	});

	it('tells which phase stored a row by the rows read between phases', () => {
		// Before the kill, bob's booking of seat 11 committed without an answer; after the restart,
		// bob asks for 8 and 11 and gets no answer either (the server was shutting down).
		const ops = [book(bob, [11], 0, [], 'kill'), book(bob, [8, 11], 0, [], 'term')];
		const afterKill = [row(190, 11, bob)];
		const strict = { strictPhases: ['term'] };
		// Matched by user and seats alone, the term request would seem to have stored half of itself.
		expect(checkLedger(afterKill, ops, strict)).toEqual([
			'unanswered booking of 8,11 stored in part',
			'booking of 8,11 stored but never answered (phase term)',
			expect.stringContaining('rows nobody asked for')
		]);
		const earlier = { rows: afterKill, phases: ['kill'] };
		expect(checkLedger(afterKill, ops, { ...strict, earlier })).toEqual([]);
		// A row first seen after the term phase is still that phase's, and still refused.
		expect(checkLedger([...afterKill, row(191, 8, bob)], ops, { ...strict, earlier })).toEqual([
			'unanswered booking of 8,11 stored in part',
			'booking of 8,11 stored but never answered (phase term)'
		]);
		// And a kill-phase request cannot explain a row that appeared only later.
		const late = [book(bob, [5], 0, [], 'kill')];
		expect(
			checkLedger([row(192, 5, bob)], late, { earlier: { rows: [], phases: ['kill'] } })
		).toEqual([expect.stringContaining('rows nobody asked for')]);
	});
});
