/**
 * Accessible seating where the SQL tests cannot follow it (its static rules are in
 * supabase/tests/database/11_accessible_seating.test.sql): best_available for a wheelchair space
 * with its companions on the seeded stadium, callers racing for one wheelchair space, the
 * companion rule racing the release of its wheelchair space, and a wheelchair hold that lapses.
 */
import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import type { Db } from '../../backend/src/db/types.ts';
import { asCaller, request } from '../../backend/test-support/callers.ts';
import { ENGINES, createUsers, dbTest, race } from './helpers.ts';

const bestWheelchair = `select * from best_available($1, $2, $3, p_wheelchair => true) order by seat_id`;
const hold = `insert into bookings (event_id, seat_id, status)
	select $1, unnest($2::bigint[]), 'held' returning *`;
const release = `update bookings set status = 'released'
	where id = any($1::bigint[]) and status in ('held', 'booked') returning *`;

interface Seat {
	id: number;
	section: string;
	row_label: string;
	number: number;
	x: number;
	y: number;
	accessibility: 'wheelchair' | 'companion' | null;
}

async function seatsOf(db: Db, eventId: number): Promise<Map<number, Seat>> {
	const { rows } = await db.query<Seat>(
		`select id, section, row_label, number, x, y, accessibility from seats where event_id = $1`,
		[eventId]
	);
	return new Map(rows.map((s) => [s.id, s]));
}

/** One section "Main" of `seats` seats in a row, with these wheelchair entries; seat ids by number. */
async function accessibleRow(db: Db, seats: number, wheelchair: unknown[], maxSeatsPerUser = 8) {
	const { rows } = await db.query<{ id: number }>(
		`select public.create_venue_event(
			slug => $1, name => 'Access', venue => 'Hall', starts_at => now() + interval '1 day',
			max_seats_per_user => $2,
			sections => jsonb_build_array(jsonb_build_object(
				'name', 'Main', 'rows', 1, 'seats', $3::int, 'price_cents', 1000, 'wheelchair', $4::jsonb))
		) as id`,
		[`access-${randomUUID().slice(0, 8)}`, maxSeatsPerUser, seats, JSON.stringify(wheelchair)]
	);
	const eventId = rows[0].id;
	const seatRows = await db.query<{ id: number; number: number }>(
		'select id, number from seats where event_id = $1',
		[eventId]
	);
	const seat = new Map(seatRows.rows.map((s) => [s.number, s.id]));
	return { eventId, seat: (n: number) => seat.get(n)! };
}

/** Each seat's current booking as `status user` (or `free`), by seat number. */
async function current(db: Db, eventId: number): Promise<Map<number, string>> {
	const { rows } = await db.query<{ number: number; state: string }>(
		`select s.number, coalesce(b.status || ' ' || b.user_id, 'free') as state
		 from seats s left join bookings b on b.seat_id = s.id
			and (b.status = 'booked' or (b.status = 'held' and b.expires_at > now()))
		 where s.event_id = $1`,
		[eventId]
	);
	return new Map(rows.map((r) => [r.number, r.state]));
}

