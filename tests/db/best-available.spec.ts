/**
 * best_available(event, category, count): adjacent seats in one row, nearest the focal point,
 * avoiding single orphan seats, held atomically for the caller.
 */
import { describe } from 'vitest';
import type { Db } from '../../backend/src/db/types.ts';
import {
	ANON,
	ENGINES,
	createEvent,
	createUsers,
	dbTest,
	outcome,
	race,
	request
} from './helpers.ts';

const bestAvailable = `select * from best_available($1, $2, $3) order by seat_id`;

interface Seat {
	id: number;
	section: string;
	row_label: string;
	number: number;
	x: number;
	y: number;
	category: string;
}

async function seatsOf(db: Db, eventId: number): Promise<Map<number, Seat>> {
	const { rows } = await db.query<Seat>(
		`select id, section, row_label, number, x, y, category from seats where event_id = $1`,
		[eventId]
	);
	return new Map(rows.map((s) => [s.id, s]));
}

/** Same section and row, consecutive numbers. */
function isBlock(seats: Seat[]): boolean {
	const sorted = [...seats].sort((a, b) => a.number - b.number);
	return sorted.every(
		(s, i) =>
			i === 0 ||
			(s.section === sorted[0].section &&
				s.row_label === sorted[0].row_label &&
				s.number === sorted[i - 1].number + 1)
	);
}

function distance(seats: Seat[], focal: { x: number; y: number }) {
	const sorted = [...seats].sort((a, b) => a.number - b.number);
	const [first, last] = [sorted[0], sorted.at(-1)!];
	return Math.hypot((first.x + last.x) / 2 - focal.x, (first.y + last.y) / 2 - focal.y);
}

describe.each(ENGINES)('best available on %s (seeded)', { timeout: 120_000 }, (engine) => {
	const it = dbTest(engine, { seed: true });

	it('holds adjacent seats nearest the focal point, and 50 concurrent callers never share a seat', async ({
		db,
		url,
		expect
	}) => {
		const { rows: events } = await db.query<{ id: number }>(
			`select id from events where slug = 'stadium-finale'`
		);
		const eventId = events[0].id;
		const seats = await seatsOf(db, eventId);
		const users = await createUsers(db, 51);

		// Alone: the best block. The default focal point is the top centre of all seats.
		const all = [...seats.values()];
		const focal = {
			x: (Math.min(...all.map((s) => s.x)) + Math.max(...all.map((s) => s.x))) / 2,
			y: Math.min(...all.map((s) => s.y))
		};
		const first = await request<{ seat_id: number; status: string; expires_at: Date }>(
			db,
			users[0],
			bestAvailable,
			[eventId, 'lower', 4]
		);
		const chosen = first.rows.map((r) => seats.get(r.seat_id)!);
		expect(first.rows.every((r) => r.status === 'held' && r.expires_at instanceof Date)).toBe(true);
		expect(chosen.every((s) => s.category === 'lower')).toBe(true);
		expect(isBlock(chosen)).toBe(true);
		// No block of 4 lower seats in a row is nearer (all were free).
		const lower = all.filter((s) => s.category === 'lower');
		const byNumber = new Map(lower.map((s) => [`${s.section}/${s.row_label}/${s.number}`, s]));
		let best = Infinity;
		for (const s of lower) {
			const block = [0, 1, 2, 3].map((k) =>
				byNumber.get(`${s.section}/${s.row_label}/${s.number + k}`)
			);
			if (block.every(Boolean)) best = Math.min(best, distance(block as Seat[], focal));
		}
		expect(distance(chosen, focal)).toBeCloseTo(best, 5);

		// 50 callers at once: all served, each with a block of its own.
		const results = await race(
			db,
			url,
			users
				.slice(1)
				.map((caller) => ({ caller, sql: bestAvailable, params: [eventId, 'lower', 4] }))
		);
		expect(results).toEqual(Array(50).fill('ok'));
		const { rows } = await db.query<{ user_id: string; seat_ids: number[] }>(
			`select user_id, array_agg(seat_id order by seat_id) as seat_ids from bookings
			 where event_id = $1 and status = 'held' group by user_id`,
			[eventId]
		);
		expect(rows).toHaveLength(51);
		const seatIds = rows.flatMap((r) => r.seat_ids);
		expect(new Set(seatIds).size).toBe(51 * 4);
		for (const r of rows) {
			const block = r.seat_ids.map((id) => seats.get(id)!);
			expect(block).toHaveLength(4);
			expect(isBlock(block)).toBe(true);
			expect(block.every((s) => s.category === 'lower')).toBe(true);
		}
	});
});

