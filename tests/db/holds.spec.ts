/**
 * Holds where the SQL tests cannot follow them (their static rules are in
 * supabase/tests/database/07_holds.test.sql): a hold lapsing by the database's clock while time
 * passes, and holders, grabbers and one greedy user racing on real connections.
 */
import { describe } from 'vitest';
import type { Db } from '../../backend/src/db/types.ts';
import { asCaller, request } from '../../backend/test-support/callers.ts';
import { ENGINES, createEvent, createUsers, dbTest, outcome, race } from './helpers.ts';

const hold = `insert into bookings (event_id, seat_id, status) values ($1, $2, 'held') returning *`;
const book = `insert into bookings (event_id, seat_id) values ($1, $2) returning *`;
const confirm = `update bookings set status = 'booked' where id = any($1::bigint[]) returning *`;

interface Booking {
	id: number;
	seat_id: number;
	user_id: string;
	status: string;
	expires_at: Date | null;
	released_at: Date | null;
}

/** A hold of `userId`'s that lapsed a second ago, inserted as the owner (who may set expires_at). */
async function lapsedHold(db: Db, userId: string, eventId: number, seatId: number) {
	const { rows } = await db.query<Booking>(
		`insert into bookings (event_id, seat_id, user_id, status, expires_at)
		 values ($1, $2, $3, 'held', now() - interval '1 second') returning *`,
		[eventId, seatId, userId]
	);
	return rows[0];
}

async function setEvent(db: Db, eventId: number, set: string) {
	await db.query(`update events set ${set} where id = $1`, [eventId]);
}

describe.each(ENGINES)('holds on %s', { timeout: 60_000 }, (engine) => {
	const it = dbTest(engine);

	it('a held seat becomes free to others exactly when it expires, by the database’s clock', async ({
		db,
		expect
	}) => {
		const [ann, bob] = await createUsers(db, 2);
		const event = await createEvent(db);
		await setEvent(db, event.id, 'hold_minutes = 0.04'); // 2.4 s
		const held = (await request<Booking>(db, ann, hold, [event.id, event.seatIds[0]])).rows[0];

		// Each attempt asks the database whether the hold has lapsed, in the attempt's transaction.
		const attempts: { lapsed: boolean; result: string }[] = [];
		const deadline = Date.now() + 15_000;
		while (attempts.at(-1)?.result !== 'ok' && Date.now() < deadline) {
			attempts.push(
				await asCaller(db, bob, async (tx) => {
					const { rows } = await tx.query<{ lapsed: boolean }>(
						'select now() >= expires_at as lapsed from bookings where id = $1',
						[held.id]
					);
					await tx.query('savepoint attempt');
					const result = await outcome(tx.query(hold, [event.id, event.seatIds[0]]));
					if (result !== 'ok') await tx.query('rollback to savepoint attempt');
					return { lapsed: rows[0].lapsed, result };
				})
			);
			if (attempts.at(-1)?.result !== 'ok') await new Promise((r) => setTimeout(r, 100));
		}
		expect(attempts[0]).toEqual({ lapsed: false, result: '23505' });
		expect(attempts.at(-1)).toEqual({ lapsed: true, result: 'ok' });
		for (const a of attempts) expect(a.result).toBe(a.lapsed ? 'ok' : '23505');
	});
});

describe.each(ENGINES)('holds under concurrency on %s', { timeout: 90_000 }, (engine) => {
	const it = dbTest(engine);

	it('holders confirming while others grab: active holds get booked, lapsed ones go to one grabber', async ({
		db,
		url,
		expect
	}) => {
		const users = await createUsers(db, 120);
		const [holders, grabbers] = [users.slice(0, 20), users.slice(20)];
		const event = await createEvent(db, { seats: 20 });
		const holdIds: number[] = [];
		for (const [i, holder] of holders.entries()) {
			const seat = event.seatIds[i];
			holdIds.push(
				i < 10
					? (await request<Booking>(db, holder, hold, [event.id, seat])).rows[0].id
					: (await lapsedHold(db, holder.id, event.id, seat)).id
			);
		}
		const results = await race(db, url, [
			...holders.map((caller, i) => ({ caller, sql: confirm, params: [[holdIds[i]]] })),
			...grabbers.map((caller, i) => ({
				caller,
				sql: i % 2 ? hold : book,
				params: [event.id, event.seatIds[i % 20]]
			}))
		]);
		const [confirms, grabs] = [results.slice(0, 20), results.slice(20)];
		expect(confirms).toEqual([...Array(10).fill('ok'), ...Array(10).fill('23514')]);
		for (let seat = 0; seat < 20; seat++) {
			const onSeat = grabs.filter((_, i) => i % 20 === seat);
			expect(onSeat.filter((r) => r === 'ok')).toHaveLength(seat < 10 ? 0 : 1);
			expect(onSeat.filter((r) => r !== 'ok').every((r) => r === '23505')).toBe(true);
		}
		const current = await db.query<{ seat_id: number; n: number; booked_by_holder: boolean }>(
			`select seat_id, count(*)::int as n,
			        bool_or(status = 'booked' and user_id = any($2::uuid[])) as booked_by_holder
			 from bookings where status in ('booked', 'held') and seat_id = any($1::bigint[])
			 group by seat_id order by seat_id`,
			[event.seatIds, holders.map((h) => h.id)]
		);
		expect(current.rows).toEqual(
			event.seatIds.map((seat_id, i) => ({ seat_id, n: 1, booked_by_holder: i < 10 }))
		);
	});

	it('one user holding 3× their limit at once never ends above max_seats_per_user', async ({
		db,
		url,
		expect
	}) => {
		const [user] = await createUsers(db, 1);
		const event = await createEvent(db, { seats: 30, maxSeatsPerUser: 4 });
		const results = await race(
			db,
			url,
			event.seatIds.slice(0, 12).map((seat, i) => ({
				caller: user,
				sql: i % 3 ? hold : book,
				params: [event.id, seat]
			}))
		);
		expect(results.every((r) => r === 'ok' || r === '23514')).toBe(true);
		const current = await db.query<{ n: number }>(
			`select count(*)::int as n from bookings where user_id = $1 and status in ('booked', 'held')`,
			[user.id]
		);
		expect(current.rows[0].n).toBe(4);
	});
});