describe.each(ENGINES)(
	'accessible best available on %s (seeded)',
	{ timeout: 180_000 },
	(engine) => {
		const it = dbTest(engine, { seed: true });

		it('seats 20 concurrent callers at the stadium’s 16 wheelchair spaces, each with its companion', async ({
			db,
			url,
			expect
		}) => {
			const { rows: events } = await db.query<{ id: number; focal_x: number; focal_y: number }>(
				`select id, focal_x, focal_y from events where slug = 'stadium-finale'`
			);
			const eventId = events[0].id;
			const seats = await seatsOf(db, eventId);
			const spaces = [...seats.values()].filter((s) => s.accessibility === 'wheelchair');
			expect(spaces).toHaveLength(16);
			const users = await createUsers(db, 21);

			// Alone: the space nearest the pitch's centre, with the companion beside it.
			const first = await request<{ seat_id: number; status: string }>(
				db,
				users[0],
				bestWheelchair,
				[eventId, 'stand', 2]
			);
			const chosen = first.rows.map((r) => seats.get(r.seat_id)!);
			expect(chosen.map((s) => s.accessibility).sort()).toEqual(['companion', 'wheelchair']);
			expect(first.rows.every((r) => r.status === 'held')).toBe(true);
			const focal = { x: events[0].focal_x, y: events[0].focal_y };
			const away = (s: Seat) => Math.hypot(s.x - focal.x, s.y - focal.y);
			const nearest = Math.min(...spaces.map(away));
			expect(away(chosen.find((s) => s.accessibility === 'wheelchair')!)).toBeLessThan(nearest + 1);

			// 20 at once for the 15 left: 15 served, 5 told plainly that none is free.
			const results = await race(
				db,
				url,
				users
					.slice(1)
					.map((caller) => ({ caller, sql: bestWheelchair, params: [eventId, 'stand', 2] }))
			);
			expect(results.filter((r) => r === 'ok')).toHaveLength(15);
			expect(results.filter((r) => r === 'PT409')).toHaveLength(5);

			const { rows } = await db.query<{ seat_ids: number[] }>(
				`select array_agg(seat_id order by seat_id) as seat_ids from bookings
			 where event_id = $1 and status = 'held' group by user_id`,
				[eventId]
			);
			expect(rows).toHaveLength(16);
			expect(new Set(rows.flatMap((r) => r.seat_ids)).size).toBe(32);
			for (const r of rows) {
				const [a, b] = r.seat_ids.map((id) => seats.get(id)!);
				expect([a.accessibility, b.accessibility].sort()).toEqual(['companion', 'wheelchair']);
				expect([a.section, a.row_label]).toEqual([b.section, b.row_label]);
				expect(Math.abs(a.number - b.number)).toBe(1);
			}
		});
	}
);

