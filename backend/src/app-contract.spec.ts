import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from './backend.ts';
import { ENGINES, openTestDb, type TestDb } from './db/testing.ts';
import { serve, type Served } from './node.ts';

/**
 * The app's own supabase-js calls (plan: data model, issue 2) against the project's migrations,
 * through the real HTTP server: sign in, read, book, lose a race, exceed the limit, release.
 */
describe.each(ENGINES)('app calls through REST on %s', (engine) => {
	let t: TestDb;
	let backend: Backend;
	let served: Served;
	let eventId: number;
	let seatIds: number[];
	const client = (key?: string) =>
		createClient(served.url, key ?? backend.keys.publishableKey, {
			auth: { persistSession: false, autoRefreshToken: false }
		});
	let ann: SupabaseClient;
	let bob: SupabaseClient;

	beforeAll(async () => {
		t = await openTestDb(engine, { seed: false });
		backend = createBackend({ db: t.db });
		served = await serve(backend, { port: 0 });
		// create_venue_event is for seeds and database users only (not exposed to the API roles).
		const created = await t.db.query<{ id: number }>(
			`select public.create_venue_event(slug => 'rest-test', name => 'REST test', venue => 'Hall',
			   starts_at => now() + interval '1 day', max_seats_per_user => 3,
			   sections => '[{"name": "Floor", "rows": 2, "seats": 5, "price_cents": 1000}]') as id`
		);
		eventId = created.rows[0].id;
		ann = client();
		bob = client();
		await ann.auth.signInAnonymously({ options: { data: { display_name: 'Ann' } } });
		await bob.auth.signInAnonymously({ options: { data: { display_name: 'Bob' } } });
	}, 60_000);
	afterAll(async () => {
		await served.close(2000);
		await t.close();
	});

	it('reads events, the seat map and availability', async () => {
		const events = await client()
			.from('events')
			.select('id, slug, max_seats_per_user')
			.eq('slug', 'rest-test')
			.single();
		expect(events.data).toEqual({ id: eventId, slug: 'rest-test', max_seats_per_user: 3 });
		const map = await client().rpc('seat_map', { p_event_id: eventId });
		expect(map.error).toBeNull();
		seatIds = (map.data as { id: number[] }).id;
		expect(seatIds).toHaveLength(10);
		const availability = await client().rpc('event_availability').eq('event_id', eventId);
		expect(availability.data).toEqual([{ event_id: eventId, seats_total: 10, seats_booked: 0 }]);
	});

	it('books all-or-nothing; a taken seat is 409/23505, an unknown seat 409/23503, the limit 400/23514', async () => {
		const booked = await ann.from('bookings').insert([
			{ event_id: eventId, seat_id: seatIds[0] },
			{ event_id: eventId, seat_id: seatIds[1] }
		]);
		expect([booked.status, booked.error]).toEqual([201, null]);
		const race = await bob.from('bookings').insert([
			{ event_id: eventId, seat_id: seatIds[2] },
			{ event_id: eventId, seat_id: seatIds[1] }
		]);
		expect([race.status, race.error?.code]).toEqual([409, '23505']);
		const unknown = await bob.from('bookings').insert({ event_id: eventId, seat_id: 999_999 });
		expect([unknown.status, unknown.error?.code]).toEqual([409, '23503']);
		const over = await ann.from('bookings').insert([
			{ event_id: eventId, seat_id: seatIds[3] },
			{ event_id: eventId, seat_id: seatIds[4] }
		]);
		expect([over.status, over.error?.code]).toEqual([400, '23514']);
		const anon = await client().from('bookings').insert({ event_id: eventId, seat_id: seatIds[5] });
		expect([anon.status, anon.error?.code]).toEqual([401, '42501']);
		const current = await client().rpc('seat_bookings', { p_event_id: eventId });
		expect((current.data as { seat_id: number[] }).seat_id).toEqual([seatIds[0], seatIds[1]]);
	});

	it('lets exactly one of many simultaneous bookings of a seat win', async () => {
		const clients = await Promise.all(
			Array.from({ length: 6 }, async () => {
				const c = client();
				await c.auth.signInAnonymously();
				return c;
			})
		);
		const results = await Promise.all(
			clients.map((c) => c.from('bookings').insert({ event_id: eventId, seat_id: seatIds[9] }))
		);
		expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
		expect(results.filter((r) => r.error).every((r) => r.error?.code === '23505')).toBe(true);
	});

	it('releases only own bookings', async () => {
		const { data: me } = await ann.auth.getUser();
		const mine = await ann
			.from('bookings')
			.select('id')
			.eq('event_id', eventId)
			.eq('user_id', me.user!.id)
			.eq('status', 'booked');
		const ids = mine.data!.map((b) => b.id as number);
		const foreign = await bob.from('bookings').update({ status: 'released' }).in('id', ids);
		expect(foreign.error?.code).toBe('42501');
		const released = await ann
			.from('bookings')
			.update({ status: 'released' })
			.in('id', ids)
			.select('status, released_at');
		expect(released.error).toBeNull();
		expect(released.data).toHaveLength(2);
		expect(released.data!.every((b) => b.status === 'released' && b.released_at)).toBe(true);
		const availability = await client().rpc('event_availability').eq('event_id', eventId).single();
		expect(availability.data).toMatchObject({ seats_booked: 1 });
	});
});
