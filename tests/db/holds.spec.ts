/**
 * Holds (issue 6): a `held` booking lasts until `expires_at` (server time + the event's hold
 * length), its owner confirms or releases it, and a lapsed hold is free to anyone without a timer.
 * Clocks are the database's: a test either shortens the event's hold length and asks the database
 * whether it has lapsed, or inserts a hold that lapsed already (as the owner).
 */
import { describe } from 'vitest';
import type { Db } from '../../backend/src/db/types.ts';
import {
	ANON,
	ENGINES,
	allBookings,
	asCaller,
	createEvent,
	createUser,
	createUsers,
	dbTest,
	outcome,
	race,
	request
} from './helpers.ts';

const hold = `insert into bookings (event_id, seat_id, status) values ($1, $2, 'held') returning *`;
const holdMany = `insert into bookings (event_id, seat_id, status)
	select $1, unnest($2::bigint[]), 'held' returning *`;
const book = `insert into bookings (event_id, seat_id) values ($1, $2) returning *`;
const confirm = `update bookings set status = 'booked' where id = any($1::bigint[]) returning *`;
const release = `update bookings set status = 'released' where id = any($1::bigint[]) returning *`;

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

	it('holds a seat for the event’s hold length by the server’s clock, and nobody else can take it', async ({
		db,
		expect
	}) => {
		const [ann, bob] = await createUsers(db, 2);
		const event = await createEvent(db);
		await setEvent(db, event.id, 'hold_minutes = 15');
		const { rows } = await request<Booking>(db, ann, hold, [event.id, event.seatIds[0]]);
		expect(rows[0]).toMatchObject({ user_id: ann.id, status: 'held', released_at: null });
		const length = await db.query(
			`select expires_at - created_at = interval '15 minutes' as ok from bookings where id = $1`,
			[rows[0].id]
		);
		expect(length.rows).toEqual([{ ok: true }]);

		expect(await outcome(request(db, bob, hold, [event.id, event.seatIds[0]]))).toBe('23505');
		expect(await outcome(request(db, bob, book, [event.id, event.seatIds[0]]))).toBe('23505');
		// Straight booking of a free seat still works.
		expect(await outcome(request(db, bob, book, [event.id, event.seatIds[1]]))).toBe('ok');
	});

	it('seat_bookings shows active holds with status and expires_at, not lapsed ones', async ({
		db,
		expect
	}) => {
		const [ann, bob] = await createUsers(db, 2);
		const event = await createEvent(db, { seats: 4 });
		const [s1, s2, s3] = event.seatIds;
		const held = (await request<Booking>(db, ann, hold, [event.id, s2])).rows[0];
		const booked = (await request<Booking>(db, bob, book, [event.id, s1])).rows[0];
		await lapsedHold(db, bob.id, event.id, s3);

		const { rows } = await request(db, ANON, `select seat_bookings($1) as b`, [event.id]);
		expect(rows[0].b).toEqual({
			booking_id: [booked.id, held.id],
			seat_id: [s1, s2],
			user_id: [bob.id, ann.id],
			status: ['booked', 'held'],
			expires_at: [null, expect.any(String)],
			server_time: expect.any(String)
		});
		const b = rows[0].b as { expires_at: string[]; server_time: string };
		expect(new Date(b.expires_at[1]).getTime()).toBe(held.expires_at!.getTime());
		expect(new Date(b.server_time) < new Date(b.expires_at[1])).toBe(true);
	});

	it('confirms and releases holds: owner only, all or nothing, lapsed holds cannot be confirmed', async ({
		db,
		expect
	}) => {
		const [ann, bob] = await createUsers(db, 2);
		const event = await createEvent(db);
		const holds = (await request<Booking>(db, ann, holdMany, [event.id, event.seatIds.slice(0, 3)]))
			.rows;
		const ids = holds.map((h) => h.id);
		const lapsed = await lapsedHold(db, ann.id, event.id, event.seatIds[3]);

		let before = await allBookings(db);
		expect(await outcome(request(db, bob, confirm, [ids]))).toBe('42501');
		expect(await outcome(request(db, bob, release, [ids]))).toBe('42501');
		expect(await outcome(request(db, ANON, confirm, [ids]))).toBe('42501');
		const expired = await request(db, ann, confirm, [[ids[0], lapsed.id]]).catch((e: unknown) => e);
		expect(expired).toMatchObject({
			code: '23514',
			constraint: 'bookings_hold_expired',
			message: 'Your hold on this seat has expired.'
		});
		expect(await allBookings(db)).toEqual(before);

		const confirmed = await request<Booking>(db, ann, confirm, [ids.slice(0, 2)]);
		expect(confirmed.rows.map((r) => [r.status, r.expires_at])).toEqual([
			['booked', null],
			['booked', null]
		]);
		const released = await request<Booking>(db, ann, release, [[ids[1], ids[2]]]);
		expect(released.rows.map((r) => r.status)).toEqual(['released', 'released']);
		expect(released.rows.every((r) => r.released_at instanceof Date)).toBe(true);

		before = await allBookings(db);
		const held = `update bookings set status = 'held' where id = $1`;
		expect(await outcome(request(db, ann, held, [ids[0]]))).toBe('23514'); // booked → held
		expect(await outcome(request(db, ann, confirm, [[ids[2]]]))).toBe('23514'); // released → booked
		expect(
			await outcome(
				request(db, ann, `update bookings set status = 'expired' where id = $1`, [ids[0]])
			)
		).toBe('23514');
		expect(await allBookings(db)).toEqual(before);
	});

	it('a lapsed hold is free to the next caller, who ends it as expired', async ({ db, expect }) => {
		const [ann, bob, cid] = await createUsers(db, 3);
		const event = await createEvent(db);
		const lapsed = await lapsedHold(db, ann.id, event.id, event.seatIds[0]);
		const taken = await request<Booking>(db, bob, book, [event.id, event.seatIds[0]]);
		expect(taken.rows[0]).toMatchObject({ user_id: bob.id, status: 'booked' });
		const { rows } = await db.query(
			`select status, released_at = expires_at as at_expiry from bookings where id = $1`,
			[lapsed.id]
		);
		expect(rows).toEqual([{ status: 'expired', at_expiry: true }]);
		expect(await outcome(request(db, ann, confirm, [[lapsed.id]]))).toBe('23514');

		// Holding over a lapsed hold works the same; the clean-up marks whatever lapsed meanwhile.
		await lapsedHold(db, ann.id, event.id, event.seatIds[1]);
		await lapsedHold(db, ann.id, event.id, event.seatIds[2]);
		expect(await outcome(request(db, cid, hold, [event.id, event.seatIds[1]]))).toBe('ok');
		expect((await db.query('select private.expire_holds() as n')).rows).toEqual([{ n: 1 }]);
		expect(await outcome(request(db, cid, `select private.expire_holds()`))).toBe('42501');
	});

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

	it('the per-user limit counts active holds, not lapsed ones', async ({ db, expect }) => {
		const user = await createUser(db);
		const event = await createEvent(db, { maxSeatsPerUser: 3 });
		const [s1, s2, s3, s4, s5] = event.seatIds;
		await lapsedHold(db, user.id, event.id, s5);
		await request(db, user, holdMany, [event.id, [s1, s2]]);
		await request(db, user, book, [event.id, s3]);
		const error = await request(db, user, hold, [event.id, s4]).catch((e: unknown) => e);
		expect(error).toMatchObject({
			code: '23514',
			constraint: 'bookings_max_seats_per_user',
			message: 'You can hold at most 3 seats for this event.'
		});
		expect(await outcome(request(db, user, book, [event.id, s4]))).toBe('23514');
		// Confirming a hold does not count twice; releasing one makes room.
		const held = await db.query<{ id: number }>(
			`select id from bookings where status = 'held' and expires_at > now() order by id`
		);
		await request(db, user, confirm, [held.rows.map((r) => r.id)]);
		await request(db, user, release, [[held.rows[0].id]]);
		expect(await outcome(request(db, user, hold, [event.id, s4]))).toBe('ok');
	});

	it('clients may insert only booked or held rows', async ({ db, expect }) => {
		const user = await createUser(db);
		const event = await createEvent(db);
		const insert = `insert into bookings (event_id, seat_id, status) values ($1, $2, $3)`;
		for (const status of ['released', 'expired']) {
			expect(await outcome(request(db, user, insert, [event.id, event.seatIds[0], status]))).toBe(
				'42501'
			);
		}
		expect(await allBookings(db)).toEqual([]);
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
