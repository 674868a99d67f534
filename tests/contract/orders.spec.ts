import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdSeats } from '../../src/lib/api/bookings.ts';
import type { Supabase } from '../../src/lib/api/client.ts';
import {
	confirmOrder,
	getOrder,
	listMyOrders,
	releaseFromOrder
} from '../../src/lib/api/orders.ts';
import type { Database } from '../../src/lib/database.types.ts';
import { OrderNotice } from '../../src/lib/domain/orders.ts';
import { createBackend, type Backend } from '../../backend/src/backend.ts';
import { ENGINES, openTestDb, type TestDb } from '../../backend/test-support/databases.ts';
import { serve, type Served } from '../../backend/src/node.ts';
import { waitFor } from '../../backend/test-support/realtime.ts';

const REFERENCE = /^[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}$/;

/**
 * The app's order calls (src/lib/api/orders.ts) through the real supabase-js and the whole back end
 * over HTTP and WebSocket: confirming holds into an order, reading it back (only the buyer),
 * releasing from it, what the API refuses, and the buyer's other tab hearing of it.
 */
describe.each(ENGINES)('orders through the API on %s', (engine) => {
	let t: TestDb;
	let backend: Backend;
	let served: Served;
	let eventId: number;
	let seatIds: number[];
	let prices: Map<number, number>;
	let ann: Supabase;
	let annId: string;
	let annToken: string;
	let bob: Supabase;
	const clients: SupabaseClient[] = [];
	const client = (): Supabase => {
		const c = createClient<Database>(served.url, backend.keys.publishableKey, {
			auth: { persistSession: false, autoRefreshToken: false }
		});
		clients.push(c);
		return c;
	};

	beforeAll(async () => {
		t = await openTestDb(engine, { seed: false });
		backend = createBackend({ db: t.db });
		served = await serve(backend, { port: 0 });
		await backend.ready;
		const created = await t.db.query<{ id: number }>(
			`select public.create_venue_event(slug => 'orders-api', name => 'Orders API', venue => 'Hall',
			   starts_at => now() + interval '1 day', max_seats_per_user => 6,
			   sections => '[{"name": "Floor", "rows": 3, "seats": 4, "price_cents": 2000,
			                  "tiers": [{"rows": 1, "category": "front", "price_cents": 3500}]}]') as id`
		);
		eventId = Number(created.rows[0].id);
		const seats = await t.db.query<{ id: number; price_cents: number }>(
			'select id, price_cents from seats where event_id = $1 order by id',
			[eventId]
		);
		seatIds = seats.rows.map((s) => Number(s.id));
		prices = new Map(seats.rows.map((s) => [Number(s.id), s.price_cents]));
		ann = client();
		bob = client();
		const signedIn = await ann.auth.signInAnonymously({
			options: { data: { display_name: 'Ann' } }
		});
		annId = signedIn.data.user!.id;
		annToken = signedIn.data.session!.access_token;
		await bob.auth.signInAnonymously({ options: { data: { display_name: 'Bob' } } });
	}, 60_000);
	afterAll(async () => {
		for (const c of clients) await c.removeAllChannels();
		await served.close(2000);
		await t.close();
	});

	async function hold(c: Supabase, seats: number[]) {
		const held = await holdSeats(c, eventId, seats);
		expect(held.error).toBeNull();
		return held.data!.map((b) => b.id);
	}

	it('confirms holds into one order with a reference and the seats’ prices; its tabs hear of it', async () => {
		// Ann's other tab follows her own topic.
		const tab = client();
		await tab.auth.setSession({
			access_token: annToken,
			refresh_token: (await ann.auth.getSession()).data.session!.refresh_token
		});
		await tab.realtime.setAuth(annToken);
		const heard: unknown[] = [];
		let joined = '';
		tab
			.channel(`user:${annId}`, { config: { private: true } })
			.on('broadcast', { event: 'order' }, (m) => heard.push(m.payload))
			.subscribe((s) => (joined = s));
		await waitFor(() => joined === 'SUBSCRIBED', 'user topic joined');

		// A front seat (3500) and two of row B (2000).
		const ids = await hold(ann, [seatIds[0], seatIds[4], seatIds[5]]);
		const order = await confirmOrder(ann, ids);
		expect(order.error).toBeNull();
		expect(order.data).toMatchObject({
			eventId,
			status: 'active',
			totalCents: 7500,
			cancelledAt: null
		});
		expect(order.data!.reference).toMatch(REFERENCE);

		await waitFor(() => heard.length > 0, 'the order on the user topic');
		const notice = v.parse(OrderNotice, heard[0]);
		expect(notice.orders).toEqual([
			{
				order_id: order.data!.id,
				reference: order.data!.reference,
				event_id: eventId,
				status: 'active',
				total_cents: 7500,
				seats: 3
			}
		]);

		const found = await getOrder(ann, order.data!.reference.toLowerCase().replace('-', ' '));
		expect(found.error).toBeNull();
		expect(found.data).toMatchObject({
			reference: order.data!.reference,
			totalCents: 7500,
			event: {
				id: eventId,
				slug: 'orders-api',
				name: 'Orders API',
				venue: 'Hall',
				timeZone: expect.any(String)
			}
		});
		expect(found.data!.seats).toEqual(
			[seatIds[0], seatIds[4], seatIds[5]].map((seatId, i) => ({
				bookingId: ids[i],
				seatId,
				section: 'Floor',
				row: i === 0 ? 'A' : 'B',
				number: i === 0 ? 1 : i,
				category: i === 0 ? 'front' : 'standard',
				priceCents: prices.get(seatId),
				releasedAt: null
			}))
		);
		const mine = await listMyOrders(ann);
		expect(mine.data?.map((o) => o.reference)).toEqual([order.data!.reference]);

		// Bob sees none of it; anon may not read orders at all.
		expect(await getOrder(bob, order.data!.reference)).toEqual({ data: null, error: null });
		expect(await listMyOrders(bob)).toEqual({ data: [], error: null });
		expect((await listMyOrders(client())).error).toMatchObject({ code: '42501', status: 401 });
	});

	it('refuses whole requests with the database’s words: someone else’s, lapsed, booked twice, nothing', async () => {
		const [mineA, mineB] = await hold(ann, [seatIds[6], seatIds[7]]);
		const [bobs] = await hold(bob, [seatIds[8]]);
		const lapsed = await t.db.query<{ id: number }>(
			`insert into bookings (event_id, seat_id, user_id, status, expires_at)
			 values ($1, $2, $3, 'held', now() - interval '1 second') returning id`,
			[eventId, seatIds[9], annId]
		);

		expect((await confirmOrder(ann, [mineA, bobs])).error).toEqual({
			code: '42501',
			status: 403,
			message: 'You can only book your own holds.'
		});
		expect((await confirmOrder(ann, [mineA, Number(lapsed.rows[0].id)])).error).toEqual({
			code: '23514',
			status: 400,
			message: 'Your hold on Floor · Row C · Seat 2 has expired.'
		});
		expect((await confirmOrder(ann, [])).error).toMatchObject({ code: '22023', status: 400 });
		expect((await confirmOrder(client(), [mineA])).error).toMatchObject({
			code: '42501',
			status: 401
		});
		// Nothing was booked by any of them.
		const still = await ann.from('bookings').select('status').in('id', [mineA, mineB]);
		expect(still.data).toEqual([{ status: 'held' }, { status: 'held' }]);

		const first = await confirmOrder(ann, [mineA, mineB]);
		expect(first.error).toBeNull();
		expect((await confirmOrder(ann, [mineB])).error).toEqual({
			code: '23514',
			status: 400,
			message: `Floor · Row B · Seat 4 is already booked, in order ${first.data!.reference}.`
		});
		// There is no price or total to send: an extra argument names no function.
		const tampered = await ann.rpc('confirm_order', {
			p_booking_ids: [mineA],
			p_total_cents: 1
		} as never);
		expect(tampered).toMatchObject({ status: 404, error: { code: 'PGRST202' } });
		await releaseFromOrder(ann, first.data!.reference, [mineA, mineB]);
		await bob.from('bookings').update({ status: 'released' }).eq('id', bobs);
	});

	it('nobody writes an order through the API, its buyer included', async () => {
		const ids = await hold(ann, [seatIds[1]]);
		const order = (await confirmOrder(ann, ids)).data!;
		const writes = [
			ann.from('orders').update({ total_cents: 1 }).eq('id', order.id),
			ann.from('orders').delete().eq('id', order.id),
			ann.from('orders').insert({
				reference: 'AAAA-AAAA',
				user_id: annId,
				event_id: eventId,
				total_cents: 1
			}),
			ann.from('order_lines').update({ price_cents: 1 }).eq('order_id', order.id),
			ann.from('order_lines').delete().eq('order_id', order.id)
		];
		for (const write of await Promise.all(writes)) {
			expect([write.status, write.error?.code]).toEqual([403, '42501']);
		}
		const after = await getOrder(ann, order.reference);
		expect(after.data).toMatchObject({ totalCents: 3500, seats: [{ priceCents: 3500 }] });
		await releaseFromOrder(ann, order.reference, ids);
	});

	it('releases seats from an order: the total follows, the last seat cancels it, the history stays', async () => {
		const ids = await hold(ann, [seatIds[2], seatIds[3]]);
		const order = (await confirmOrder(ann, ids)).data!;
		expect(order.totalCents).toBe(7000);

		expect((await releaseFromOrder(bob, order.reference, [ids[0]])).error).toEqual({
			code: 'PT404',
			status: 404,
			message: `There is no order ${order.reference}.`
		});
		const partial = await releaseFromOrder(ann, order.reference, [ids[0]]);
		expect(partial.data).toMatchObject({ status: 'active', totalCents: 3500 });
		expect((await releaseFromOrder(ann, order.reference, [ids[0]])).error).toEqual({
			code: '23514',
			status: 400,
			message: `Floor · Row A · Seat 3 was already released from order ${order.reference}.`
		});
		const last = await releaseFromOrder(ann, order.reference, [ids[1]]);
		expect(last.data).toMatchObject({ status: 'cancelled', totalCents: 0 });
		expect(last.data!.cancelledAt).toEqual(expect.any(String));

		const kept = await getOrder(ann, order.reference);
		expect(kept.data!.status).toBe('cancelled');
		expect(kept.data!.seats.map((s) => [s.seatId, s.releasedAt !== null])).toEqual([
			[seatIds[2], true],
			[seatIds[3], true]
		]);
		// The seats are free for anyone again.
		expect((await holdSeats(bob, eventId, [seatIds[2]])).error).toBeNull();
	});
});
