import { describe } from 'vitest';
import { ANON, ENGINES, createEvent, createUsers, dbTest, request } from './helpers.ts';

interface SeatMap {
	id: number[];
	section: string[];
	row_label: string[];
	number: number[];
	x: number[];
	y: number[];
	category: string[];
	price_cents: number[];
}

describe.each(ENGINES)('read models on %s (seeded)', { timeout: 60_000 }, (engine) => {
	const it = dbTest(engine, { seed: true });

	it('seat_map returns every seat of the 50,000+ seat venue to anon, as parallel arrays by id', async ({
		db,
		expect
	}) => {
		const { rows } = await request<{ map: SeatMap; total: number }>(
			db,
			ANON,
			`select seat_map(e.id) as map, (select count(*)::int from seats s where s.event_id = e.id) as total
			 from events e where slug = 'stadium-finale'`
		);
		const { map, total } = rows[0];
		expect(total).toBeGreaterThanOrEqual(50_000);
		for (const column of Object.values(map)) expect(column).toHaveLength(total);
		expect(map.id.every((id, i) => i === 0 || id > map.id[i - 1])).toBe(true);
		expect(Object.keys(map)).toEqual([
			'id',
			'section',
			'row_label',
			'number',
			'x',
			'y',
			'category',
			'price_cents'
		]);
		expect([map.section[0], map.row_label[0], map.number[0]]).toEqual(['Stand 01', 'A', 1]);
	});

	it('seeds a small, two mid-size and a large event', async ({ db, expect }) => {
		const { rows } = await request(
			db,
			ANON,
			`select e.slug, a.seats_total, a.seats_booked, a.seats_held
			 from event_availability() a join events e on e.id = a.event_id order by a.seats_total`
		);
		expect(rows).toEqual([
			{ slug: 'jazz-night', seats_total: 100, seats_booked: 0, seats_held: 0 },
			{ slug: 'hamlet', seats_total: 1144, seats_booked: 0, seats_held: 0 },
			{ slug: 'symphony-no-9', seats_total: 4800, seats_booked: 0, seats_held: 0 },
			{ slug: 'stadium-finale', seats_total: 54000, seats_booked: 0, seats_held: 0 }
		]);
	});
});

