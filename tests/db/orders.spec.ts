/**
 * Orders: confirm_order books a person's holds in one order (reference, each seat's price from
 * seats.price_cents, the total), all or none; only the buyer reads it; nobody writes it; releasing
 * its seats keeps the history, recomputes the total and cancels an empty order. The races run on
 * PostgreSQL with one connection per request, lined up at a barrier; PGlite serializes the same
 * requests, which must give a valid outcome too.
 */
import { describe } from 'vitest';
import { openPostgres } from '../../backend/src/db/postgres.ts';
import type { Db } from '../../backend/src/db/types.ts';
import { ANON, asCaller, request } from '../../backend/test-support/callers.ts';
import { ENGINES, barrier, createEvent, createUsers, dbTest, outcome } from './helpers.ts';

const holdMany = `insert into bookings (event_id, seat_id, status)
	select $1, unnest($2::bigint[]), 'held' returning id`;
const confirmOrder = `select * from confirm_order($1::bigint[])`;
const releaseFromOrder = `select * from release_from_order($1, $2::bigint[])`;
const REFERENCE = /^[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}$/;

interface Order {
	id: number;
	reference: string;
	user_id: string;
	event_id: number;
	status: string;
	total_cents: number;
	cancelled_at: Date | null;
}

/** Gives the event's seats different prices (1000 to 2000 cents), so totals say which seats. */
async function priceSeats(db: Db, eventId: number) {
	await db.query(`update seats set price_cents = 1000 + (id % 5) * 250 where event_id = $1`, [
		eventId
	]);
}

async function holds(db: Db, caller: { id: string }, eventId: number, seatIds: number[]) {
	const { rows } = await request<{ id: number }>(db, caller, holdMany, [eventId, seatIds]);
	return rows.map((r) => r.id);
}

/** What the database says each order holds, for comparing with what the requests were told. */
async function ordersAsStored(db: Db) {
	const { rows } = await db.query<{
		id: number;
		user_id: string;
		status: string;
		total_cents: number;
		booking_ids: number[];
		line_total: number;
		seat_total: number;
		line_owners_ok: boolean;
	}>(
		`select o.id, o.user_id, o.status, o.total_cents,
		        array_agg(l.booking_id order by l.booking_id) as booking_ids,
		        sum(l.price_cents) filter (where l.released_at is null)::int as line_total,
		        sum(s.price_cents) filter (where l.released_at is null)::int as seat_total,
		        bool_and(b.user_id = o.user_id and b.event_id = o.event_id) as line_owners_ok
		 from orders o
		 join order_lines l on l.order_id = o.id
		 join bookings b on b.id = l.booking_id
		 join seats s on s.id = l.seat_id
		 group by o.id order by o.id`
	);
	return rows;
}

/** A small deterministic random source, so a failing race can be replayed. */
function random(seed: number) {
	return () => {
		seed = (seed * 1103515245 + 12345) % 2 ** 31;
		return seed / 2 ** 31;
	};
}

type Attempt = { caller: { id: string }; sql: string; params: unknown[] };

/**
 * As helpers' race, but keeps what each request got back: its rows, or its SQLSTATE.
 * On PostgreSQL, `beginAt` starts a request's transaction at that moment and `runAt` runs all the
 * statements then.
 */
async function raceRows<Row>(
	db: Db,
	url: string | undefined,
	attempts: (Attempt & { beginAt?: number })[],
	runAt?: number
): Promise<{ code: string; rows: Row[] | null }[]> {
	const racer = url ? await openPostgres(url, { max: attempts.length }) : db;
	const arrive = url ? barrier(attempts.length) : async () => {};
	try {
		return await Promise.all(
			attempts.map(async ({ caller, sql, params, beginAt }) => {
				if (url && beginAt) await sleepUntil(beginAt);
				let rows: Row[] | null = null;
				const code = await outcome(
					asCaller(racer, caller, async (tx) => {
						await arrive();
						if (url && runAt) await sleepUntil(runAt);
						rows = (await tx.query<Row>(sql, params)).rows as Row[];
					})
				);
				return { code, rows: code === 'ok' ? rows : null };
			})
		);
	} finally {
		if (racer !== db) await racer.close();
	}
}