describe.each(ENGINES)('accessible seating races on %s', { timeout: 120_000 }, (engine) => {
	const it = dbTest(engine);

	it('many callers for one wheelchair space: exactly one gets it, by hold or by best_available', async ({
		db,
		url,
		expect
	}) => {
		// 1W 2C 3 4 5 6
		const byHold = await accessibleRow(db, 6, [{ row: 'A', seats: [1] }]);
		const byBest = await accessibleRow(db, 6, [{ row: 'A', seats: [1] }]);
		const users = await createUsers(db, 30);

		const holds = await race(
			db,
			url,
			users.map((caller) => ({
				caller,
				sql: hold,
				params: [byHold.eventId, [byHold.seat(1), byHold.seat(2)]]
			}))
		);
		expect(holds.filter((r) => r === 'ok')).toHaveLength(1);
		expect(new Set(holds.filter((r) => r !== 'ok'))).toEqual(new Set(['23505']));

		const best = await race(
			db,
			url,
			users.map((caller) => ({
				caller,
				sql: bestWheelchair,
				params: [byBest.eventId, 'standard', 2]
			}))
		);
		expect(best.filter((r) => r === 'ok')).toHaveLength(1);
		expect(new Set(best.filter((r) => r !== 'ok'))).toEqual(new Set(['PT409']));

		for (const { eventId } of [byHold, byBest]) {
			const state = await current(db, eventId);
			const winner = state.get(1)!;
			expect(winner).toMatch(/^held /);
			expect(state.get(2)).toBe(winner);
			expect([3, 4, 5, 6].map((n) => state.get(n))).toEqual(['free', 'free', 'free', 'free']);
		}
	});

	it('a companion hold racing the release of its wheelchair space is refused or released, never left alone', async ({
		db,
		url,
		expect
	}) => {
		// 1W 2C 3 4
		const { eventId, seat } = await accessibleRow(db, 4, [{ row: 'A', seats: [1] }]);
		const [ann] = await createUsers(db, 1);
		const outcomes = new Set<string>();
		for (let round = 0; round < 12; round++) {
			const space = await request<{ id: number }>(db, ann, hold, [eventId, [seat(1)]]);
			const results = await race(db, url, [
				{ caller: ann, sql: release, params: [[space.rows[0].id]] },
				{ caller: ann, sql: hold, params: [eventId, [seat(2)]] }
			]);
			outcomes.add(results.join(' '));
			const state = await current(db, eventId);
			expect(state.get(1)).toBe('free');
			// Whichever committed first, the companion seat is not left held without its space.
			expect(state.get(2)).toBe('free');
			expect(['ok 23514', 'ok ok']).toContain(results.join(' '));
		}
		// PGlite serializes the two, release first: the hold is refused every time.
		if (!url) expect(outcomes).toEqual(new Set(['ok 23514']));
	});

	it('confirming a companion seat while its wheelchair space is released: one of them wins whole', async ({
		db,
		url,
		expect
	}) => {
		const { eventId, seat } = await accessibleRow(db, 4, [{ row: 'A', seats: [1] }]);
		const [ann] = await createUsers(db, 1);
		for (let round = 0; round < 8; round++) {
			const held = await request<{ id: number; seat_id: number }>(db, ann, hold, [
				eventId,
				[seat(1), seat(2)]
			]);
			const ids = held.rows.map((r) => r.id);
			const space = held.rows.find((r) => r.seat_id === seat(1))!.id;
			const results = await race(db, url, [
				{ caller: ann, sql: release, params: [[space]] },
				{ caller: ann, sql: `select confirm_order($1::bigint[])`, params: [ids] }
			]);
			const state = await current(db, eventId);
			if (results[1] === 'ok') {
				// Booked together first, then the release took the space and its companion with it.
				expect(results[0]).toBe('ok');
			} else {
				// Released first: the confirmation found the space released and booked nothing.
				expect(results[1]).toBe('23514');
			}
			expect([state.get(1), state.get(2)]).toEqual(['free', 'free']);
			const { rows } = await db.query<{ active: number }>(
				`select count(*)::int as active from orders where event_id = $1 and status = 'active'`,
				[eventId]
			);
			expect(rows[0].active).toBe(0);
		}
	});

	it('a companion hold outliving its wheelchair space’s hold is released when someone takes the space over', async ({
		db,
		expect
	}) => {
		const { eventId, seat } = await accessibleRow(db, 4, [{ row: 'A', seats: [1] }]);
		const [ann, bob] = await createUsers(db, 2);
		// Ann's hold on the space lapses in a second and a half (as the owner, who may say when).
		await db.query(
			`insert into bookings (event_id, seat_id, user_id, status, expires_at)
			 values ($1, $2, $3, 'held', now() + interval '1.5 seconds')`,
			[eventId, seat(1), ann.id]
		);
		const companion = await request<{ id: number }>(db, ann, hold, [eventId, [seat(2)]]);
		expect(companion.rows).toHaveLength(1);

		// Wait, by the database's clock, for the space's hold to lapse.
		const deadline = Date.now() + 15_000;
		for (;;) {
			const { rows } = await db.query<{ lapsed: boolean }>(
				`select bool_and(expires_at <= now()) as lapsed from bookings where seat_id = $1`,
				[seat(1)]
			);
			if (rows[0].lapsed) break;
			expect(Date.now()).toBeLessThan(deadline);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		const taken = await asCaller(db, bob, (tx) => tx.query(hold, [eventId, [seat(1)]]));
		expect(taken.rows).toHaveLength(1);
		const { rows } = await db.query<{ status: string }>(
			'select status from bookings where id = $1',
			[companion.rows[0].id]
		);
		expect(rows[0].status).toBe('released');
		const state = await current(db, eventId);
		expect([state.get(1), state.get(2)]).toEqual([`held ${bob.id}`, 'free']);
	});
});
