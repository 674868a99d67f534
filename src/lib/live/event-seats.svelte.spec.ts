import { describe, expect, it, vi } from 'vitest';
import type { Supabase } from '$lib/api/client';
import type { EventRow } from '$lib/api/events';
import { EventSeats } from './event-seats.svelte.ts';

/**
 * The store against a stand-in for supabase-js: one realtime channel whose status and messages the
 * test drives, RPCs the test answers when it chooses (so changes can arrive mid-snapshot), and a
 * queue of REST answers. What the database would decide is the back end's tests' business.
 */
type Handler = {
	type: string;
	filter: Record<string, unknown>;
	callback: (payload: unknown) => void;
};

class FakeChannel {
	handlers: Handler[] = [];
	status: ((status: string) => void) | null = null;
	presence: Record<string, unknown[]> = {};
	removed = false;
	tracked = 0;
	topic: string;
	options: unknown;
	constructor(topic: string, options: unknown) {
		this.topic = topic;
		this.options = options;
	}
	on(type: string, filter: Record<string, unknown>, callback: (payload: unknown) => void) {
		this.handlers.push({ type, filter, callback });
		return this;
	}
	subscribe(callback: (status: string) => void) {
		this.status = callback;
		return this;
	}
	track() {
		this.tracked++;
		return Promise.resolve('ok');
	}
	presenceState() {
		return this.presence;
	}
	emit(type: string, payload: unknown, event?: string) {
		for (const h of this.handlers)
			if (h.type === type && (!event || h.filter.event === event)) h.callback(payload);
	}
	change(record: { id: number; seat_id: number; user_id: string; status: string }) {
		this.emit('postgres_changes', {
			eventType: 'UPDATE',
			new: { event_id: 1, ...record },
			old: {}
		});
	}
}

function deferred<T>() {
	let resolve!: (value: T) => void;
	const promise = new Promise<T>((r) => (resolve = r));
	return { promise, resolve };
}

const ME = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const EVENT: EventRow = {
	id: 1,
	slug: 'test',
	name: 'Test',
	venue: 'Hall',
	starts_at: '2030-01-01T20:00:00Z',
	max_seats_per_user: 4,
	created_at: '2030-01-01T00:00:00Z'
};
const SEAT_MAP = {
	id: [11, 12, 13, 14],
	section: ['A', 'A', 'A', 'A'],
	row_label: ['1', '1', '1', '1'],
	number: [1, 2, 3, 4],
	x: [0, 1, 2, 3],
	y: [0, 0, 0, 0],
	category: ['std', 'std', 'std', 'std'],
	price_cents: [1000, 1000, 1000, 1000]
};

function fakeSupabase() {
	const channels: FakeChannel[] = [];
	const snapshots: ReturnType<typeof deferred<unknown>>[] = [];
	const rest: { data: unknown; error: unknown; status: number }[] = [];
	const calls: string[] = [];
	const builder = (): unknown =>
		new Proxy(
			{},
			{
				get(_, key: string) {
					if (key === 'then') {
						const answer = rest.shift() ?? { data: [], error: null, status: 200 };
						return (resolve: (v: unknown) => void) => resolve(answer);
					}
					return (...args: unknown[]) => {
						calls.push(`${key}(${JSON.stringify(args)})`);
						return builder();
					};
				}
			}
		);
	const client = {
		rpc(name: string) {
			if (name === 'seat_map') return Promise.resolve({ data: SEAT_MAP, error: null, status: 200 });
			const snapshot = deferred<unknown>();
			snapshots.push(snapshot);
			return snapshot.promise.then((data) => ({ data, error: null, status: 200 }));
		},
		from: () => builder(),
		channel(topic: string, options: unknown) {
			const channel = new FakeChannel(topic, options);
			channels.push(channel);
			return channel;
		},
		removeChannel(channel: FakeChannel) {
			channel.removed = true;
			return Promise.resolve('ok');
		}
	};
	return { client: client as unknown as Supabase, channels, snapshots, rest, calls };
}

function statuses(store: EventSeats) {
	return [0, 1, 2, 3].map((i) => store.status(i));
}

