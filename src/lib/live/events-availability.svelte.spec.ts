import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Supabase } from '$lib/api/client';
import { ServerClock } from '$lib/domain/server-clock';
import { EventsAvailability } from './events-availability.svelte.ts';

type Row = {
	event_id: number;
	seats_total: number;
	seats_booked: number;
	seats_held?: number;
	next_lapse?: string | null;
	price_min_cents?: number | null;
	price_max_cents?: number | null;
};

const counts = (
	total: number,
	booked: number,
	held = 0,
	nextLapse: number | null = null,
	prices: [number, number] | null = null
) => ({
	total,
	booked,
	held,
	nextLapse,
	priceMin: prices?.[0] ?? null,
	priceMax: prices?.[1] ?? null
});

/**
 * supabase-js stand-in: one channel the test drives, event_availability answered on demand, and
 * server_time answered at once with `serverNow`.
 */
function fake(serverNow = () => new Date().toISOString()) {
	const pending: ((rows: Row[]) => void)[] = [];
	const listeners = new Map<string, (payload?: unknown) => void>();
	let onStatus: (status: string) => void = () => {};
	let removed = false;
	let opened = 0;
	const channel = {
		on(type: string, _filter: unknown, callback: (payload?: unknown) => void) {
			listeners.set(type, callback);
			return channel;
		},
		subscribe(callback: (status: string) => void) {
			onStatus = callback;
			return channel;
		},
		updateJoinPayload() {}
	};
	const client = {
		rpc: (name: string) =>
			name === 'server_time'
				? Promise.resolve({ data: serverNow(), error: null, status: 200 })
				: new Promise((resolve) =>
						pending.push((rows) =>
							resolve({
								data: rows.map((r) => ({ seats_held: 0, next_lapse: null, ...r })),
								error: null,
								status: 200
							})
						)
					),
		channel: () => {
			opened++;
			return channel;
		},
		removeChannel: () => {
			removed = true;
			return Promise.resolve('ok');
		},
		realtime: { setAuth: () => Promise.resolve() }
	};
	return {
		client: client as unknown as Supabase,
		pending,
		/** The database's `availability` message on `events`. */
		change: (
			...events: { event_id: number; booked: number; held: number; next_lapse?: string }[]
		) =>
			listeners.get('broadcast')?.({
				type: 'broadcast',
				event: 'availability',
				payload: { events: events.map((e) => ({ next_lapse: null, ...e })) }
			}),
		status: (s: string) => onStatus(s),
		/** SUBSCRIBED: changes surely flow. */
		goLive() {
			onStatus('SUBSCRIBED');
		},
		removed: () => removed,
		opened: () => opened
	};
}

