import { describe, type ExpectStatic } from 'vitest';
import type { Db } from '../../backend/src/db/types.ts';
import {
	ANON,
	ENGINES,
	allBookings,
	createEvent,
	createUser,
	dbTest,
	outcome,
	request
} from './helpers.ts';

const book = `insert into bookings (event_id, seat_id) values ($1, $2) returning *`;

describe.each(ENGINES)('booking rules on %s', { timeout: 60_000 }, (engine) => {
	const it = dbTest(engine);

	it('books a seat for the caller, with the database’s own user id and timestamps', async ({
		db,
		expect
	}) => {
		const user = await createUser(db);
		const event = await createEvent(db);
		const { rows } = await request(db, user, book, [event.id, event.seatIds[0]]);
		expect(rows[0]).toMatchObject({
			event_id: event.id,
			seat_id: event.seatIds[0],
			user_id: user.id,
			status: 'booked',
			released_at: null
		});
		expect(rows[0].created_at).toBeInstanceOf(Date);
	});

	it('books several seats in one all-or-nothing request', async ({ db, expect }) => {
		const [ann, bob] = [await createUser(db), await createUser(db)];
		const event = await createEvent(db);
		await request(db, bob, book, [event.id, event.seatIds[2]]);
		const many = `insert into bookings (event_id, seat_id) select $1, unnest($2::bigint[])`;

		const taken = outcome(request(db, ann, many, [event.id, event.seatIds.slice(0, 3)]));
		expect(await taken).toBe('23505');
		expect(await allBookings(db)).toHaveLength(1);

		const { rowCount } = await request(db, ann, many, [event.id, event.seatIds.slice(0, 2)]);
		expect(rowCount).toBe(2);
	});

	it('lets anyone, signed in or not, read events, seats and bookings', async ({ db, expect }) => {
		const user = await createUser(db);
		const event = await createEvent(db, { seats: 5 });
		await request(db, user, book, [event.id, event.seatIds[0]]);
		for (const caller of [ANON, user]) {
			const counts = await request(
				db,
				caller,
				`select (select count(*) from events)::int as events, (select count(*) from seats)::int as seats,
				        (select count(*) from bookings)::int as bookings`
			);
			expect(counts.rows).toEqual([{ events: 1, seats: 5, bookings: 1 }]);
		}
	});

	it('releases the owner’s booking, stamping released_at in the database', async ({
		db,
		expect
	}) => {
		const user = await createUser(db);
		const event = await createEvent(db);
		const booked = (await request(db, user, book, [event.id, event.seatIds[0]])).rows[0];
		const { rows } = await request(
			db,
			user,
			`update bookings set status = 'released' where seat_id = $1 and status = 'booked' returning *`,
			[event.seatIds[0]]
		);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ id: booked.id, status: 'released', user_id: user.id });
		expect(rows[0].released_at).toBeInstanceOf(Date);
		expect((rows[0].released_at as Date) >= (booked.created_at as Date)).toBe(true);
	});

	it('books a released seat again and keeps both rows', async ({ db, expect }) => {
		const [ann, bob] = [await createUser(db), await createUser(db)];
		const event = await createEvent(db);
		const seat = event.seatIds[0];
		await request(db, ann, book, [event.id, seat]);
		await request(db, ann, `update bookings set status = 'released' where seat_id = $1`, [seat]);
		await request(db, bob, book, [event.id, seat]);
		const history = await db.query(
			'select user_id, status from bookings where seat_id = $1 order by id',
			[seat]
		);
		expect(history.rows).toEqual([
			{ user_id: ann.id, status: 'released' },
			{ user_id: bob.id, status: 'booked' }
		]);
	});

	it('refuses a seat over max_seats_per_user with 23514 and a clear message', async ({
		db,
		expect
	}) => {
		const user = await createUser(db);
		const event = await createEvent(db, { maxSeatsPerUser: 2 });
		const many = `insert into bookings (event_id, seat_id) select $1, unnest($2::bigint[])`;
		const error = await request(db, user, many, [event.id, event.seatIds.slice(0, 3)]).catch(
			(e: unknown) => e
		);
		expect(error).toMatchObject({
			code: '23514',
			constraint: 'bookings_max_seats_per_user',
			message: 'You can hold at most 2 seats for this event.'
		});
		expect(await allBookings(db)).toEqual([]);

		await request(db, user, many, [event.id, event.seatIds.slice(0, 2)]);
		expect(await outcome(request(db, user, book, [event.id, event.seatIds[2]]))).toBe('23514');
		// A released seat no longer counts.
		await request(db, user, `update bookings set status = 'released' where seat_id = $1`, [
			event.seatIds[0]
		]);
		expect(await outcome(request(db, user, book, [event.id, event.seatIds[2]]))).toBe('ok');
	});

	describe('refuses forbidden actions with a clear SQLSTATE and changes nothing', () => {
		/** Sets up two users and a booking of ann's, runs the attempt, checks nothing changed. */
		async function refused(
			ctx: { db: Db; expect: ExpectStatic },
			attempt: (s: Scene) => Promise<unknown>,
			expected: { code: string; message?: string | RegExp },
			prepare?: (s: Scene) => Promise<unknown>
		) {
			const { db, expect } = ctx;
			const [ann, bob] = [await createUser(db), await createUser(db)];
			const event = await createEvent(db);
			const other = await createEvent(db);
			const booking = (await request(db, ann, book, [event.id, event.seatIds[0]])).rows[0];
			const scene: Scene = { ann, bob, event, other, booking: booking as Scene['booking'] };
			await prepare?.(scene);
			const before = await allBookings(db);
			const error = await attempt(scene).then(
				() => undefined,
				(e: unknown) => e
			);
			expect(error, 'the attempt should fail').toBeDefined();
			expect(error).toMatchObject({ code: expected.code });
			if (expected.message) expect((error as Error).message).toMatch(expected.message);
			expect(await allBookings(db)).toEqual(before);
		}

		interface Scene {
			ann: { id: string };
			bob: { id: string };
			event: { id: number; seatIds: number[] };
			other: { id: number; seatIds: number[] };
			booking: { id: number };
		}

		it('anon cannot book (42501)', ({ db, expect }) =>
			refused(
				{ db, expect },
				({ event }) => request(db, ANON, book, [event.id, event.seatIds[1]]),
				{
					code: '42501',
					message: 'permission denied for table bookings'
				}
			));

		it('anon cannot release (42501)', ({ db, expect }) =>
			refused(
				{ db, expect },
				({ booking }) =>
					request(db, ANON, `update bookings set status = 'released' where id = $1`, [booking.id]),
				{ code: '42501' }
			));

		it('a user cannot book in someone else’s name (42501)', ({ db, expect }) =>
			refused(
				{ db, expect },
				({ bob, ann, event }) =>
					request(
						db,
						bob,
						`insert into bookings (event_id, seat_id, user_id) values ($1, $2, $3)`,
						[event.id, event.seatIds[1], ann.id]
					),
				{ code: '42501', message: 'permission denied for table bookings' }
			));

		it('a user cannot choose status or timestamps on insert (42501)', ({ db, expect }) =>
			refused(
				{ db, expect },
				({ bob, event }) =>
					request(
						db,
						bob,
						`insert into bookings (event_id, seat_id, status, created_at) values ($1, $2, 'booked', now() - interval '1 day')`,
						[event.id, event.seatIds[1]]
					),
				{ code: '42501' }
			));

		it('a user cannot take a booked seat (23505)', ({ db, expect }) =>
			refused(
				{ db, expect },
				({ bob, event }) => request(db, bob, book, [event.id, event.seatIds[0]]),
				{
					code: '23505',
					message: 'bookings_one_current_per_seat'
				}
			));

		it('a user cannot release someone else’s booking (42501)', ({ db, expect }) =>
			refused(
				{ db, expect },
				({ bob, booking }) =>
					request(db, bob, `update bookings set status = 'released' where id = $1`, [booking.id]),
				{
					code: '42501',
					message: 'new row violates row-level security policy for table "bookings"'
				}
			));

		it('a released booking cannot become booked again (23514)', ({ db, expect }) =>
			refused(
				{ db, expect },
				({ ann, booking }) =>
					request(db, ann, `update bookings set status = 'booked' where id = $1`, [booking.id]),
				{ code: '23514', message: 'A released booking cannot become booked.' },
				({ ann, booking }) =>
					request(db, ann, `update bookings set status = 'released' where id = $1`, [booking.id])
			));

		it('a booking cannot move to another seat (42501)', ({ db, expect }) =>
			refused(
				{ db, expect },
				({ ann, booking, event }) =>
					request(db, ann, `update bookings set seat_id = $2 where id = $1`, [
						booking.id,
						event.seatIds[1]
					]),
				{ code: '42501' }
			));

		it('a user cannot stamp released_at themselves (42501)', ({ db, expect }) =>
			refused(
				{ db, expect },
				({ ann, booking }) =>
					request(db, ann, `update bookings set released_at = now() where id = $1`, [booking.id]),
				{ code: '42501' }
			));

		it('a user cannot delete a booking (42501)', ({ db, expect }) =>
			refused(
				{ db, expect },
				({ ann, booking }) => request(db, ann, `delete from bookings where id = $1`, [booking.id]),
				{ code: '42501' }
			));

		it('a seat of another event cannot be booked under this event (23503)', ({ db, expect }) =>
			refused(
				{ db, expect },
				({ bob, event, other }) => request(db, bob, book, [event.id, other.seatIds[0]]),
				{
					code: '23503',
					message: 'bookings_seat_fkey'
				}
			));

		it('an unknown seat cannot be booked (23503)', ({ db, expect }) =>
			refused({ db, expect }, ({ bob, event }) => request(db, bob, book, [event.id, 987654321]), {
				code: '23503'
			}));

		it('an unknown status is refused (23514)', ({ db, expect }) =>
			refused(
				{ db, expect },
				({ ann, booking }) =>
					request(db, ann, `update bookings set status = 'held' where id = $1`, [booking.id]),
				{ code: '23514' }
			));

		it('nobody writes events or seats through the API (42501)', ({ db, expect }) =>
			refused(
				{ db, expect },
				async ({ bob, event }) => {
					const update = `update seats set price_cents = 0 where event_id = $1`;
					expect(await outcome(request(db, bob, update, [event.id]))).toBe('42501');
					await request(db, ANON, `delete from events where id = $1`, [event.id]);
				},
				{ code: '42501' }
			));
	});
});
