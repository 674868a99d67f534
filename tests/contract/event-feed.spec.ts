/**
 * The event page's feed on the new path, end to end: the app's EventFeed and SeatState (through
 * the fault test's watcher) with the real supabase-js against the whole back end on the project's
 * migrations, on PostgreSQL 15 and on PGlite. One person's changes reach a viewer once and in
 * order; after a cut connection the viewer catches up by Broadcast Replay, or by the snapshot when
 * the gap holds more than the replay's 25 messages, and its map matches the database seat by seat.
 */
import { createServer, Socket, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../backend/src/backend.ts';
import { serve, type Served } from '../../backend/src/node.ts';
import { ENGINES, openTestDb, type TestDb } from '../../backend/test-support/databases.ts';
import { waitFor } from '../../backend/test-support/realtime.ts';
import type { Database } from '../../src/lib/database.types.ts';
import { watchSeats, type SeatWatcher } from './load.ts';

/** A TCP relay in front of the server whose connections the test can cut, as a network drop would. */
class Cable {
	#server: Server;
	#sockets = new Set<Socket>();
	#down = false;
	#target: URL;

	private constructor(target: string) {
		this.#target = new URL(target);
		this.#server = createServer((near) => this.#relay(near));
	}

	static async to(target: string): Promise<Cable> {
		const cable = new Cable(target);
		await new Promise<void>((done) => cable.#server.listen(0, '127.0.0.1', done));
		return cable;
	}

	get url(): string {
		return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
	}

	#relay(near: Socket): void {
		if (this.#down) return void near.destroy();
		const far = new Socket();
		far.connect(Number(this.#target.port), this.#target.hostname);
		for (const [a, b] of [
			[near, far],
			[far, near]
		]) {
			this.#sockets.add(a);
			a.pipe(b);
			a.on('error', () => b.destroy());
			a.on('close', () => {
				this.#sockets.delete(a);
				b.destroy();
			});
		}
	}

	/** Drops every connection and refuses new ones until `mend`. */
	cut(): void {
		this.#down = true;
		for (const s of this.#sockets) s.destroy();
	}

	mend(): void {
		this.#down = false;
	}

	close(): Promise<void> {
		this.cut();
		return new Promise((done) => this.#server.close(() => done()));
	}
}

describe.each(ENGINES)('the event feed on %s', (engine) => {
	let t: TestDb;
	let backend: Backend;
	let served: Served;
	let cable: Cable;
	let ann: SupabaseClient<Database>;
	const watchers: SeatWatcher[] = [];

	beforeAll(async () => {
		t = await openTestDb(engine, { seed: false });
		backend = createBackend({ db: t.db });
		served = await serve(backend, { port: 0 });
		cable = await Cable.to(served.url);
		ann = createClient<Database>(served.url, backend.keys.publishableKey, {
			auth: { persistSession: false, autoRefreshToken: false }
		});
		const { error } = await ann.auth.signInAnonymously({
			options: { data: { display_name: 'Ann' } }
		});
		expect(error).toBeNull();
	}, 60_000);
	afterAll(async () => {
		for (const w of watchers) await w.close();
		await cable?.close();
		await served?.close(2000);
		await t?.close();
	});

	/** A new event of 4 × 10 seats (max 40 per person), its seat ids in order. */
	async function newEvent(slug: string): Promise<{ id: number; seats: number[] }> {
		const { rows } = await t.db.query<{ id: number }>(
			`select public.create_venue_event(slug => $1, name => $1, venue => 'Hall',
			   starts_at => now() + interval '1 day', max_seats_per_user => 40,
			   sections => '[{"name": "A", "rows": 4, "seats": 10, "price_cents": 100}]') as id`,
			[slug]
		);
		const id = Number(rows[0].id);
		const seats = await t.db.query<{ id: number }>(
			'select id from public.seats where event_id = $1 order by id',
			[id]
		);
		return { id, seats: seats.rows.map((r) => Number(r.id)) };
	}

	/** What the database says of every seat not free: held (not lapsed) or taken. */
	async function inDatabase(eventId: number): Promise<Map<number, string>> {
		const { rows } = await t.db.query<{ seat_id: number; status: string }>(
			`select seat_id, status from public.bookings
			 where event_id = $1 and (status = 'booked' or (status = 'held' and expires_at > now()))`,
			[eventId]
		);
		return new Map(rows.map((r) => [Number(r.seat_id), r.status === 'booked' ? 'taken' : 'held']));
	}

	async function watching(url: string, eventId: number): Promise<SeatWatcher> {
		const w = await watchSeats(url, eventId);
		watchers.push(w);
		await waitFor(() => w.synced >= 1, 'the first snapshot');
		return w;
	}

	const hold = async (eventId: number, seats: number[]) => {
		const { data, error } = await ann
			.from('bookings')
			.insert(seats.map((seat_id) => ({ event_id: eventId, seat_id, status: 'held' })))
			.select('id');
		expect(error).toBeNull();
		return data!.map((b) => b.id);
	};
	const update = async (ids: number[], status: 'booked' | 'released') => {
		const { error } = await ann.from('bookings').update({ status }).in('id', ids);
		expect(error).toBeNull();
	};

	it("delivers A's hold, booking and release to a viewer once each, in order", async () => {
		const event = await newEvent('feed-order');
		const bob = await watching(served.url, event.id);
		const ids = await hold(event.id, event.seats.slice(0, 2));
		await waitFor(() => bob.statuses.get(event.seats[1]) === 'held', "A's hold on B's map");
		expect(bob.statuses).toEqual(await inDatabase(event.id));
		await update(ids, 'booked');
		await update(ids.slice(0, 1), 'released');
		// One more change after those, so anything repeated would have arrived by then.
		const [last] = await hold(event.id, [event.seats[9]]);
		await waitFor(() => bob.log.some((c) => c.id === last), 'the last change');
		expect(bob.log.map((c) => `${c.status} ${c.seat_id}`)).toEqual([
			`held ${event.seats[0]}`,
			`held ${event.seats[1]}`,
			`booked ${event.seats[0]}`,
			`booked ${event.seats[1]}`,
			`released ${event.seats[0]}`,
			`held ${event.seats[9]}`
		]);
		expect(bob.statuses).toEqual(await inDatabase(event.id));
		expect(bob.errors).toEqual([]);
	});

	it('fills a short gap by replay: no snapshot, and the map matches the database', async () => {
		const event = await newEvent('feed-replay');
		const bob = await watching(cable.url, event.id);
		const before = await hold(event.id, event.seats.slice(0, 3));
		await waitFor(() => bob.statuses.size === 3, 'the holds before the gap');

		cable.cut();
		// While Bob is away: one hold booked, one released, two new holds, a booking of two.
		await update(before.slice(0, 1), 'booked');
		await update(before.slice(1, 2), 'released');
		const more = await hold(event.id, event.seats.slice(10, 12));
		await update(more, 'booked');
		await hold(event.id, event.seats.slice(20, 22));
		expect(bob.statuses.size).toBe(3);
		const { snapshots, replays, synced } = bob;

		cable.mend();
		await waitFor(() => bob.synced > synced, 'Bob to catch up', 15_000);
		expect([bob.snapshots, bob.replays]).toEqual([snapshots, replays + 1]);
		expect(bob.statuses).toEqual(await inDatabase(event.id));
		expect(bob.statuses.size).toBe(6);
		expect(bob.errors).toEqual([]);
	});

	it('takes the snapshot when the gap holds more than 25 messages', async () => {
		const event = await newEvent('feed-long-gap');
		const bob = await watching(cable.url, event.id);
		await hold(event.id, event.seats.slice(0, 1));
		await waitFor(() => bob.statuses.size === 1, 'the hold before the gap');

		cable.cut();
		// 30 statements, so 30 messages: one hold and one release of each of 15 seats, then 3 holds.
		for (const seat of event.seats.slice(1, 16))
			await update(await hold(event.id, [seat]), 'released');
		await hold(event.id, event.seats.slice(30, 33));
		const { snapshots, replays, synced } = bob;

		cable.mend();
		await waitFor(() => bob.synced > synced, 'Bob to catch up', 15_000);
		expect([bob.snapshots, bob.replays]).toEqual([snapshots + 1, replays]);
		expect(bob.statuses).toEqual(await inDatabase(event.id));
		expect(bob.statuses.size).toBe(4);
		expect(bob.errors).toEqual([]);
	});
});