async function started(user: string | null = ME, event = EVENT) {
	const fake = fakeSupabase();
	const store = new EventSeats(fake.client, event, user);
	const repainted: number[][] = [];
	store.onSeats((seats) => repainted.push(seats));
	await store.start();
	return { fake, store, repainted, channel: fake.channels[0] };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

/** SUBSCRIBED, then the server's "Subscribed to PostgreSQL": the moment the snapshot is fetched. */
function goLive(channel: FakeChannel) {
	channel.status!('SUBSCRIBED');
	channel.emit('system', { extension: 'postgres_changes', status: 'ok', message: 'Subscribed' });
}

describe('EventSeats', () => {
	it('loads the layout, then subscribes to its event before fetching the snapshot', async () => {
		const { store, channel, fake } = await started();
		expect(store.load).toBe('ready');
		expect(store.layout?.size).toBe(4);
		expect(channel.topic).toBe('event-1');
		expect(channel.handlers.find((h) => h.type === 'postgres_changes')?.filter).toEqual({
			event: '*',
			schema: 'public',
			table: 'bookings',
			filter: 'event_id=eq.1'
		});
		// No snapshot before the subscription is live and confirmed.
		expect(fake.snapshots).toHaveLength(0);
		channel.status!('SUBSCRIBED');
		expect(store.connection).toBe('live');
		expect(channel.tracked).toBe(1);
		expect(fake.snapshots).toHaveLength(0);
		channel.emit('system', { extension: 'postgres_changes', status: 'ok', message: 'Subscribed' });
		expect(fake.snapshots).toHaveLength(1);
	});

	it('keeps a change that arrives while the snapshot is in flight', async () => {
		const { store, channel, fake, repainted } = await started();
		goLive(channel);
		channel.change({ id: 7, seat_id: 12, user_id: OTHER, status: 'booked' });
		fake.snapshots[0].resolve({ booking_id: [3], seat_id: [11], user_id: [ME] });
		await flush();
		expect(statuses(store)).toEqual(['mine', 'taken', 'available', 'available']);
		expect(store.synced).toBe(true);
		expect(store.mine).toEqual([0]);
		expect(store.available).toBe(2);
		expect(repainted.flat().sort()).toEqual([0, 1]);
	});

	it('shows the banner state while disconnected and resyncs on reconnect', async () => {
		const { store, channel, fake } = await started();
		goLive(channel);
		fake.snapshots[0].resolve({ booking_id: [3, 4], seat_id: [11, 12], user_id: [OTHER, OTHER] });
		await flush();
		channel.status!('CHANNEL_ERROR');
		expect(store.connection).toBe('offline');
		expect(store.synced).toBe(false);
		// Meanwhile booking 3 was released and seat 14 booked; the changes were never delivered.
		goLive(channel);
		fake.snapshots[1].resolve({ booking_id: [4, 9], seat_id: [12, 14], user_id: [OTHER, OTHER] });
		await flush();
		expect(store.connection).toBe('live');
		expect(statuses(store)).toEqual(['available', 'taken', 'available', 'taken']);
	});

	it('still takes a snapshot when the server never confirms the subscription', async () => {
		vi.useFakeTimers();
		try {
			const { channel, fake } = await started();
			channel.status!('SUBSCRIBED');
			expect(fake.snapshots).toHaveLength(0);
			vi.advanceTimersByTime(1500);
			expect(fake.snapshots).toHaveLength(1);
			// A late confirmation does not fetch twice.
			channel.emit('system', { extension: 'postgres_changes', status: 'ok', message: 'late' });
			expect(fake.snapshots).toHaveLength(1);
		} finally {
			vi.useRealTimers();
		}
	});

	it('ignores duplicate and stale changes', async () => {
		const { store, channel, fake } = await started();
		goLive(channel);
		fake.snapshots[0].resolve({ booking_id: [], seat_id: [], user_id: [] });
		await flush();
		channel.change({ id: 5, seat_id: 13, user_id: OTHER, status: 'released' });
		channel.change({ id: 5, seat_id: 13, user_id: OTHER, status: 'booked' });
		channel.change({ id: 6, seat_id: 13, user_id: ME, status: 'booked' });
		channel.change({ id: 6, seat_id: 13, user_id: ME, status: 'booked' });
		expect(store.status(2)).toBe('mine');
		channel.change({ id: 5, seat_id: 13, user_id: OTHER, status: 'released' });
		expect(store.status(2)).toBe('mine');
	});

	it('drops a selected seat someone else takes and says so', async () => {
		const { store, channel, fake } = await started();
		const lost: number[][] = [];
		store.onSelectionTaken((seats) => lost.push(seats));
		goLive(channel);
		fake.snapshots[0].resolve({ booking_id: [], seat_id: [], user_id: [] });
		await flush();
		expect(store.toggle(1)).toBeNull();
		channel.change({ id: 8, seat_id: 12, user_id: OTHER, status: 'booked' });
		expect(store.selection.has(1)).toBe(false);
		expect(lost).toEqual([[1]]);
	});

	it('books the selection in one insert and marks the seats mine', async () => {
		const { store, fake } = await started();
		store.toggle(0);
		store.toggle(2);
		fake.rest.push({
			data: [
				{ id: 20, seat_id: 11, user_id: ME, status: 'booked' },
				{ id: 21, seat_id: 13, user_id: ME, status: 'booked' }
			],
			error: null,
			status: 201
		});
		const outcome = await store.book();
		expect(outcome.kind).toBe('success');
		expect(fake.calls[0]).toBe(
			'insert([[{"event_id":1,"seat_id":11},{"event_id":1,"seat_id":13}]])'
		);
		expect(statuses(store)).toEqual(['mine', 'available', 'mine', 'available']);
		expect(store.selection.size).toBe(0);
	});

	it('tells the loser of a race and corrects the map at once', async () => {
		const { store, fake } = await started();
		store.toggle(0);
		store.toggle(1);
		fake.rest.push({
			data: null,
			error: { code: '23505', message: 'duplicate key value', details: null, hint: null },
			status: 409
		});
		fake.rest.push({
			data: [{ id: 30, seat_id: 12, user_id: OTHER, status: 'booked' }],
			error: null,
			status: 200
		});
		const outcome = await store.book();
		expect(outcome).toEqual({
			kind: 'error',
			message:
				'Someone else just booked A-1-2. Nothing was booked; those seats are now marked taken.'
		});
		expect(statuses(store)).toEqual(['available', 'taken', 'available', 'available']);
		expect([...store.selection]).toEqual([0]);
	});

	it('refuses to select more seats than the per-person limit', async () => {
		const { store, channel, fake } = await started(ME, { ...EVENT, max_seats_per_user: 3 });
		goLive(channel);
		fake.snapshots[0].resolve({ booking_id: [1, 2], seat_id: [11, 12], user_id: [ME, ME] });
		await flush();
		// Two are mine already, so one more may be selected, not two.
		expect(store.toggle(2)).toBeNull();
		expect(store.toggle(3)).toEqual({
			kind: 'info',
			message: 'You can book at most 3 seats for this event.'
		});
		expect([...store.selection]).toEqual([2]);
	});

	it('counts viewers from presence and tears the channel down on stop', async () => {
		const { store, channel } = await started();
		channel.presence = { a: [{}], b: [{}, {}] };
		channel.emit('presence', {}, 'sync');
		expect(store.viewers).toBe(2);
		store.stop();
		expect(channel.removed).toBe(true);
	});

	it('releases my seats', async () => {
		const { store, channel, fake } = await started();
		goLive(channel);
		fake.snapshots[0].resolve({ booking_id: [3], seat_id: [11], user_id: [ME] });
		await flush();
		fake.rest.push({
			data: [{ id: 3, seat_id: 11, user_id: ME, status: 'released' }],
			error: null,
			status: 200
		});
		const outcome = await store.release([0]);
		expect(outcome.kind).toBe('success');
		expect(fake.calls).toContain('in(["id",[3]])');
		expect(store.status(0)).toBe('available');
		expect(store.mine).toEqual([]);
	});
});
