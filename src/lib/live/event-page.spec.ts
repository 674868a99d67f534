import { describe, expect, it, vi } from 'vitest';
import type { Supabase } from '$lib/api/client';
import type { EventRow } from '$lib/api/events';
import { EventPage } from './event-page.ts';
import type { LiveSeats } from './live-seats.svelte.ts';

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
	updateJoinPayload() {}
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
	change(
		record: {
			id: number;
			seat_id: number;
			user_id: string;
			status: string;
			expires_at?: string | null;
		},
		replayed = false
	) {
		this.emit('broadcast', {
			type: 'broadcast',
			event: 'UPDATE',
			payload: { changes: [record], id: 'm' },
			meta: replayed ? { id: 'm', replayed: true } : { id: 'm' }
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
	hold_minutes: 10,
	created_at: '2030-01-01T00:00:00Z',
	stage: null,
	time_zone: 'UTC'
};
/** Four seats in a row, as `seat_map` sends them. */
const SEAT_MAP = {
	id: [11, 4],
	section: { values: ['A'], runs: [0, 4] },
	row_label: { values: ['1'], runs: [0, 4] },
	number: [1, 4],
	x: [0, 100, 100, 100],
	y: [0, 0, 0, 0],
	category: { values: ['std'], runs: [0, 4] },
	price_cents: { values: [1000], runs: [0, 4] },
	accessibility: { values: [null], runs: [0, 4] },
	restricted_view: { values: [false], runs: [0, 4] }
};

function fakeSupabase(layout: Promise<unknown> = Promise.resolve(SEAT_MAP)) {
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
		rpc(name: string, args: unknown) {
			if (name === 'seat_map') return layout.then((data) => ({ data, error: null, status: 200 }));
			if (name === 'best_available') {
				calls.push(`rpc(${name},${JSON.stringify(args)})`);
				return Promise.resolve(rest.shift());
			}
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
		},
		realtime: { setAuth: () => Promise.resolve() }
	};
	return { client: client as unknown as Supabase, channels, snapshots, rest, calls };
}

function statuses(store: LiveSeats) {
	return [0, 1, 2, 3].map((i) => store.status(i));
}

async function started(user: string | null = ME, event = EVENT) {
	const fake = fakeSupabase();
	const page = new EventPage(fake.client, event, user);
	const store = page.seats;
	const repainted: number[][] = [];
	store.onSeats((seats) => repainted.push(seats));
	await page.start();
	// The join waits for realtime to have the session's token (promises only: timers may be fake).
	for (let i = 0; i < 5; i++) await Promise.resolve();
	return { fake, page, store, actions: page.actions, repainted, channel: fake.channels[0] };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

/** SUBSCRIBED: the moment the snapshot is fetched. */
function goLive(channel: FakeChannel) {
	channel.status!('SUBSCRIBED');
}

describe('EventPage', () => {
	it('subscribes to its event and fetches the snapshot only once the subscription is live', async () => {
		const { store, channel, fake } = await started();
		expect(store.load).toBe('ready');
		expect(store.layout?.size).toBe(4);
		expect(channel.topic).toBe('event:1');
		expect(channel.options).toMatchObject({
			config: { private: true, presence: { key: ME, enabled: true } }
		});
		expect(channel.handlers.find((h) => h.type === 'broadcast')?.filter).toEqual({ event: '*' });
		// No snapshot before the subscription is live.
		expect(fake.snapshots).toHaveLength(0);
		channel.status!('SUBSCRIBED');
		expect(store.connection).toBe('live');
		expect(channel.tracked).toBe(1);
		expect(fake.snapshots).toHaveLength(1);
	});

	it('joins and takes its snapshot while the layout loads, and applies both once it has', async () => {
		const layout = deferred<unknown>();
		const fake = fakeSupabase(layout.promise);
		const page = new EventPage(fake.client, EVENT, ME);
		const store = page.seats;
		const starting = page.start();
		for (let i = 0; i < 5; i++) await Promise.resolve();
		const channel = fake.channels[0];
		expect(channel.topic).toBe('event:1');
		goLive(channel);
		expect(fake.snapshots).toHaveLength(1);
		channel.change({ id: 7, seat_id: 12, user_id: OTHER, status: 'booked' });
		fake.snapshots[0].resolve({ booking_id: [3], seat_id: [11], user_id: [ME] });
		await flush();
		// Synced means the seats are whole: not before there are seats.
		expect(store.load).toBe('loading');
		expect(store.synced).toBe(false);
		layout.resolve(SEAT_MAP);
		await starting;
		expect(statuses(store)).toEqual(['mine', 'taken', 'available', 'available']);
		expect(store.synced).toBe(true);
		expect(store.available).toBe(2);
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

	it('shows the banner state while disconnected; on rejoin the replay fills the gap', async () => {
		const { store, channel, fake } = await started();
		goLive(channel);
		fake.snapshots[0].resolve({ booking_id: [3, 4], seat_id: [11, 12], user_id: [OTHER, OTHER] });
		await flush();
		channel.status!('CHANNEL_ERROR');
		expect(store.connection).toBe('offline');
		expect(store.synced).toBe(false);
		// Meanwhile booking 3 was released and seat 14 booked: the server replays both after the join.
		goLive(channel);
		expect(fake.snapshots).toHaveLength(1);
		channel.change({ id: 3, seat_id: 11, user_id: OTHER, status: 'released' }, true);
		channel.change({ id: 9, seat_id: 14, user_id: OTHER, status: 'booked' }, true);
		expect(store.connection).toBe('live');
		// Synced once the server answered the presence track it sent after the replay.
		expect(store.synced).toBe(false);
		await flush();
		expect(store.synced).toBe(true);
		expect(statuses(store)).toEqual(['available', 'taken', 'available', 'taken']);
	});

	it('resyncs by snapshot when the gap was long', async () => {
		vi.useFakeTimers();
		try {
			const { store, channel, fake } = await started();
			goLive(channel);
			fake.snapshots[0].resolve({
				booking_id: [3, 4],
				seat_id: [11, 12],
				user_id: [OTHER, OTHER]
			});
			await vi.advanceTimersByTimeAsync(0);
			channel.status!('CHANNEL_ERROR');
			await vi.advanceTimersByTimeAsync(10 * 60_000);
			goLive(channel);
			expect(fake.snapshots).toHaveLength(2);
			fake.snapshots[1].resolve({
				booking_id: [4, 9],
				seat_id: [12, 14],
				user_id: [OTHER, OTHER]
			});
			await vi.advanceTimersByTimeAsync(0);
			expect(store.synced).toBe(true);
			expect(statuses(store)).toEqual(['available', 'taken', 'available', 'taken']);
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

	it('holds a free seat on click in one insert, and names every seat held', async () => {
		const { store, actions, fake } = await started();
		const until = new Date(Date.now() + 600_000).toISOString();
		fake.rest.push({
			data: [{ id: 20, seat_id: 11, user_id: ME, status: 'held', expires_at: until }],
			error: null,
			status: 201
		});
		expect(await actions.activate(0)).toEqual({
			kind: 'success',
			message: 'Holding A · Row 1 · Seat 1.'
		});
		expect(fake.calls[0]).toBe('insert([[{"event_id":1,"seat_id":11,"status":"held"}]])');
		fake.rest.push({
			data: [{ id: 21, seat_id: 13, user_id: ME, status: 'held', expires_at: until }],
			error: null,
			status: 201
		});
		// The message names every seat held now, not only the one just clicked.
		expect((await actions.activate(2))?.message).toBe('Holding A · Row 1 · Seats 1, 3.');
		expect(statuses(store)).toEqual(['mine-held', 'available', 'mine-held', 'available']);
		expect(store.held).toEqual([0, 2]);
		expect(store.available).toBe(2);
		expect(store.heldUntil).toBe(Date.parse(until));
	});

	it('lets go of my hold when I click it again', async () => {
		const { store, actions, fake } = await started();
		const until = new Date(Date.now() + 600_000).toISOString();
		fake.rest.push({
			data: [{ id: 20, seat_id: 12, user_id: ME, status: 'held', expires_at: until }],
			error: null,
			status: 201
		});
		await actions.activate(1);
		fake.rest.push({
			data: [{ id: 20, seat_id: 12, user_id: ME, status: 'released', expires_at: until }],
			error: null,
			status: 200
		});
		expect((await actions.activate(1))?.message).toBe('Released 1 seat: A · Row 1 · Seat 2.');
		expect(fake.calls).toContain('in(["status",["booked","held"]])');
		expect(store.status(1)).toBe('available');
		expect(store.held).toEqual([]);
		// Released, not lapsed: nothing to offer again.
		expect(store.expired).toEqual([]);
	});

	it('tells someone logged out to log in, and says why a seat of someone else cannot be had', async () => {
		const { store, actions, channel, fake } = await started(null);
		goLive(channel);
		const until = new Date(Date.now() + 600_000).toISOString();
		fake.snapshots[0].resolve({
			booking_id: [1, 2],
			seat_id: [11, 12],
			user_id: [OTHER, OTHER],
			status: ['held', 'booked'],
			expires_at: [until, null],
			server_time: new Date().toISOString()
		});
		await flush();
		expect(statuses(store)).toEqual(['held', 'taken', 'available', 'available']);
		expect(await actions.activate(2)).toEqual({
			kind: 'info',
			message: 'Log in to hold seats.',
			login: true
		});
		expect((await actions.activate(0))?.message).toMatch(/Someone else is holding that seat/);
		expect((await actions.activate(1))?.message).toBe('That seat is taken.');
		expect(fake.calls).toEqual([]);
	});

	it('tells the loser of a race for a hold and corrects the map at once', async () => {
		const { store, actions, fake } = await started();
		fake.rest.push({
			data: null,
			error: { code: '23505', message: 'duplicate key value', details: null, hint: null },
			status: 409
		});
		fake.rest.push({
			data: [
				{
					id: 30,
					seat_id: 12,
					user_id: OTHER,
					status: 'held',
					expires_at: new Date(Date.now() + 60_000).toISOString()
				}
			],
			error: null,
			status: 200
		});
		expect(await actions.activate(1)).toEqual({
			kind: 'error',
			message: 'Someone else just took A · Row 1 · Seat 2.'
		});
		expect(fake.calls).toContain('in(["seat_id",[12]])');
		expect(statuses(store)).toEqual(['available', 'held', 'available', 'available']);
		expect(actions.pending.size).toBe(0);
	});

	it("passes on the database's message when the limit is reached", async () => {
		const { store, actions, fake } = await started();
		fake.rest.push({
			data: null,
			error: { code: '23514', message: 'You can hold at most 4 seats for this event.' },
			status: 400
		});
		expect(await actions.activate(3)).toEqual({
			kind: 'error',
			message: 'You can hold at most 4 seats for this event.'
		});
		expect(store.status(3)).toBe('available');
	});

	it('holds the best available seats the database picks', async () => {
		const { store, actions, fake } = await started();
		const until = new Date(Date.now() + 600_000).toISOString();
		fake.rest.push({
			data: [12, 13].map((seat, k) => ({
				id: 40 + k,
				event_id: 1,
				seat_id: seat,
				user_id: ME,
				status: 'held',
				expires_at: until,
				created_at: until,
				released_at: null
			})),
			error: null,
			status: 200
		});
		expect(await actions.bestAvailable('std', 2)).toEqual({
			kind: 'success',
			message: 'Holding A · Row 1 · Seats 2–3.'
		});
		expect(fake.calls).toEqual([
			'rpc(best_available,{"p_event_id":1,"p_category":"std","p_count":2})'
		]);
		expect(store.held).toEqual([1, 2]);
		fake.rest.push({
			data: null,
			error: { code: 'PT409', message: 'No 2 adjacent seats are free in category "std".' },
			status: 409
		});
		expect(await actions.bestAvailable('std', 2)).toEqual({
			kind: 'error',
			message: 'No 2 adjacent seats are free in category "std".'
		});
	});

	it('picks my booked seats on the map to release them together', async () => {
		const { actions, channel, fake } = await started();
		goLive(channel);
		fake.snapshots[0].resolve({ booking_id: [1, 2], seat_id: [11, 12], user_id: [ME, ME] });
		await flush();
		expect(await actions.activate(0)).toBeNull();
		expect(await actions.activate(1)).toBeNull();
		expect(actions.selectedToRelease).toEqual([0, 1]);
		expect(await actions.activate(0)).toBeNull();
		expect(actions.selectedToRelease).toEqual([1]);
	});

	it('counts viewers from presence and tears the channel down on stop', async () => {
		const { store, page, channel } = await started();
		channel.presence = { a: [{}], b: [{}, {}] };
		channel.emit('presence', {}, 'sync');
		expect(store.viewers).toBe(2);
		page.stop();
		expect(channel.removed).toBe(true);
	});

	it('releases my seats', async () => {
		const { store, actions, channel, fake } = await started();
		goLive(channel);
		fake.snapshots[0].resolve({ booking_id: [3], seat_id: [11], user_id: [ME] });
		await flush();
		fake.rest.push({
			data: [{ id: 3, seat_id: 11, user_id: ME, status: 'released' }],
			error: null,
			status: 200
		});
		const outcome = await actions.release([0]);
		expect(outcome.kind).toBe('success');
		expect(fake.calls).toContain('in(["id",[3]])');
		expect(fake.calls).toContain('in(["status",["booked","held"]])');
		expect(store.status(0)).toBe('available');
		expect(store.mine).toEqual([]);
	});
});

describe('EventPage hold expiry', () => {
	/** Live, with a snapshot from a server whose clock runs `skew` ms ahead of this one. */
	async function liveWithHolds(
		holds: { id: number; seat: number; user: string; seconds: number }[],
		skew: number
	) {
		const s = await started();
		goLive(s.channel);
		const server = Date.now() + skew;
		s.fake.snapshots[0].resolve({
			booking_id: holds.map((h) => h.id),
			seat_id: holds.map((h) => h.seat),
			user_id: holds.map((h) => h.user),
			status: holds.map(() => 'held'),
			expires_at: holds.map((h) => new Date(server + h.seconds * 1000).toISOString()),
			server_time: new Date(server).toISOString()
		});
		await vi.advanceTimersByTimeAsync(0);
		return { ...s, server };
	}

	it("frees holds at expires_at by the server's clock, with one timer and no realtime event", async () => {
		vi.useFakeTimers();
		try {
			// The server's clock is an hour ahead of this browser's.
			const { store, repainted } = await liveWithHolds(
				[
					{ id: 1, seat: 11, user: OTHER, seconds: 3 },
					{ id: 2, seat: 12, user: ME, seconds: 5 }
				],
				3_600_000
			);
			expect(statuses(store)).toEqual(['held', 'mine-held', 'available', 'available']);
			expect(store.available).toBe(2);
			// The countdown runs in this browser's clock.
			expect(store.heldUntil).toBe(Date.now() + 5000);
			// One timer for the next expiry, not one per seat or per second.
			expect(vi.getTimerCount()).toBe(1);
			repainted.length = 0;

			await vi.advanceTimersByTimeAsync(2999);
			expect(store.status(0)).toBe('held');
			await vi.advanceTimersByTimeAsync(1);
			expect(store.status(0)).toBe('available');
			expect(repainted).toEqual([[0]]);
			expect(store.expired).toEqual([]);
			expect(vi.getTimerCount()).toBe(1);

			await vi.advanceTimersByTimeAsync(2000);
			expect(statuses(store)).toEqual(['available', 'available', 'available', 'available']);
			expect(store.held).toEqual([]);
			expect(store.heldUntil).toBeNull();
			expect(store.expired).toEqual([1]);
			expect(store.available).toBe(4);
			expect(vi.getTimerCount()).toBe(0);
		} finally {
			vi.useRealTimers();
		}
	});

	it('offers my lapsed holds again, holding those still free in one insert', async () => {
		vi.useFakeTimers();
		try {
			const { store, actions, channel, fake, server } = await liveWithHolds(
				[
					{ id: 1, seat: 11, user: ME, seconds: 3 },
					{ id: 2, seat: 12, user: ME, seconds: 3 },
					{ id: 3, seat: 13, user: ME, seconds: 3 }
				],
				-120_000
			);
			await vi.advanceTimersByTimeAsync(3000);
			expect(store.expired).toEqual([0, 1, 2]);
			// Someone else takes seat 13 meanwhile.
			channel.change({
				id: 9,
				seat_id: 13,
				user_id: OTHER,
				status: 'held',
				expires_at: new Date(server + 600_000).toISOString()
			});
			const until = new Date(server + 603_000).toISOString();
			fake.rest.push({
				data: [11, 12].map((seat, k) => ({
					id: 10 + k,
					seat_id: seat,
					user_id: ME,
					status: 'held',
					expires_at: until
				})),
				error: null,
				status: 201
			});
			expect(await actions.rehold()).toEqual({
				kind: 'success',
				message: 'Holding A · Row 1 · Seats 1–2 again. A · Row 1 · Seat 3 was taken meanwhile.'
			});
			expect(fake.calls[0]).toBe(
				'insert([[{"event_id":1,"seat_id":11,"status":"held"},{"event_id":1,"seat_id":12,"status":"held"}]])'
			);
			expect(statuses(store)).toEqual(['mine-held', 'mine-held', 'held', 'available']);
			expect(store.expired).toEqual([]);
		} finally {
			vi.useRealTimers();
		}
	});

	it('holds none again when one was taken in the meantime, and keeps offering the rest', async () => {
		vi.useFakeTimers();
		try {
			const { store, actions, fake, server } = await liveWithHolds(
				[
					{ id: 1, seat: 11, user: ME, seconds: 1 },
					{ id: 2, seat: 12, user: ME, seconds: 1 }
				],
				0
			);
			await vi.advanceTimersByTimeAsync(1000);
			expect(store.expired).toEqual([0, 1]);
			// The news of seat 12's new holder has not arrived: the insert collides.
			fake.rest.push({
				data: null,
				error: { code: '23505', message: 'duplicate key value' },
				status: 409
			});
			fake.rest.push({
				data: [
					{
						id: 7,
						seat_id: 12,
						user_id: OTHER,
						status: 'held',
						expires_at: new Date(server + 60_000).toISOString()
					}
				],
				error: null,
				status: 200
			});
			expect(await actions.rehold()).toEqual({
				kind: 'error',
				message: 'Someone else just took A · Row 1 · Seat 2. Nothing was held.'
			});
			expect(statuses(store)).toEqual(['available', 'held', 'available', 'available']);
			expect(store.held).toEqual([]);
			expect(store.expired).toEqual([0]);
		} finally {
			vi.useRealTimers();
		}
	});

	it('follows holds through realtime: confirmed, expired by the database, out of order', async () => {
		vi.useFakeTimers();
		try {
			const { store, channel, server } = await liveWithHolds([], 0);
			const until = new Date(server + 10_000).toISOString();
			// The confirmation overtakes the hold's insert; the late insert changes nothing.
			channel.change({ id: 5, seat_id: 11, user_id: OTHER, status: 'booked', expires_at: null });
			channel.change({ id: 5, seat_id: 11, user_id: OTHER, status: 'held', expires_at: until });
			expect(store.status(0)).toBe('taken');
			expect(vi.getTimerCount()).toBe(0);
			// Another hold, then the database marks it expired (someone took over a lapsed hold).
			channel.change({ id: 6, seat_id: 12, user_id: OTHER, status: 'held', expires_at: until });
			expect(store.status(1)).toBe('held');
			expect(vi.getTimerCount()).toBe(1);
			channel.change({ id: 6, seat_id: 12, user_id: OTHER, status: 'expired', expires_at: until });
			expect(store.status(1)).toBe('available');
			expect(vi.getTimerCount()).toBe(0);
			expect(store.available).toBe(3);
		} finally {
			vi.useRealTimers();
		}
	});

	it('gets my holds back from the snapshot after a reload, countdown included', async () => {
		vi.useFakeTimers();
		try {
			const { store } = await liveWithHolds([{ id: 4, seat: 14, user: ME, seconds: 90 }], 42_000);
			expect(store.held).toEqual([3]);
			expect(store.heldUntil).toBe(Date.now() + 90_000);
		} finally {
			vi.useRealTimers();
		}
	});
});