describe.each(ENGINES)('read models on %s', { timeout: 60_000 }, (engine) => {
	const it = dbTest(engine);

	it('seat_bookings and event_availability show current bookings only', async ({ db, expect }) => {
		const [ann, bob] = await createUsers(db, 2);
		const event = await createEvent(db, { seats: 5 });
		const [s1, s2, s3] = event.seatIds;
		const book = `insert into bookings (event_id, seat_id) values ($1, $2) returning id`;
		const b1 = (await request<{ id: number }>(db, ann, book, [event.id, s3])).rows[0].id;
		await request(db, ann, book, [event.id, s1]);
		await request(db, ann, `update bookings set status = 'released' where seat_id = $1`, [s1]);
		const b3 = (await request<{ id: number }>(db, bob, book, [event.id, s1])).rows[0].id;
		const b4 = (await request<{ id: number }>(db, bob, book, [event.id, s2])).rows[0].id;

		const { rows } = await request(
			db,
			ANON,
			`select seat_bookings($1) as bookings, (select json_agg(a) from event_availability() a) as availability`,
			[event.id]
		);
		expect(rows[0]).toEqual({
			bookings: {
				booking_id: [b3, b4, b1],
				seat_id: [s1, s2, s3],
				user_id: [bob.id, bob.id, ann.id],
				status: ['booked', 'booked', 'booked'],
				expires_at: [null, null, null],
				server_time: expect.any(String)
			},
			availability: [
				{ event_id: event.id, seats_total: 5, seats_booked: 3, seats_held: 0, next_lapse: null }
			]
		});
	});

	it('event_availability counts active holds as not left, and says when the next one lapses', async ({
		db,
		expect
	}) => {
		const [ann, bob] = await createUsers(db, 2);
		const event = await createEvent(db, { seats: 5 });
		const [s1, s2, s3, s4] = event.seatIds;
		const hold = `insert into bookings (event_id, seat_id, status) values ($1, $2, 'held') returning expires_at`;
		await request(db, ann, `insert into bookings (event_id, seat_id) values ($1, $2)`, [
			event.id,
			s1
		]);
		await db.query(`update events set hold_minutes = 5 where id = $1`, [event.id]);
		const sooner = (await request<{ expires_at: Date }>(db, ann, hold, [event.id, s2])).rows[0];
		await db.query(`update events set hold_minutes = 10 where id = $1`, [event.id]);
		await request(db, bob, hold, [event.id, s3]);
		// A hold that lapsed a second ago is free again, though its row still says held.
		await db.query(
			`insert into bookings (event_id, seat_id, user_id, status, expires_at)
			 values ($1, $2, $3, 'held', now() - interval '1 second')`,
			[event.id, s4, bob.id]
		);

		const availability = `select seats_total, seats_booked, seats_held, next_lapse
			from event_availability() where event_id = $1`;
		const { rows } = await request(db, ANON, availability, [event.id]);
		expect(rows).toEqual([
			{ seats_total: 5, seats_booked: 1, seats_held: 2, next_lapse: sooner.expires_at }
		]);
	});

	it('answers empty arrays for an event without seats or bookings', async ({ db, expect }) => {
		const { rows } = await request(db, ANON, `select seat_map(0) as m, seat_bookings(0) as b`);
		expect(rows[0]).toEqual({
			m: {
				id: [],
				section: [],
				row_label: [],
				number: [],
				x: [],
				y: [],
				category: [],
				price_cents: []
			},
			b: {
				booking_id: [],
				seat_id: [],
				user_id: [],
				status: [],
				expires_at: [],
				server_time: expect.any(String)
			}
		});
	});

	it('lays out sections with coordinates, tiers and row labels', async ({ db, expect }) => {
		await db.query(
			`select public.create_venue_event(
				slug => 'layout', name => 'Layout', venue => 'Hall', starts_at => now(),
				sections => '[
					{"name": "A", "rows": 28, "seats": 2, "x": 10, "y": 5, "dx": 2, "dy": 3, "price_cents": 100,
					 "tiers": [{"rows": 1, "category": "vip", "price_cents": 500}, {"rows": 2, "category": "good", "price_cents": 300}]},
					{"name": "B", "rows": 2, "seats": 1, "row_labels": "numbers", "price_cents": 0, "category": "free"}
				]')`
		);
		const { rows } = await db.query(
			`select section, row_label, number, x, y, category, price_cents from seats
			 where event_id = (select id from events where slug = 'layout')
			   and (section = 'B' or row_label in ('A', 'B', 'C', 'D', 'Z', 'AA', 'AB'))
			 order by id`
		);
		expect(rows.map((r) => Object.values(r).join(' '))).toEqual([
			'A A 1 10 5 vip 500',
			'A A 2 12 5 vip 500',
			'A B 1 10 8 good 300',
			'A B 2 12 8 good 300',
			'A C 1 10 11 good 300',
			'A C 2 12 11 good 300',
			'A D 1 10 14 standard 100',
			'A D 2 12 14 standard 100',
			'A Z 1 10 80 standard 100',
			'A Z 2 12 80 standard 100',
			'A AA 1 10 83 standard 100',
			'A AA 2 12 83 standard 100',
			'A AB 1 10 86 standard 100',
			'A AB 2 12 86 standard 100',
			'B 1 1 0 0 free 0',
			'B 2 1 0 1 free 0'
		]);
	});

	it('refuses a malformed venue layout with 22023, and API callers may not lay out venues', async ({
		db,
		expect
	}) => {
		const call = `select public.create_venue_event(slug => 'bad', name => 'Bad', venue => 'V',
			starts_at => now(), sections => $1::jsonb)`;
		for (const sections of [
			'[]',
			'{}',
			'[{"name": "A", "rows": 0, "seats": 1, "price_cents": 1}]'
		]) {
			await expect(db.query(call, [sections])).rejects.toMatchObject({ code: '22023' });
		}
		const [user] = await createUsers(db, 1);
		const good = '[{"name": "A", "rows": 1, "seats": 1, "price_cents": 1}]';
		await expect(request(db, user, call, [good])).rejects.toMatchObject({ code: '42501' });
		expect((await db.query('select count(*)::int as n from events')).rows).toEqual([{ n: 0 }]);
	});
});