const flush = () => new Promise((r) => setTimeout(r, 0));
/** Starts it; its join waits for realtime to have the token (promises only: timers may be fake). */
async function started(live: EventsAvailability) {
	live.start();
	for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('EventsAvailability', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it('counts held seats as not left, and fetches again when the next hold lapses', async () => {
		vi.useFakeTimers();
		const start = Date.parse('2026-11-24T12:00:00Z');
		vi.setSystemTime(start);
		// The database's clock runs 5 s ahead of this browser's.
		const f = fake(() => new Date(Date.now() + 5_000).toISOString());
		const lapse = start + 5_000 + 60_000;
		const live = new EventsAvailability(f.client, new Map(), new ServerClock());
		await started(live);
		f.goLive();
		f.pending.shift()!([
			{
				event_id: 1,
				seats_total: 10,
				seats_booked: 2,
				seats_held: 3,
				next_lapse: new Date(lapse).toISOString()
			}
		]);
		await vi.advanceTimersByTimeAsync(0);
		expect(live.seatsLeft(1)).toBe('5 seats left');

		// By the database's clock the hold lapses 60 s from now; not a moment earlier.
		await vi.advanceTimersByTimeAsync(59_999);
		expect(f.pending).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(1);
		expect(f.pending).toHaveLength(1);
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 2, seats_held: 0 }]);
		await vi.advanceTimersByTimeAsync(0);
		expect(live.seatsLeft(1)).toBe('8 seats left');

		// No hold left: no timer, so nothing more is fetched until a change arrives.
		await vi.advanceTimersByTimeAsync(3_600_000);
		expect(f.pending).toHaveLength(0);
		live.stop();
	});

	it('says "sold out" only when every seat is booked, not while some are only held', async () => {
		const f = fake();
		const live = new EventsAvailability(
			f.client,
			new Map([
				[1, counts(10, 8, 2, Date.now() + 60_000)],
				[2, counts(10, 10)],
				[3, counts(10, 9, 0)]
			])
		);
		expect(live.seatsLeft(1)).toBe('No seats free now · 2 seats on hold');
		expect(live.seatsLeft(2)).toBe('Sold out');
		expect(live.seatsLeft(3)).toBe('1 seat left');
		expect(live.seatsLeft(4)).toBeNull();
	});

	it('fetches nothing on a timer once stopped', async () => {
		vi.useFakeTimers();
		const f = fake();
		const lapse = new Date(Date.now() + 10_000).toISOString();
		const live = new EventsAvailability(
			f.client,
			new Map([[1, counts(10, 0, 1, Date.parse(lapse))]])
		);
		live.start();
		live.stop();
		await vi.advanceTimersByTimeAsync(20_000);
		expect(f.pending).toHaveLength(0);
	});

	it('starts from the loaded counts and refreshes once subscribed', async () => {
		const f = fake();
		const live = new EventsAvailability(f.client, new Map([[1, counts(10, 2)]]));
		expect(live.seatsLeft(1)).toBe('8 seats left');
		await started(live);
		expect(f.pending).toHaveLength(0);
		f.status('SUBSCRIBED');
		expect(live.connection).toBe('live');
		expect(f.pending).toHaveLength(1);
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 3 }]);
		await flush();
		expect(live.seatsLeft(1)).toBe('7 seats left');
		expect(live.synced).toBe(true);
		live.stop();
	});

	it('starts a fresh channel when the server closes it, and fetches again once subscribed', async () => {
		vi.useFakeTimers();
		const f = fake();
		const live = new EventsAvailability(f.client, new Map());
		await started(live);
		f.goLive();
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 3 }]);
		await vi.advanceTimersByTimeAsync(0);
		expect(live.seatsLeft(1)).toBe('7 seats left');
		// The server ends the channel (as at token expiry): nothing rejoins it by itself.
		f.status('CLOSED');
		expect(live.connection).toBe('offline');
		expect(f.removed()).toBe(true);
		expect(f.opened()).toBe(1);
		await vi.advanceTimersByTimeAsync(2_000);
		expect(f.opened()).toBe(2);
		expect(live.connection).toBe('offline');
		// Meanwhile a seat was booked; the fetch after the new join shows it.
		f.goLive();
		expect(live.connection).toBe('live');
		expect(f.pending).toHaveLength(1);
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 4 }]);
		await vi.advanceTimersByTimeAsync(0);
		expect(live.seatsLeft(1)).toBe('6 seats left');
		live.stop();
	});

	it("adds the database's deltas without fetching, and fetches again at a new hold's lapse", async () => {
		vi.useFakeTimers();
		const f = fake();
		const live = new EventsAvailability(
			f.client,
			new Map([
				[1, counts(10, 0)],
				[2, counts(5, 1)]
			])
		);
		await started(live);
		f.goLive();
		f.pending.shift()!([
			{ event_id: 1, seats_total: 10, seats_booked: 0 },
			{ event_id: 2, seats_total: 5, seats_booked: 1 }
		]);
		await vi.advanceTimersByTimeAsync(0);

		// A venue selling 100 seats a second for ten seconds costs no fetch at all.
		for (let ms = 0; ms < 10_000; ms += 10) {
			f.change({ event_id: 1, booked: 1, held: 0 }, { event_id: 1, booked: 0, held: 0 });
			await vi.advanceTimersByTimeAsync(10);
		}
		expect(f.pending).toHaveLength(0);
		expect(live.counts.get(1)).toEqual(counts(10, 1000));

		const lapse = Date.now() + 60_000;
		f.change({ event_id: 2, booked: 0, held: 2, next_lapse: new Date(lapse).toISOString() });
		// An event the list does not show is left out.
		f.change({ event_id: 3, booked: 1, held: 0 });
		expect(live.seatsLeft(2)).toBe('2 seats left');
		expect(live.counts.has(3)).toBe(false);
		await vi.advanceTimersByTimeAsync(60_000);
		expect(f.pending).toHaveLength(1);
		f.pending.shift()!([{ event_id: 2, seats_total: 5, seats_booked: 1 }]);
		await vi.advanceTimersByTimeAsync(0);
		expect(live.seatsLeft(2)).toBe('4 seats left');
		live.stop();
	});

	it('adds a delta that arrives while a fetch is on its way on top of what it returns', async () => {
		const f = fake();
		const live = new EventsAvailability(f.client, new Map([[1, counts(10, 0)]]));
		await started(live);
		f.goLive();
		f.change({ event_id: 1, booked: 2, held: 0 });
		expect(live.seatsLeft(1)).toBe('8 seats left');
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 5 }]);
		await flush();
		expect(live.seatsLeft(1)).toBe('3 seats left');
		// Later deltas are added once.
		f.change({ event_id: 1, booked: -1, held: 0 });
		expect(live.seatsLeft(1)).toBe('4 seats left');
		live.stop();
	});

	it('says "Only" once few seats are free, and keeps the price range as deltas arrive', async () => {
		const f = fake();
		const live = new EventsAvailability(
			f.client,
			new Map([
				[1, counts(100, 80, 0, null, [2500, 12000])],
				[2, counts(4, 3)],
				[3, counts(0, 0)]
			])
		);
		expect(live.priceRange(1)).toBe('€25.00–€120.00');
		await started(live);
		f.goLive();
		f.pending.shift()!([
			{
				event_id: 1,
				seats_total: 100,
				seats_booked: 85,
				price_min_cents: 2500,
				price_max_cents: 12000
			},
			{ event_id: 2, seats_total: 4, seats_booked: 3 },
			{ event_id: 3, seats_total: 0, seats_booked: 0 }
		]);
		await flush();
		// 15 of 100 left is not few yet; 10 of them is.
		expect(live.seatsLeft(1)).toBe('15 seats left');
		expect(live.fewLeft(1)).toBe(false);
		f.change({ event_id: 1, booked: 3, held: 2 });
		expect(live.seatsLeft(1)).toBe('10 seats left');
		expect(live.fewLeft(1)).toBe(true);
		expect(live.priceRange(1)).toBe('€25.00–€120.00');
		// The last seat of four is a quarter of the room: not "only".
		expect(live.seatsLeft(2)).toBe('1 seat left');
		expect(live.fewLeft(2)).toBe(false);
		// With no seats there is no price to show, and nothing is "few".
		expect(live.priceRange(3)).toBeNull();
		expect(live.fewLeft(3)).toBe(false);
		expect(live.fewLeft(99)).toBe(false);
		expect(live.priceRange(99)).toBeNull();
		live.stop();
	});

	it('reports a lost connection and removes its channel on stop', async () => {
		const f = fake();
		const live = new EventsAvailability(f.client, new Map());
		await started(live);
		f.status('CHANNEL_ERROR');
		expect(live.connection).toBe('offline');
		live.stop();
		expect(f.removed()).toBe(true);
	});
});