function sleepUntil(at: number) {
	return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}

describe.each(ENGINES)('orders on %s', { timeout: 90_000 }, (engine) => {
	const it = dbTest(engine);

	it('200 concurrent confirmations of overlapping holds: one order per seat, totals are the seats’ prices, nobody above the limit', async ({
		db,
		url,
		expect
	}) => {
		const users = await createUsers(db, 20);
		const event = await createEvent(db, { rows: 4, seats: 20, maxSeatsPerUser: 4 });
		await priceSeats(db, event.id);
		// Each person holds three seats and has one hold that lapsed a second ago.
		const held = new Map<string, number[]>();
		for (const [i, user] of users.entries()) {
			const ids = await holds(db, user, event.id, event.seatIds.slice(i * 4, i * 4 + 3));
			const lapsed = await db.query<{ id: number }>(
				`insert into bookings (event_id, seat_id, user_id, status, expires_at)
				 values ($1, $2, $3, 'held', now() - interval '1 second') returning id`,
				[event.id, event.seatIds[i * 4 + 3], user.id]
			);
			held.set(user.id, [...ids, lapsed.rows[0].id]);
		}
		const lapsedIds = new Set(users.map((u) => held.get(u.id)![3]));

		// Ten requests per person: one to three of their active holds (two tabs, a double click),
		// every fifth with their lapsed hold, every seventh with someone else's hold.
		const next = random(14);
		const attempts = Array.from({ length: 200 }, (_, k) => {
			const user = users[k % 20];
			const own = held.get(user.id)!;
			const ids = own.slice(0, 3).filter(() => next() < 0.6);
			if (!ids.length) ids.push(own[Math.floor(next() * 3)]);
			if (k % 5 === 4) ids.push(own[3]);
			if (k % 7 === 6) ids.push(held.get(users[(k + 1) % 20].id)![0]);
			return { caller: user, sql: confirmOrder, params: [ids] };
		});
		if (url) {
			const { rows } = await db.query<{ max: number }>(
				`select current_setting('max_connections')::int as max`
			);
			expect(rows[0].max, 'max_connections must allow 200 racers').toBeGreaterThanOrEqual(210);
		}
		const results = await raceRows<Order>(db, url, attempts);

		// Every refusal is one of the documented ones, and says why.
		for (const [k, r] of results.entries()) {
			const ids = attempts[k].params[0] as number[];
			if (k % 7 === 6) expect(r.code).toBe('42501');
			else if (ids.some((id) => lapsedIds.has(id))) expect(r.code).toBe('23514');
			else expect(['ok', '23514']).toContain(r.code);
		}
		const won = results.flatMap((r, k) => (r.rows ? [{ order: r.rows[0], k }] : []));
		expect(won.length).toBeGreaterThan(0);

		const stored = await ordersAsStored(db);
		expect(stored).toHaveLength(won.length);
		const byId = new Map(stored.map((o) => [o.id, o]));
		const bookedInOrders = new Set<number>();
		for (const { order, k } of won) {
			const ids = [...new Set(attempts[k].params[0] as number[])].sort((a, b) => a - b);
			const row = byId.get(order.id)!;
			expect(order.reference).toMatch(REFERENCE);
			expect(row).toMatchObject({ user_id: attempts[k].caller.id, status: 'active' });
			// The order holds exactly the request's seats, and its total is their prices.
			expect(row.booking_ids).toEqual(ids);
			expect(order.total_cents).toBe(row.seat_total);
			expect(row.line_total).toBe(row.seat_total);
			expect(row.line_owners_ok).toBe(true);
			for (const id of ids) {
				expect(bookedInOrders.has(id), `booking ${id} is in two orders`).toBe(false);
				bookedInOrders.add(id);
			}
		}
		expect(new Set(stored.map((o) => o.id)).size).toBe(stored.length);
		const references = await db.query<{ n: number }>(
			'select count(distinct reference)::int as n from orders'
		);
		expect(references.rows[0].n).toBe(stored.length);

		// The booked seats are exactly those in orders; no lapsed hold was booked.
		const booked = await db.query<{ id: number }>(
			`select id from bookings where status = 'booked' order by id`
		);
		expect(booked.rows.map((r) => r.id)).toEqual([...bookedInOrders].sort((a, b) => a - b));
		for (const id of lapsedIds) expect(bookedInOrders.has(id)).toBe(false);
		const perUser = await db.query<{ n: number }>(
			`select count(*)::int as n from bookings
			 where event_id = $1 and (status = 'booked' or (status = 'held' and expires_at > now()))
			 group by user_id`,
			[event.id]
		);
		expect(perUser.rows.every((r) => r.n <= 4)).toBe(true);
	});

	it('confirming holds as they lapse, against new holds of the same person: never above the limit', async ({
		db,
		url,
		expect
	}) => {
		// Each person has their limit (2) in holds that lapse at `lapse`. Their confirmation began
		// its transaction before that moment, their request for two more seats after it; both run
		// after it, at once. Only one of the two may win.
		const users = await createUsers(db, 60);
		const event = await createEvent(db, { rows: 6, seats: 40, maxSeatsPerUser: 2 });
		const { rows } = await db.query<{ id: number; user_id: string; expires_at: Date }>(
			`insert into bookings (event_id, seat_id, user_id, status, expires_at)
			 select $1, x.seat_id, x.user_id, 'held', now() + interval '2500 milliseconds'
			 from unnest($2::bigint[], $3::uuid[]) as x (seat_id, user_id)
			 returning id, user_id, expires_at`,
			[
				event.id,
				users.flatMap((_, i) => event.seatIds.slice(i * 4, i * 4 + 2)),
				users.flatMap((u) => [u.id, u.id])
			]
		);
		const first = Map.groupBy(rows, (r) => r.user_id);
		const lapse = rows[0].expires_at;
		const at = lapse.getTime();
		const attempts = users.flatMap((user, i) => [
			{
				caller: user,
				sql: confirmOrder,
				params: [first.get(user.id)!.map((r) => r.id)],
				beginAt: at - 1500
			},
			{
				caller: user,
				sql: holdMany,
				params: [event.id, event.seatIds.slice(i * 4 + 2, i * 4 + 4)],
				beginAt: at + 200
			}
		]);
		if (!url) await sleepUntil(at + 200);
		const results = await raceRows(db, url, attempts, at + 400);
		expect(results.every((r) => r.code === 'ok' || r.code === '23514')).toBe(true);

		const perUser = await db.query<{ user_id: string; n: number }>(
			`select user_id, count(*)::int as n from bookings
			 where event_id = $1
			   and (status = 'booked' or (status = 'held' and expires_at > clock_timestamp()))
			 group by user_id`,
			[event.id]
		);
		expect(perUser.rows.filter((r) => r.n > 2)).toEqual([]);
		const stored = await ordersAsStored(db);
		expect(stored.every((o) => o.booking_ids.length === 2 && o.line_owners_ok)).toBe(true);
	});

	it('prices and totals are the database’s: a client can neither send nor change them', async ({
		db,
		expect
	}) => {
		const [ann] = await createUsers(db, 1);
		const event = await createEvent(db, { seats: 6 });
		await priceSeats(db, event.id);
		const ids = await holds(db, ann, event.id, event.seatIds.slice(0, 3));
		const { rows } = await request<Order>(db, ann, confirmOrder, [ids]);
		const order = rows[0];
		const prices = await db.query<{ total: number }>(
			`select sum(price_cents)::int as total from seats where id = any($1::bigint[])`,
			[event.seatIds.slice(0, 3)]
		);
		expect(order.total_cents).toBe(prices.rows[0].total);

		const attempts = [
			`update orders set total_cents = 1`,
			`update order_lines set price_cents = 1`,
			`update order_lines set released_at = now()`,
			`delete from order_lines`,
			`delete from orders`,
			`insert into orders (reference, user_id, event_id, total_cents)
			 values ('AAAA-AAAA', '${ann.id}', ${event.id}, 1)`,
			`insert into order_lines (order_id, booking_id, seat_id, price_cents)
			 values (${order.id}, ${ids[0]}, ${event.seatIds[0]}, 1)`,
			`update seats set price_cents = 1`,
			`select * from confirm_order(array[${ids[0]}], 1)`
		];
		for (const sql of attempts) {
			expect([sql, await outcome(request(db, ann, sql))]).toEqual([
				sql,
				sql.includes('confirm_order') ? '42883' : '42501'
			]);
		}
		// Not even the owner's scripts can rewrite a seat's price after the fact.
		expect(
			await outcome(
				db.query(`update order_lines set price_cents = 1 where order_id = $1`, [order.id])
			)
		).toBe('23514');
		// A later price change is the next buyer's price, not this order's.
		await db.query(`update seats set price_cents = price_cents * 3 where event_id = $1`, [
			event.id
		]);
		const after = await ordersAsStored(db);
		expect(after).toEqual([
			expect.objectContaining({ total_cents: order.total_cents, line_total: order.total_cents })
		]);
	});

	it('nobody reads someone else’s order, by id, by reference or by its lines', async ({
		db,
		expect
	}) => {
		const [ann, bob] = await createUsers(db, 2);
		const event = await createEvent(db, { seats: 4 });
		const ids = await holds(db, ann, event.id, event.seatIds.slice(0, 2));
		const order = (await request<Order>(db, ann, confirmOrder, [ids])).rows[0];

		expect((await request(db, ann, `select id from orders`)).rows).toEqual([{ id: order.id }]);
		expect((await request(db, ann, `select booking_id from order_lines`)).rows).toHaveLength(2);
		for (const sql of [
			`select * from orders`,
			`select * from orders where reference = '${order.reference}'`,
			`select * from orders where id = ${order.id}`,
			`select * from order_lines`
		]) {
			expect((await request(db, bob, sql)).rows).toEqual([]);
			expect(await outcome(request(db, ANON, sql))).toBe('42501');
		}
		expect(
			await outcome(request(db, bob, releaseFromOrder, [order.reference, ids.slice(0, 1)]))
		).toBe('PT404');
		expect(await outcome(request(db, bob, confirmOrder, [ids]))).toBe('42501');
	});

	it('releasing from an order: the history stays, the total follows, the last seat cancels it', async ({
		db,
		expect
	}) => {
		const [ann, bob] = await createUsers(db, 2);
		const event = await createEvent(db, { seats: 6 });
		await priceSeats(db, event.id);
		const ids = await holds(db, ann, event.id, event.seatIds.slice(0, 3));
		const order = (await request<Order>(db, ann, confirmOrder, [ids])).rows[0];
		const price = async (i: number) =>
			(
				await db.query<{ p: number }>(`select price_cents as p from seats where id = $1`, [
					event.seatIds[i]
				])
			).rows[0].p;

		const partial = (await request<Order>(db, ann, releaseFromOrder, [order.reference, [ids[0]]]))
			.rows[0];
		expect(partial).toMatchObject({
			id: order.id,
			status: 'active',
			total_cents: (await price(1)) + (await price(2)),
			cancelled_at: null
		});
		const lines = await db.query<{ booking_id: number; released: boolean }>(
			`select booking_id, released_at is not null as released from order_lines
			 where order_id = $1 order by booking_id`,
			[order.id]
		);
		expect(lines.rows).toEqual([
			{ booking_id: ids[0], released: true },
			{ booking_id: ids[1], released: false },
			{ booking_id: ids[2], released: false }
		]);
		// The seat is free for anyone now.
		expect(await outcome(request(db, bob, holdMany, [event.id, [event.seatIds[0]]]))).toBe('ok');
		// Again: refused, whole.
		expect(
			await outcome(request(db, ann, releaseFromOrder, [order.reference, [ids[0], ids[1]]]))
		).toBe('23514');

		const cancelled = (
			await request<Order>(db, ann, releaseFromOrder, [order.reference, [ids[1], ids[2]]])
		).rows[0];
		expect(cancelled).toMatchObject({ status: 'cancelled', total_cents: 0 });
		expect(cancelled.cancelled_at).toBeInstanceOf(Date);
		const kept = await db.query<{ n: number }>(
			`select count(*)::int as n from order_lines where order_id = $1 and released_at is not null`,
			[order.id]
		);
		expect(kept.rows[0].n).toBe(3);
	});

	it('concurrent releases from one order add up: each seat released once, the order cancelled at 0', async ({
		db,
		url,
		expect
	}) => {
		const [ann] = await createUsers(db, 1);
		const event = await createEvent(db, { seats: 12, maxSeatsPerUser: 12 });
		await priceSeats(db, event.id);
		const ids = await holds(db, ann, event.id, event.seatIds.slice(0, 10));
		const order = (await request<Order>(db, ann, confirmOrder, [ids])).rows[0];

		// Each seat twice: once through release_from_order, once the plain way.
		const results = await raceRows<Order>(db, url, [
			...ids.map((id) => ({
				caller: ann,
				sql: releaseFromOrder,
				params: [order.reference, [id]]
			})),
			...ids.map((id) => ({
				caller: ann,
				sql: `update bookings set status = 'released' where id = $1 and status = 'booked' returning id`,
				params: [id]
			}))
		]);
		expect(results.every((r) => r.code === 'ok' || r.code === '23514')).toBe(true);
		const released = results.filter(
			(r, k) => r.rows !== null && (k < ids.length || r.rows.length === 1)
		);
		expect(released).toHaveLength(ids.length);
		const stored = await db.query<Order>(`select * from orders where id = $1`, [order.id]);
		expect(stored.rows[0]).toMatchObject({ status: 'cancelled', total_cents: 0 });
		const lines = await db.query<{ n: number }>(
			`select count(*)::int as n from order_lines where order_id = $1 and released_at is not null`,
			[order.id]
		);
		expect(lines.rows[0].n).toBe(ids.length);
	});

	it('a cancelled order stays cancelled; its seats, held again, make a new order', async ({
		db,
		expect
	}) => {
		const [ann] = await createUsers(db, 1);
		const event = await createEvent(db, { seats: 4 });
		const ids = await holds(db, ann, event.id, event.seatIds.slice(0, 2));
		const order = (await request<Order>(db, ann, confirmOrder, [ids])).rows[0];
		await request(db, ann, releaseFromOrder, [order.reference, ids]);

		expect(await outcome(request(db, ann, confirmOrder, [ids]))).toBe('23514');
		const again = await holds(db, ann, event.id, event.seatIds.slice(0, 2));
		const second = (await request<Order>(db, ann, confirmOrder, [again])).rows[0];
		expect(second.reference).not.toBe(order.reference);
		expect(second).toMatchObject({ status: 'active', total_cents: 2000 });
		const both = await request<{ reference: string; status: string; total_cents: number }>(
			db,
			ann,
			`select reference, status, total_cents from orders order by id`
		);
		expect(both.rows).toEqual([
			{ reference: order.reference, status: 'cancelled', total_cents: 0 },
			{ reference: second.reference, status: 'active', total_cents: 2000 }
		]);
	});
});
