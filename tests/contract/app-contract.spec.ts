import { createServerClient } from '@supabase/ssr';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	confirmHolds,
	currentBookings,
	holdBestAvailable,
	holdBestWheelchairSpace,
	holdSeats,
	listMyBookings,
	releaseBookings
} from '../../src/lib/api/bookings.ts';
import {
	fetchAvailability,
	getEventBySlug,
	getEventsByIds,
	listEvents
} from '../../src/lib/api/events.ts';
import { fetchSeatBookings, fetchSeatLayout, fetchServerTime } from '../../src/lib/api/seats.ts';
import type { Supabase } from '../../src/lib/api/client.ts';
import type { Database } from '../../src/lib/database.types.ts';
import type { BookingChange } from '../../src/lib/domain/seat-state.ts';
import { feeds, LiveChannel, type FeedSpec } from '../../src/lib/live/channel.ts';
import { EventFeed } from '../../src/lib/live/event-feed.ts';
import { createBackend, type Backend } from '../../backend/src/backend.ts';
import { ENGINES, openTestDb, type TestDb } from '../../backend/test-support/databases.ts';
import { serve, type Served } from '../../backend/src/node.ts';
import { waitFor } from '../../backend/test-support/realtime.ts';
import { decodeSeatMap } from '../../src/lib/domain/seat-map-wire.ts';

/**
 * The supabase-js calls the app's data model relies on, against the project's migrations, through
 * the real HTTP server: sign in, read, book, lose a race, exceed the limit, release.
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
		seatIds = Array.from(decodeSeatMap(map.data).id);
		expect(seatIds).toHaveLength(10);
		const availability = await client().rpc('event_availability').eq('event_id', eventId);
		expect(availability.data).toEqual([
			{
				event_id: eventId,
				seats_total: 10,
				seats_booked: 0,
				seats_held: 0,
				next_lapse: null,
				price_min_cents: 1000,
				price_max_cents: 1000
			}
		]);
		// It takes no arguments: anything else names no function (PostgREST's 404 PGRST202).
		const wrong = await client().rpc('event_availability', { p_event_id: eventId } as never);
		expect(wrong).toMatchObject({ status: 404, error: { code: 'PGRST202' }, data: null });
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

/**
 * The app's own code paths, call for call: the functions of src/lib/api, the session handling of
 * hooks.server.ts and the login/logout actions (@supabase/ssr with cookies), and the realtime
 * channels of src/lib/live opened exactly as they open them — against the project's migrations.
 */