describe.each(ENGINES)('best available on %s', { timeout: 60_000 }, (engine) => {
	const it = dbTest(engine);

	it('avoids leaving a single orphan seat when a slightly farther block leaves none', async ({
		db,
		expect
	}) => {
		const [ann, bob] = await createUsers(db, 2);
		// One row of 6 seats at x = 0 … 5; the stage is nearest seats 2 and 3.
		const event = await createEvent(db, { seats: 6 });
		await db.query('update events set focal_x = 1.4, focal_y = 0 where id = $1', [event.id]);
		const { rows } = await request<{ seat_id: number }>(db, ann, bestAvailable, [
			event.id,
			'standard',
			2
		]);
		// Seats 2+3 are nearest but would strand seat 1; seats 1+2 are next.
		expect(rows.map((r) => r.seat_id)).toEqual(event.seatIds.slice(0, 2));

		// With seats 1-2 held, 3 seats from 3-6: 3+4+5 strands 6, 4+5+6 strands 3 → 3+4+5 is
		// nearer but both strand one; the nearer wins.
		const next = await request<{ seat_id: number }>(db, bob, bestAvailable, [
			event.id,
			'standard',
			3
		]);
		expect(next.rows.map((r) => r.seat_id)).toEqual(event.seatIds.slice(2, 5));
	});

	it('prefers the default focal point, the top centre of the seats', async ({ db, expect }) => {
		const [ann] = await createUsers(db, 1);
		const event = await createEvent(db, { rows: 3, seats: 9 }); // x 0 … 8, rows at y 0, 1, 2
		const { rows } = await request<{ seat_id: number }>(db, ann, bestAvailable, [
			event.id,
			'standard',
			3
		]);
		// Row A (y 0), seats 4-6 (centre x 4); they leave 3 free on each side.
		expect(rows.map((r) => r.seat_id)).toEqual(event.seatIds.slice(3, 6));
	});

	it('refuses clearly: unknown category, bad count, no block free, not signed in', async ({
		db,
		expect
	}) => {
		const [ann, bob] = await createUsers(db, 2);
		const event = await createEvent(db, { seats: 5, maxSeatsPerUser: 4 });
		const call = (caller: typeof ann | typeof ANON, category: string, count: number) =>
			request(db, caller, bestAvailable, [event.id, category, count]).catch((e: unknown) => e);

		expect(await call(ann, 'vip', 2)).toMatchObject({
			code: '22023',
			message: 'This event has no seats in category "vip".'
		});
		expect(await call(ann, 'standard', 0)).toMatchObject({
			code: '22023',
			message: 'Ask for 1 to 4 seats.'
		});
		expect(await call(ann, 'standard', 5)).toMatchObject({ code: '22023' });
		expect(await call(ANON, 'standard', 2)).toMatchObject({ code: '42501' });

		await request(db, bob, `insert into bookings (event_id, seat_id) values ($1, $2)`, [
			event.id,
			event.seatIds[2]
		]);
		expect(await call(ann, 'standard', 3)).toMatchObject({
			code: 'PT409',
			message: 'No 3 adjacent seats are free in category "standard".'
		});
		expect(await outcome(request(db, ann, bestAvailable, [event.id, 'standard', 2]))).toBe('ok');
		expect(
			(await db.query(`select count(*)::int as n from bookings where user_id = $1`, [ann.id])).rows
		).toEqual([{ n: 2 }]);
	});

	it('the per-user limit applies to best_available too', async ({ db, expect }) => {
		const [ann] = await createUsers(db, 1);
		const event = await createEvent(db, { seats: 10, maxSeatsPerUser: 4 });
		await request(db, ann, bestAvailable, [event.id, 'standard', 3]);
		expect(await outcome(request(db, ann, bestAvailable, [event.id, 'standard', 2]))).toBe('23514');
	});
});
