import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Supabase } from '../api/client.ts';
import type { ConnectionState } from './channel-status.ts';
import {
	feeds,
	LiveChannel,
	REPLAY_LIMIT,
	REPLAY_MARGIN_MS,
	REPLAY_WITHIN_MS,
	type FeedSpec
} from './channel.ts';

type Config = { private?: boolean; broadcast?: { replay?: { since: number; limit: number } } };

/** A stand-in for supabase-js's channels: the test drives their status and messages. */
class FakeChannel {
	handlers: { type: string; filter: Record<string, unknown>; callback: (p: unknown) => void }[] =
		[];
	status: ((status: string, error?: Error) => void) | null = null;
	removed = false;
	readonly topic: string;
	readonly options: { config: Config & Record<string, unknown> };
	/** The config realtime-js would send at its next (re)join. */
	joinConfig: Config;
	constructor(topic: string, options: { config: Config & Record<string, unknown> }) {
		this.topic = topic;
		this.options = options;
		this.joinConfig = options.config;
	}
	on(type: string, filter: Record<string, unknown>, callback: (payload: unknown) => void) {
		this.handlers.push({ type, filter, callback });
		return this;
	}
	subscribe(callback: (status: string, error?: Error) => void) {
		this.status = callback;
		return this;
	}
	updateJoinPayload(payload: { config: Config }) {
		this.joinConfig = payload.config;
	}
	emit(type: string, payload: unknown) {
		for (const h of this.handlers) if (h.type === type) h.callback(payload);
	}
	message(rows: unknown[], replayed = false) {
		this.emit('broadcast', {
			type: 'broadcast',
			event: 'UPDATE',
			payload: { changes: rows },
			meta: replayed ? { replayed: true, id: 'x' } : { id: 'x' }
		});
	}
	/** The server refuses the join, as realtime-js reports it. */
	refuse(reason: string) {
		this.status!('CHANNEL_ERROR', new Error(reason, { cause: { reason } }));
	}
}

function fakeClient() {
	const channels: FakeChannel[] = [];
	let auths = 0;
	const client = {
		channel(topic: string, options: { config: Config & Record<string, unknown> }) {
			const channel = new FakeChannel(topic, options);
			channels.push(channel);
			return channel;
		},
		removeChannel(channel: FakeChannel) {
			channel.removed = true;
			return Promise.resolve('ok');
		},
		realtime: {
			setAuth: () => {
				auths++;
				return Promise.resolve();
			}
		}
	};
	return { client: client as unknown as Supabase, channels, auths: () => auths };
}

function deferred<T>() {
	let resolve!: (value: T) => void;
	const promise = new Promise<T>((r) => (resolve = r));
	return { promise, resolve };
}

/** The database's clock runs this far ahead of this browser's. */
const OFFSET = 4_000;

/** A channel whose snapshots the test answers, recording what it was told. */
async function opened(spec: FeedSpec, replay = false) {
	const fake = fakeClient();
	const snapshots: ReturnType<typeof deferred<string | null>>[] = [];
	const seen = {
		rows: [] as unknown[],
		applied: [] as string[],
		connection: [] as [ConnectionState, boolean][],
		trouble: [] as string[]
	};
	const live = new LiveChannel<string>(fake.client, {
		...spec,
		...(replay ? { replay: { serverNow: () => Date.now() + OFFSET } } : {}),
		on: {
			change: (rows) => seen.rows.push(...rows),
			fetchSnapshot: () => {
				const snapshot = deferred<string | null>();
				snapshots.push(snapshot);
				return snapshot.promise;
			},
			applySnapshot: (s) => seen.applied.push(s),
			connection: (state, synced) => seen.connection.push([state, synced]),
			trouble: (what) => seen.trouble.push(what)
		}
	});
	live.start();
	// The join waits for realtime to have the session's token.
	await vi.advanceTimersByTimeAsync(0);
	return { live, fake, snapshots, seen, synced: () => seen.connection.at(-1)?.[1] === true };
}

afterEach(() => {
	vi.useRealTimers();
});

describe('feeds', () => {
	it('names each topic once; every one is private and broadcast by the database', async () => {
		vi.useFakeTimers();
		expect(feeds.event(7).topic).toBe('event:7');
		expect(feeds.availability().topic).toBe('events');
		expect(feeds.myBookings('u1').topic).toBe('user:u1');
		const { fake, live } = await opened(feeds.myBookings('u1'));
		expect(fake.auths()).toBe(1);
		const [channel] = fake.channels;
		expect(channel.handlers).toMatchObject([{ type: 'broadcast', filter: { event: '*' } }]);
		expect(channel.options.config).toEqual({
			private: true,
			broadcast: { ack: false, self: false },
			presence: { key: '', enabled: false },
			postgres_changes: []
		});
		expect(channel.status).not.toBeNull();
		live.stop();
		const { fake: list } = await opened(feeds.availability());
		expect(list.channels[0].handlers).toMatchObject([
			{ type: 'broadcast', filter: { event: 'availability' } }
		]);
	});
});

