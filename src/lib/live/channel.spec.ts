import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Supabase } from '../api/client.ts';
import type { ConnectionState } from './channel-status.ts';
import { broadcast, feeds, LiveChannel, type FeedSpec } from './channel.ts';

/** A stand-in for supabase-js's channels: the test drives their status and messages. */
class FakeChannel {
	handlers: { type: string; filter: Record<string, unknown>; callback: (p: unknown) => void }[] =
		[];
	status: ((status: string) => void) | null = null;
	removed = false;
	readonly topic: string;
	readonly options: { config?: Record<string, unknown> };
	constructor(topic: string, options: { config?: Record<string, unknown> }) {
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
	emit(type: string, payload: unknown) {
		for (const h of this.handlers) if (h.type === type) h.callback(payload);
	}
	confirm() {
		this.emit('system', { extension: 'postgres_changes', status: 'ok', message: 'Subscribed' });
	}
}

function fakeClient() {
	const channels: FakeChannel[] = [];
	const client = {
		channel(topic: string, options: { config?: Record<string, unknown> }) {
			const channel = new FakeChannel(topic, options);
			channels.push(channel);
			return channel;
		},
		removeChannel(channel: FakeChannel) {
			channel.removed = true;
			return Promise.resolve('ok');
		}
	};
	return { client: client as unknown as Supabase, channels };
}

function deferred<T>() {
	let resolve!: (value: T) => void;
	const promise = new Promise<T>((r) => (resolve = r));
	return { promise, resolve };
}

/** A channel whose snapshots the test answers, recording what it was told. */
function opened(spec: FeedSpec) {
	const fake = fakeClient();
	const snapshots: ReturnType<typeof deferred<string | null>>[] = [];
	const seen = {
		rows: [] as unknown[],
		applied: [] as string[],
		connection: [] as [ConnectionState, boolean][]
	};
	const live = new LiveChannel<string>(fake.client, {
		...spec,
		on: {
			change: (rows) => seen.rows.push(...rows),
			fetchSnapshot: () => {
				const snapshot = deferred<string | null>();
				snapshots.push(snapshot);
				return snapshot.promise;
			},
			applySnapshot: (s) => seen.applied.push(s),
			connection: (state, synced) => seen.connection.push([state, synced])
		}
	});
	live.start();
	return { live, fake, snapshots, seen };
}

afterEach(() => {
	vi.useRealTimers();
});

describe('feeds', () => {
	it('names each topic and filter once', () => {
		expect(feeds.event(7).topic).toBe('event-7');
		expect(feeds.availability().topic).toBe('events-availability');
		expect(feeds.myBookings('u1').topic).toBe('my-bookings-u1');
		const { fake } = opened(feeds.myBookings('u1'));
		expect(fake.channels[0].handlers[0]).toMatchObject({
			type: 'postgres_changes',
			filter: { event: '*', schema: 'public', table: 'bookings', filter: 'user_id=eq.u1' }
		});
		expect(fake.channels[0].options.config).toEqual({});
	});
});

describe('LiveChannel', () => {
	it('starts a fresh channel when the server closes one, and snapshots again once confirmed', async () => {
		vi.useFakeTimers();
		const { live, fake, snapshots, seen } = opened(feeds.availability());
		fake.channels[0].status!('SUBSCRIBED');
		fake.channels[0].confirm();
		snapshots[0].resolve('first');
		await vi.advanceTimersByTimeAsync(0);
		expect(seen.connection.at(-1)).toEqual(['live', true]);

		fake.channels[0].status!('CLOSED');
		expect(seen.connection.at(-1)).toEqual(['offline', false]);
		expect(fake.channels[0].removed).toBe(true);
		await vi.advanceTimersByTimeAsync(1_999);
		expect(fake.channels).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(fake.channels).toHaveLength(2);
		expect(fake.channels[1].topic).toBe('events-availability');
		// The old channel says nothing any more.
		fake.channels[0].emit('postgres_changes', { new: { id: 1 } });
		expect(seen.rows).toEqual([]);

		fake.channels[1].status!('SUBSCRIBED');
		fake.channels[1].confirm();
		snapshots[1].resolve('second');
		await vi.advanceTimersByTimeAsync(0);
		expect(seen.applied).toEqual(['first', 'second']);
		expect(seen.connection.at(-1)).toEqual(['live', true]);
		live.stop();
		expect(fake.channels[1].removed).toBe(true);
	});

	it('tries a failed snapshot again while live, and drops a snapshot overtaken by a newer one', async () => {
		vi.useFakeTimers();
		const { live, fake, snapshots, seen } = opened(feeds.event(1));
		const channel = fake.channels[0];
		channel.status!('SUBSCRIBED');
		channel.confirm();
		snapshots[0].resolve(null);
		await vi.advanceTimersByTimeAsync(0);
		expect(seen.connection.at(-1)).toEqual(['live', false]);
		await vi.advanceTimersByTimeAsync(2_000);
		expect(snapshots).toHaveLength(2);

		// Dropped and rejoined (realtime-js rejoins by itself) while the snapshot was in flight.
		channel.status!('CHANNEL_ERROR');
		channel.status!('SUBSCRIBED');
		channel.confirm();
		expect(snapshots).toHaveLength(3);
		snapshots[2].resolve('new');
		snapshots[1].resolve('old');
		await vi.advanceTimersByTimeAsync(0);
		expect(seen.applied).toEqual(['new']);
		live.stop();
	});

	it('binds Broadcast from Database the same way: a private channel, live from SUBSCRIBED on', async () => {
		const { live, fake, snapshots, seen } = opened({
			topic: 'event:1',
			binding: broadcast('seats', (payload) => (payload as { rows: unknown[] }).rows)
		});
		const channel = fake.channels[0];
		expect(channel.options.config).toEqual({ private: true });
		expect(channel.handlers.map((h) => [h.type, h.filter])).toEqual([
			['broadcast', { event: 'seats' }]
		]);
		channel.status!('SUBSCRIBED');
		expect(snapshots).toHaveLength(1);
		channel.emit('broadcast', { event: 'seats', payload: { rows: [{ id: 1 }, { id: 2 }] } });
		expect(seen.rows).toEqual([{ id: 1 }, { id: 2 }]);
		snapshots[0].resolve('snapshot');
		await new Promise((r) => setTimeout(r, 0));
		expect(seen.connection.at(-1)).toEqual(['live', true]);
		live.stop();
	});
});
