import { describe } from 'vitest';
import { ENGINES, createEvent, createUsers, dbTest, race } from './helpers.ts';

const book = `insert into bookings (event_id, seat_id) values ($1, $2)`;

// Sequential on purpose: each race should have the machine to itself.
describe.each(ENGINES)('concurrency on %s', { timeout: 60_000 }, (engine) => {
	const it = dbTest(engine);

	// Booking and holding meet the same unique index; a hold only differs in its status.
	it.for([
		['booking', 'booked'],
		['holding', 'held']
	] as const)(
		'200 connections %s 20 seats: one row per seat, every loser 23505',
		async ([, status], { db, url, expect }) => {
			const users = await createUsers(db, 200);
			const event = await createEvent(db, { seats: 20 });
			const results = await race(
				db,
				url,
				users.map((caller, i) => ({
					caller,
					sql: `insert into bookings (event_id, seat_id, status) values ($1, $2, $3)`,
					params: [event.id, event.seatIds[i % 20], status]
				}))
			);

			expect(results.filter((r) => r === 'ok')).toHaveLength(20);
			expect(results.filter((r) => r !== 'ok')).toEqual(Array(180).fill('23505'));
			const taken = await db.query<{ seat_id: number; n: number }>(
				`select seat_id, count(*)::int as n from bookings where status = $1
				 group by seat_id order by seat_id`,
				[status]
			);
			expect(taken.rows).toEqual(event.seatIds.map((seat_id) => ({ seat_id, n: 1 })));
			expect((await db.query('select count(*)::int as n from bookings')).rows).toEqual([{ n: 20 }]);
		}
	);

	it('one user firing 3× their limit at once never ends above max_seats_per_user', async ({
		db,
		url,
		expect
	}) => {
		const [user] = await createUsers(db, 1);
		const event = await createEvent(db, { seats: 30, maxSeatsPerUser: 4 });
		// Single seats and pairs, all different seats: only the limit can stop them.
		const attempts = [
			...event.seatIds
				.slice(0, 8)
				.map((seat) => ({ caller: user, sql: book, params: [event.id, seat] })),
			...[8, 10].map((at) => ({
				caller: user,
				sql: `insert into bookings (event_id, seat_id) select $1, unnest($2::bigint[])`,
				params: [event.id, event.seatIds.slice(at, at + 2)]
			}))
		];
		const results = await race(db, url, attempts);

		expect(results.every((r) => r === 'ok' || r === '23514')).toBe(true);
		const held = await db.query<{ n: number }>(
			`select count(*)::int as n from bookings where user_id = $1 and status = 'booked'`,
			[user.id]
		);
		expect(held.rows[0].n).toBe(4);
	}, 60_000);
});