describe('LiveChannel', () => {
	it('snapshots once SUBSCRIBED, and hands on the rows of each message', async () => {
		vi.useFakeTimers();
		const { live, fake, snapshots, seen, synced } = await opened(feeds.event(1));
		const [channel] = fake.channels;
		expect(snapshots).toHaveLength(0);
		channel.status!('SUBSCRIBED');
		expect(snapshots).toHaveLength(1);
		channel.message([{ id: 1 }, { id: 2 }]);
		expect(seen.rows).toEqual([{ id: 1 }, { id: 2 }]);
		// A message without changes (or not the database's shape) carries none.
		channel.emit('broadcast', { event: 'UPDATE', payload: { other: 1 } });
		expect(seen.rows).toHaveLength(2);
		snapshots[0].resolve('snapshot');
		await vi.advanceTimersByTimeAsync(0);
		expect(synced()).toBe(true);
		live.stop();
		expect(channel.removed).toBe(true);
	});

	it('starts a fresh channel when the server closes one, and snapshots again', async () => {
		vi.useFakeTimers();
		const { live, fake, snapshots, seen } = await opened(feeds.availability());
		fake.channels[0].status!('SUBSCRIBED');
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
		expect(fake.channels[1].topic).toBe('events');
		// The old channel says nothing any more.
		fake.channels[0].message([{ id: 1 }]);
		expect(seen.rows).toEqual([]);

		fake.channels[1].status!('SUBSCRIBED');
		snapshots[1].resolve('second');
		await vi.advanceTimersByTimeAsync(0);
		expect(seen.applied).toEqual(['first', 'second']);
		expect(seen.connection.at(-1)).toEqual(['live', true]);
		live.stop();
		expect(fake.channels[1].removed).toBe(true);
	});

	it('tries a failed snapshot again while live, and drops a snapshot overtaken by a newer one', async () => {
		vi.useFakeTimers();
		const { live, fake, snapshots, seen } = await opened(feeds.event(1));
		const channel = fake.channels[0];
		channel.status!('SUBSCRIBED');
		snapshots[0].resolve(null);
		await vi.advanceTimersByTimeAsync(0);
		expect(seen.connection.at(-1)).toEqual(['live', false]);
		await vi.advanceTimersByTimeAsync(2_000);
		expect(snapshots).toHaveLength(2);

		// Dropped and rejoined (realtime-js rejoins by itself) while the snapshot was in flight.
		channel.status!('CHANNEL_ERROR');
		channel.status!('SUBSCRIBED');
		expect(snapshots).toHaveLength(3);
		snapshots[2].resolve('new');
		snapshots[1].resolve('old');
		await vi.advanceTimersByTimeAsync(0);
		expect(seen.applied).toEqual(['new']);
		live.stop();
	});

	it('reports a refused join, not a lost connection', async () => {
		vi.useFakeTimers();
		const { live, fake, seen } = await opened(feeds.myBookings('u2'));
		const channel = fake.channels[0];
		channel.status!('CHANNEL_ERROR', new Error('socket closed: 1006'));
		channel.refuse(
			'Unauthorized: You do not have permissions to read from this Channel topic: user:u2'
		);
		expect(seen.trouble).toEqual([
			'CHANNEL_ERROR: Unauthorized: You do not have permissions to read from this Channel topic: user:u2'
		]);
		live.stop();
	});
});