describe.each(ENGINES)("the app's own calls on %s", (engine) => {
	let t: TestDb;
	let backend: Backend;
	let served: Served;
	let eventA: number;
	let eventB: number;
	const clients: SupabaseClient[] = [];
	const client = () => {
		const c = createClient<Database>(served.url, backend.keys.publishableKey, {
			auth: { persistSession: false, autoRefreshToken: false }
		});
		clients.push(c);
		return c;
	};
	const signedIn = async (name: string) => {
		const c = client();
		const { data, error } = await c.auth.signInAnonymously({
			options: { data: { display_name: name } }
		});
		if (error) throw error;
		return { c, id: data.user!.id };
	};
	const createEvent = async (slug: string, days: number) =>
		(
			await t.db.query<{ id: number }>(
				`select public.create_venue_event(slug => $1, name => $1, venue => 'Hall',
				   starts_at => now() + make_interval(days => $2), max_seats_per_user => 2,
				   sections => '[{"name": "Floor", "rows": 2, "seats": 4, "price_cents": 1500}]') as id`,
				[slug, days]
			)
		).rows[0].id;

	beforeAll(async () => {
		t = await openTestDb(engine, { seed: false });
		backend = createBackend({ db: t.db });
		served = await serve(backend, { port: 0 });
		eventB = await createEvent('app-later', 9);
		eventA = await createEvent('app-sooner', 3);
	}, 60_000);
	afterAll(async () => {
		await Promise.all(clients.map((c) => c.removeAllChannels()));
		await served.close(2000);
		await t.close();
	});

	it('keeps the session in cookies as hooks.server.ts and the login/logout actions do', async () => {
		const jar = new Map<string, string>();
		// One server client per request, reading and writing the cookie jar (hooks.server.ts).
		const request = () =>
			createServerClient<Database>(served.url, backend.keys.publishableKey, {
				cookies: {
					getAll: () => [...jar].map(([name, value]) => ({ name, value })),
					setAll: (cookies) => {
						for (const { name, value } of cookies) {
							if (value) jar.set(name, value);
							else jar.delete(name);
						}
					}
				}
			});
		const tooLong = await request().auth.signInAnonymously({
			options: { data: { display_name: 'x'.repeat(41) } }
		});
		// The database's refusal, as GoTrue answers a bad request; the login action shows its message.
		expect([tooLong.error?.status, tooLong.error?.code]).toEqual([422, 'validation_failed']);
		expect(jar.size).toBe(0);

		const login = await request().auth.signInAnonymously({
			options: { data: { display_name: 'Ann' } }
		});
		expect(login.error).toBeNull();
		expect(jar.size).toBeGreaterThan(0);

		// safeGetSession on the next request: the cookie's session, validated by the auth server.
		const next = request();
		const { session } = (await next.auth.getSession()).data;
		expect(session?.user.user_metadata.display_name).toBe('Ann');
		const { data, error } = await next.auth.getUser();
		expect(error).toBeNull();
		expect(data.user).toMatchObject({ id: session!.user.id, is_anonymous: true });

		expect((await request().auth.signOut({ scope: 'local' })).error).toBeNull();
		expect(jar.size).toBe(0);
		expect((await request().auth.getSession()).data.session).toBeNull();
		const stale = await client().auth.getUser(session!.access_token);
		expect(stale.error?.name).toBe('AuthSessionMissingError');
	});

	it('lists and finds events and their availability (src/lib/api/events.ts)', async () => {
		const supabase = client();
		const list = await listEvents(supabase);
		expect(list.error).toBeNull();
		expect(list.data!.map((e) => e.slug)).toEqual(['app-sooner', 'app-later']);
		expect(list.data![0]).toMatchObject({ id: eventA, venue: 'Hall', max_seats_per_user: 2 });
		expect((await getEventBySlug(supabase, 'app-later')).data?.id).toBe(eventB);
		expect(await getEventBySlug(supabase, 'no-such-event')).toEqual({ data: null, error: null });
		const byIds = await getEventsByIds(supabase, [eventA, eventB, 999_999]);
		expect(byIds.data!.map((e) => e.id).sort()).toEqual([eventA, eventB].sort());
		const availability = await fetchAvailability(supabase);
		expect(availability.data!.get(eventA)).toEqual({
			total: 8,
			booked: 0,
			held: 0,
			nextLapse: null,
			priceMin: 1500,
			priceMax: 1500
		});
	});

	it('holds, loses a race, hits the limit, confirms, lists and releases (src/lib/api/{seats,bookings}.ts)', async () => {
		const ann = await signedIn('Ann');
		const bob = await signedIn('Bob');
		const layout = await fetchSeatLayout(ann.c, eventA);
		expect(layout.error).toBeNull();
		expect(layout.data!.size).toBe(8);
		const seats = Array.from(layout.data!.ids);
		expect((await fetchSeatBookings(ann.c, eventA)).data).toEqual({
			booking_id: [],
			seat_id: [],
			user_id: [],
			status: [],
			expires_at: [],
			server_time: expect.any(String)
		});

		// Seat ids go in sorted, whatever order they were picked in.
		const held = await holdSeats(ann.c, eventA, [seats[1], seats[0]]);
		expect(held.error).toBeNull();
		expect(held.data!.map((b) => [b.seat_id, b.user_id, b.status])).toEqual([
			[seats[0], ann.id, 'held'],
			[seats[1], ann.id, 'held']
		]);
		const expiry = Date.parse(held.data![0].expires_at!);
		const serverTime = Date.parse((await fetchSeatBookings(bob.c, eventA)).data!.server_time!);
		// The test event's hold_minutes is the default 10.
		expect(expiry - serverTime).toBeGreaterThan(9 * 60_000);
		expect(expiry - serverTime).toBeLessThanOrEqual(10 * 60_000);
		const snapshot = (await fetchSeatBookings(bob.c, eventA)).data!;
		expect(snapshot.status).toEqual(['held', 'held']);
		// My bookings lists holds with their expiry, and reads the clock they lapse by.
		const listed = (await listMyBookings(ann.c, ann.id)).data!;
		expect(listed.map((b) => [b.seat.id, b.status, b.expiresAt])).toEqual([
			[seats[0], 'held', expiry],
			[seats[1], 'held', expiry]
		]);
		const clock = Date.parse((await fetchServerTime(bob.c)).data!);
		expect(Math.abs(clock - serverTime)).toBeLessThan(60_000);
		// It takes no arguments: anything else names no function (PostgREST's 404 PGRST202).
		const wrong = await bob.c.rpc('server_time', { p_event_id: eventA } as never);
		expect(wrong).toMatchObject({ status: 404, error: { code: 'PGRST202' } });
		expect(snapshot.expires_at).toEqual(held.data!.map((b) => b.expires_at));
		// The events list counts the holds as not left, and learns when they lapse.
		expect((await fetchAvailability(bob.c)).data!.get(eventA)).toEqual({
			total: 8,
			booked: 0,
			held: 2,
			nextLapse: expiry,
			priceMin: 1500,
			priceMax: 1500
		});

		const lost = await holdSeats(bob.c, eventA, [seats[1], seats[2]]);
		expect(lost.error).toMatchObject({ code: '23505', status: 409 });
		const current = await currentBookings(bob.c, [seats[1], seats[2]]);
		expect(current.data).toEqual([held.data![1]]);
		const over = await holdSeats(ann.c, eventA, [seats[3]]);
		expect(over.error).toMatchObject({ code: '23514', status: 400 });
		expect(over.error!.message).toContain('at most 2');
		const unknown = await holdSeats(bob.c, eventA, [999_999]);
		expect(unknown.error).toMatchObject({ code: '23503', status: 409 });

		const ids = held.data!.map((b) => b.id);
		expect((await confirmHolds(bob.c, ids)).error).toMatchObject({ code: '42501', status: 403 });
		const booked = await confirmHolds(ann.c, ids);
		expect(booked.error).toBeNull();
		expect(booked.data!.map((b) => [b.id, b.status, b.expires_at])).toEqual(
			ids.map((id) => [id, 'booked', null])
		);

		const mine = await listMyBookings(ann.c, ann.id);
		expect(mine.error).toBeNull();
		expect(mine.data!.map((b) => [b.seat.id, b.event.id])).toEqual([
			[seats[0], eventA],
			[seats[1], eventA]
		]);
		expect(mine.data![0].seat).toMatchObject({ section: 'Floor', priceCents: 1500 });
		expect((await listMyBookings(bob.c, bob.id)).data).toEqual([]);

		const foreign = await releaseBookings(bob.c, ids);
		expect(foreign.error).toMatchObject({ code: '42501', status: 403 });
		const released = await releaseBookings(ann.c, ids);
		expect(released.data!.map((b) => [b.id, b.status])).toEqual(ids.map((id) => [id, 'released']));
		expect((await releaseBookings(ann.c, ids)).data).toEqual([]);
		expect((await fetchSeatBookings(bob.c, eventA)).data!.seat_id).toEqual([]);
		expect((await listMyBookings(ann.c, ann.id)).data).toEqual([]);
	});

	it('confirms holds all or nothing: one lapsed hold books none, and its seat is free to others', async () => {
		const ann = await signedIn('Ann');
		const bob = await signedIn('Bob');
		const seats = Array.from((await fetchSeatLayout(ann.c, eventB)).data!.ids);
		const fresh = await holdSeats(ann.c, eventB, [seats[4]]);
		// A hold that lapsed a second ago, as the database would have made it 10 minutes earlier.
		const lapsed = (
			await t.db.query<{ id: number }>(
				`insert into public.bookings (event_id, seat_id, user_id, status, expires_at)
				 values ($1, $2, $3, 'held', now() - interval '1 second') returning id`,
				[eventB, seats[5], ann.id]
			)
		).rows[0].id;
		const ids = [fresh.data![0].id, lapsed];

		const refused = await confirmHolds(ann.c, ids);
		expect(refused.error).toMatchObject({ code: '23514', status: 400 });
		expect(refused.error!.message).toContain('expired');
		expect((await fetchSeatBookings(bob.c, eventB)).data!.status).toEqual(['held']);
		const taken = await holdSeats(bob.c, eventB, [seats[5]]);
		expect(taken.error).toBeNull();
		// Taken over: now the lapsed row is `expired`, and confirming it still books nothing.
		expect((await confirmHolds(ann.c, ids)).error).toMatchObject({ code: '23514' });
		await releaseBookings(ann.c, [fresh.data![0].id]);
		await releaseBookings(bob.c, [taken.data![0].id]);
	});

	it('holds the best seats together with best_available', async () => {
		const cy = await signedIn('Cy');
		const layout = (await fetchSeatLayout(cy.c, eventA)).data!;
		const category = layout.category(0).name;
		const best = await holdBestAvailable(cy.c, eventA, category, 2);
		expect(best.error).toBeNull();
		const picked = best.data!.map((b) => layout.indexOf(b.seat_id));
		expect(best.data!.every((b) => b.status === 'held' && b.user_id === cy.id)).toBe(true);
		expect(layout.describeSeats(picked)).toMatch(/^Floor · Row \w+ · Seats \d+–\d+$/);
		const tooMany = await holdBestAvailable(cy.c, eventA, category, 3);
		expect(tooMany.error).toMatchObject({ code: '22023', status: 400 });
		await releaseBookings(
			cy.c,
			best.data!.map((b) => b.id)
		);
	});

	it('sends accessible seats in the seat map and holds a wheelchair space with its companion', async () => {
		// Row A: 1 wheelchair, 2 companion, 3, 4 restricted view; row B: 1–3, 4 wheelchair.
		const eventId = (
			await t.db.query<{ id: number }>(
				`select public.create_venue_event(slug => 'app-access', name => 'Access', venue => 'Hall',
				   starts_at => now() + interval '5 days', max_seats_per_user => 2,
				   sections => '[{"name": "Floor", "rows": 2, "seats": 4, "price_cents": 1500,
				     "wheelchair": [{"row": "A", "seats": [1]}, {"row": "B", "seats": [4]}],
				     "restricted_view": [{"row": "A", "seats": [4]}]}]') as id`
			)
		).rows[0].id;
		const [dee, eve, fay] = await Promise.all(['Dee', 'Eve', 'Fay'].map(signedIn));
		const layout = (await fetchSeatLayout(dee.c, eventId)).data!;
		expect(layout.accessibility).toEqual([
			'wheelchair',
			'companion',
			null,
			null,
			null,
			null,
			'companion',
			'wheelchair'
		]);
		expect(layout.restrictedView).toEqual([false, false, false, true, false, false, false, false]);
		const seatName = (id: number) => layout.seatName(layout.indexOf(id));

		const first = await holdBestWheelchairSpace(dee.c, eventId, 'standard', 2);
		expect(first.error).toBeNull();
		expect(first.data!.map((b) => seatName(b.seat_id))).toEqual([
			'Floor · Row A · Seat 1',
			'Floor · Row A · Seat 2'
		]);
		const second = await holdBestWheelchairSpace(eve.c, eventId, 'standard', 2);
		expect(second.data!.map((b) => seatName(b.seat_id))).toEqual([
			'Floor · Row B · Seat 3',
			'Floor · Row B · Seat 4'
		]);
		const none = await holdBestWheelchairSpace(fay.c, eventId, 'standard', 2);
		expect(none.error).toMatchObject({
			code: 'PT409',
			status: 409,
			message: 'No wheelchair space with 1 companion seat beside it is free in category "standard".'
		});
		// Ordinary best available leaves the spaces and companions alone.
		const plain = await holdBestAvailable(fay.c, eventId, 'standard', 2);
		expect(plain.data!.map((b) => seatName(b.seat_id))).toEqual([
			'Floor · Row B · Seat 1',
			'Floor · Row B · Seat 2'
		]);
		await releaseBookings(
			fay.c,
			plain.data!.map((b) => b.id)
		);

		// A companion seat alone is refused (400, with the rule's constraint in the message).
		await releaseBookings(
			eve.c,
			second.data!.map((b) => b.id)
		);
		const alone = await holdSeats(fay.c, eventId, [layout.ids[6]]);
		expect(alone.error).toMatchObject({
			code: '23514',
			status: 400,
			message:
				'Floor · Row B · Seat 3 is a companion seat, for someone who comes with a wheelchair user.'
		});
		// Releasing the wheelchair space releases its companion with it.
		const space = first.data!.find((b) => b.seat_id === layout.ids[0])!;
		const released = await releaseBookings(dee.c, [space.id]);
		expect(released.error).toBeNull();
		expect((await currentBookings(dee.c, [layout.ids[0], layout.ids[1]])).data).toEqual([]);
	});

	it('feeds the realtime channels of src/lib/live as they open them', async () => {
		const ann = await signedIn('Ann');
		const dee = await signedIn('Dee');
		const started: { stop(): void }[] = [];
		/** A feed of src/lib/live/channel.ts as LiveQuery opens it: rows as they come, live once synced. */
		const rowsOf = (c: Supabase, spec: FeedSpec) => {
			const seen = { rows: [] as Record<string, unknown>[], synced: false };
			const live = new LiveChannel<true>(c, {
				...spec,
				on: {
					change: (rows) => seen.rows.push(...(rows as Record<string, unknown>[])),
					fetchSnapshot: async () => true,
					applySnapshot: () => {},
					connection: (state, synced) => (seen.synced = state === 'live' && synced)
				}
			});
			live.start();
			started.push(live);
			return seen;
		};
		// The event page's EventFeed: one event's changes, a snapshot once subscribed, presence.
		const viewer = (c: Supabase, key: string) => {
			const seen = { changes: [] as BookingChange[], synced: false, viewers: 0 };
			const feed = new EventFeed(c, eventA, key, () => Date.now(), {
				change: (change) => seen.changes.push(change),
				resyncBegins: () => {},
				snapshot: () => {},
				connection: (state, synced) => (seen.synced = state === 'live' && synced),
				viewers: (count) => (seen.viewers = count)
			});
			feed.start();
			started.push(feed);
			return { seen, feed };
		};
		// The events list: every event's seat counts, as deltas.
		const everything = rowsOf(ann.c, feeds.availability());
		// My bookings: one person's changes across events.
		const annsOwn = rowsOf(ann.c, feeds.myBookings(ann.id));
		const deesOwn = rowsOf(dee.c, feeds.myBookings(dee.id));
		const one = viewer(client(), 'viewer-1');
		const two = viewer(client(), 'viewer-2');
		await waitFor(
			() =>
				everything.synced && one.seen.synced && two.seen.synced && annsOwn.synced && deesOwn.synced,
			'five subscriptions synced'
		);
		await waitFor(() => one.seen.viewers === 2 && two.seen.viewers === 2, 'two viewers');

		const layoutB = await fetchSeatLayout(ann.c, eventB);
		const other = await holdSeats(ann.c, eventB, [layoutB.data!.ids[0]]);
		const layoutA = await fetchSeatLayout(ann.c, eventA);
		const mine = await holdSeats(ann.c, eventA, [layoutA.data!.ids[5]]);
		await releaseBookings(
			ann.c,
			mine.data!.map((b) => b.id)
		);
		const said = (rows: Record<string, unknown>[]) =>
			rows.map((r) => `${r.status} ${r.event_id} ${r.seat_id}`);
		// The events list: per event, how the counts moved (a hold counts as held until it lapses).
		await waitFor(() => everything.rows.length === 3, 'the three changes on the events list');
		expect(everything.rows).toEqual([
			{ event_id: eventB, booked: 0, held: 1, next_lapse: other.data![0].expires_at },
			{ event_id: eventA, booked: 0, held: 1, next_lapse: mine.data![0].expires_at },
			{ event_id: eventA, booked: 0, held: -1, next_lapse: null }
		]);
		await waitFor(() => annsOwn.rows.length === 3, "Ann's own three changes");
		expect(said(annsOwn.rows)).toEqual([
			`held ${eventB} ${layoutB.data!.ids[0]}`,
			`held ${eventA} ${layoutA.data!.ids[5]}`,
			`released ${eventA} ${layoutA.data!.ids[5]}`
		]);
		expect(deesOwn.rows).toEqual([]);
		// Nobody joins another's own topic.
		const refused: string[] = [];
		const annsFromDee = new LiveChannel<true>(dee.c, {
			...feeds.myBookings(ann.id),
			on: {
				change: () => refused.push('a change'),
				fetchSnapshot: async () => true,
				applySnapshot: () => {},
				connection: () => {},
				trouble: (what) => refused.push(what)
			}
		});
		annsFromDee.start();
		started.push(annsFromDee);
		await waitFor(() => refused.length > 0, "Dee's join of Ann's topic refused");
		expect(refused[0]).toBe(
			`CHANNEL_ERROR: Unauthorized: You do not have permissions to read from this Channel topic: user:${ann.id}`
		);
		await waitFor(() => one.seen.changes.length === 2, 'the event channel changes');
		// Only this event's changes, each the booking's new state as the seat state reads it.
		const [booking] = mine.data!;
		expect(one.seen.changes).toEqual([
			booking,
			{ ...booking, status: 'released', expires_at: expect.anything() }
		]);
		expect(other.error).toBeNull();

		// stop(): removeChannel leaves the topic; the other viewer sees presence drop to one.
		two.feed.stop();
		await waitFor(() => one.seen.viewers === 1, 'the viewer to leave');
		await holdSeats(ann.c, eventA, [layoutA.data!.ids[6]]);
		await waitFor(() => one.seen.changes.length === 3, 'a change after the other viewer left');
		expect(two.seen.changes).toHaveLength(2);
		for (const live of started) live.stop();
	});
});
