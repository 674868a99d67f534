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
};

const counts = (total: number, booked: number, held = 0, nextLapse: number | null = null) => ({
	total,
	booked,
	held,
	nextLapse
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
		}
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
		}
	};
	return {
		client: client as unknown as Supabase,
		pending,
		change: () => listeners.get('postgres_changes')?.({}),
		system: (payload: unknown) => listeners.get('system')?.(payload),
		status: (s: string) => onStatus(s),
		/** SUBSCRIBED, then the server's "Subscribed to PostgreSQL": changes surely flow. */
		goLive() {
			onStatus('SUBSCRIBED');
			listeners.get('system')?.({ extension: 'postgres_changes', status: 'ok', message: 'ok' });
		},
		removed: () => removed,
		opened: () => opened
	};
}

const flush = () => new Promise((r) => setTimeout(r, 0));

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
		live.start();
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

	it('starts from the loaded counts and refreshes once the subscription is confirmed', async () => {
		const f = fake();
		const live = new EventsAvailability(f.client, new Map([[1, counts(10, 2)]]));
		expect(live.seatsLeft(1)).toBe('8 seats left');
		live.start();
		expect(f.pending).toHaveLength(0);
		f.status('SUBSCRIBED');
		expect(live.connection).toBe('live');
		// Changes are not sure to flow before the server confirms the database subscription.
		expect(f.pending).toHaveLength(0);
		f.system({ extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL' });
		expect(f.pending).toHaveLength(1);
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 3 }]);
		await flush();
		expect(live.seatsLeft(1)).toBe('7 seats left');
		live.stop();
	});

	it('fetches 1.5 s after SUBSCRIBED when the server never confirms, and not again when it does late', async () => {
		vi.useFakeTimers();
		const f = fake();
		const live = new EventsAvailability(f.client, new Map());
		live.start();
		f.status('SUBSCRIBED');
		await vi.advanceTimersByTimeAsync(1_499);
		expect(f.pending).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(1);
		expect(f.pending).toHaveLength(1);
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 4 }]);
		await vi.advanceTimersByTimeAsync(0);
		expect(live.seatsLeft(1)).toBe('6 seats left');
		f.system({ extension: 'postgres_changes', status: 'ok', message: 'late' });
		await vi.advanceTimersByTimeAsync(1_000);
		expect(f.pending).toHaveLength(0);
		live.stop();
	});

	it('starts a fresh channel when the server closes it, and fetches again once confirmed', async () => {
		vi.useFakeTimers();
		const f = fake();
		const live = new EventsAvailability(f.client, new Map());
		live.start();
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
		// Meanwhile a seat was booked; the fetch after the new confirmation shows it.
		f.goLive();
		expect(live.connection).toBe('live');
		expect(f.pending).toHaveLength(1);
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 4 }]);
		await vi.advanceTimersByTimeAsync(0);
		expect(live.seatsLeft(1)).toBe('6 seats left');
		live.stop();
	});

	it('coalesces a burst of changes into one more request, and fetches at most once a second', async () => {
		vi.useFakeTimers();
		const f = fake();
		const live = new EventsAvailability(f.client, new Map());
		live.start();
		f.change();
		f.change();
		f.change();
		expect(f.pending).toHaveLength(1);
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 1 }]);
		await vi.advanceTimersByTimeAsync(0);
		expect(live.seatsLeft(1)).toBe('9 seats left');
		// The changes that came during the fetch cost one more, a second after the first began.
		await vi.advanceTimersByTimeAsync(999);
		expect(f.pending).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(1);
		expect(f.pending).toHaveLength(1);
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 4 }]);
		await vi.advanceTimersByTimeAsync(0);
		expect(f.pending).toHaveLength(0);
		expect(live.seatsLeft(1)).toBe('6 seats left');

		// A venue selling 100 seats a second: ten seconds of it cost about ten fetches.
		let fetched = 0;
		for (let ms = 0; ms < 10_000; ms += 10) {
			f.change();
			while (f.pending.length) {
				fetched++;
				f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 4 }]);
			}
			await vi.advanceTimersByTimeAsync(10);
		}
		expect(fetched).toBeGreaterThanOrEqual(9);
		expect(fetched).toBeLessThanOrEqual(11);
		live.stop();
	});

	it('reports a lost connection and removes its channel on stop', () => {
		const f = fake();
		const live = new EventsAvailability(f.client, new Map());
		live.start();
		f.status('CHANNEL_ERROR');
		expect(live.connection).toBe('offline');
		live.stop();
		expect(f.removed()).toBe(true);
	});
});