describe('LiveChannel with replay', () => {
	/** Live and whole: subscribed, snapshot landed; `at` is when the snapshot was asked for. */
	async function whole() {
		vi.useFakeTimers();
		vi.setSystemTime(Date.parse('2026-12-02T12:00:00Z'));
		const o = await opened(feeds.event(1), true);
		const channel = o.fake.channels[0];
		const at = Date.now();
		channel.status!('SUBSCRIBED');
		o.snapshots[0].resolve('first');
		await vi.advanceTimersByTimeAsync(0);
		expect(o.synced()).toBe(true);
		return { ...o, channel, at };
	}

	it('rejoins after a short gap with a replay from the last message on, instead of a snapshot', async () => {
		const { live, channel, snapshots, seen, synced } = await whole();
		expect(channel.options.config.broadcast).toEqual({ ack: false, self: false });
		await vi.advanceTimersByTimeAsync(30_000);
		channel.message([{ id: 1 }]);
		const last = Date.now();
		await vi.advanceTimersByTimeAsync(5_000);
		channel.status!('CHANNEL_ERROR', new Error('socket closed: 1006'));
		expect(synced()).toBe(false);
		// By the database's clock, a margin before the last message arrived.
		expect(channel.joinConfig.broadcast?.replay).toEqual({
			since: last + OFFSET - REPLAY_MARGIN_MS,
			limit: REPLAY_LIMIT
		});
		expect(channel.joinConfig.private).toBe(true);

		await vi.advanceTimersByTimeAsync(10_000);
		channel.status!('SUBSCRIBED');
		expect(snapshots).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(0);
		expect(synced()).toBe(true);
		channel.message([{ id: 2 }], true);
		channel.message([{ id: 3 }]);
		expect(seen.rows).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
		expect(seen.trouble).toEqual([]);
		live.stop();
	});

	it('falls back to the snapshot when the replay returns its limit', async () => {
		const { live, channel, snapshots, synced } = await whole();
		channel.status!('TIMED_OUT');
		channel.status!('SUBSCRIBED');
		await vi.advanceTimersByTimeAsync(0);
		for (let i = 0; i < REPLAY_LIMIT - 1; i++) channel.message([{ id: i }], true);
		expect(snapshots).toHaveLength(1);
		expect(synced()).toBe(true);
		channel.message([{ id: 99 }], true);
		expect(snapshots).toHaveLength(2);
		expect(synced()).toBe(false);
		// Live messages after it count for nothing.
		for (let i = 0; i < REPLAY_LIMIT; i++) channel.message([{ id: i }]);
		expect(snapshots).toHaveLength(2);
		snapshots[1].resolve('after the replay');
		await vi.advanceTimersByTimeAsync(0);
		expect(synced()).toBe(true);
		live.stop();
	});

	it('falls back to the snapshot when the replay is refused, and joins without one', async () => {
		const { live, channel, snapshots, seen, synced } = await whole();
		channel.status!('CHANNEL_ERROR', new Error('socket closed: 1006'));
		expect(channel.joinConfig.broadcast?.replay).toBeDefined();
		channel.refuse('UnableToReplayMessages: Realtime was unable to replay messages');
		expect(seen.trouble).toEqual([
			'CHANNEL_ERROR: UnableToReplayMessages: Realtime was unable to replay messages'
		]);
		expect(channel.joinConfig.broadcast).toEqual({ ack: false, self: false });
		channel.status!('SUBSCRIBED');
		expect(snapshots).toHaveLength(2);
		snapshots[1].resolve('second');
		await vi.advanceTimersByTimeAsync(0);
		expect(synced()).toBe(true);
		live.stop();
	});

	it('takes a snapshot after a long gap', async () => {
		const { live, channel, snapshots } = await whole();
		channel.status!('CHANNEL_ERROR', new Error('socket closed: 1006'));
		// Failed rejoins while the server is away keep the replay's start.
		await vi.advanceTimersByTimeAsync(60_000);
		channel.status!('CHANNEL_ERROR', new Error('socket closed: 1006'));
		expect(channel.joinConfig.broadcast?.replay).toBeDefined();
		await vi.advanceTimersByTimeAsync(REPLAY_WITHIN_MS);
		channel.status!('SUBSCRIBED');
		expect(snapshots).toHaveLength(2);
		live.stop();
	});

	it('replays a quiet feed from its last message, however long ago, after a short gap', async () => {
		const { live, channel, snapshots, at, synced } = await whole();
		await vi.advanceTimersByTimeAsync(2 * REPLAY_WITHIN_MS);
		channel.status!('CHANNEL_ERROR', new Error('socket closed: 1006'));
		expect(channel.joinConfig.broadcast?.replay?.since).toBe(at + OFFSET - REPLAY_MARGIN_MS);
		await vi.advanceTimersByTimeAsync(5_000);
		channel.status!('SUBSCRIBED');
		expect(snapshots).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(0);
		expect(synced()).toBe(true);
		live.stop();
	});

	it('replays nothing when the gap began before the state was whole', async () => {
		const { live, channel, snapshots } = await whole();
		channel.status!('CHANNEL_ERROR');
		channel.status!('SUBSCRIBED');
		// Replayed, so whole again; then a replay of its limit sends for a snapshot…
		for (let i = 0; i < REPLAY_LIMIT; i++) channel.message([{ id: i }], true);
		expect(snapshots).toHaveLength(2);
		// …and the connection drops before it lands: nothing is known since that join.
		channel.status!('CHANNEL_ERROR');
		expect(channel.joinConfig.broadcast).toEqual({ ack: false, self: false });
		channel.status!('SUBSCRIBED');
		expect(snapshots).toHaveLength(3);
		live.stop();
	});

	it('asks a fresh channel for the replay when the server closed the old one', async () => {
		const { live, fake, channel, snapshots, at, synced } = await whole();
		channel.status!('CLOSED');
		await vi.advanceTimersByTimeAsync(2_000);
		const fresh = fake.channels[1];
		expect(fresh.options.config.broadcast?.replay).toEqual({
			since: at + OFFSET - REPLAY_MARGIN_MS,
			limit: REPLAY_LIMIT
		});
		fresh.status!('SUBSCRIBED');
		expect(snapshots).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(0);
		expect(synced()).toBe(true);
		live.stop();
	});
});
