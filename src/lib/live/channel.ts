import type { RealtimeChannel } from '@supabase/supabase-js';
import type { Supabase } from '../api/client.ts';
import type { ConnectionState } from './channel-status.ts';

/**
 * How a topic's changes reach its channel: messages the database broadcasts (Broadcast from
 * Database) on a private topic, which only the database may write to.
 */
export interface Binding {
	/** Adds the listener; `rows` gets the changed rows of one message, and whether it was replayed. */
	listen(channel: RealtimeChannel, rows: (rows: unknown[], replayed: boolean) => void): void;
}

/** Messages named `event` (`*`: all) on a private topic; `pick` takes the changed rows out of one. */
export function broadcast(event: string, pick: (payload: unknown) => unknown[]): Binding {
	return {
		listen(channel, rows) {
			channel.on('broadcast', { event }, (message: { payload?: unknown; meta?: unknown }) =>
				rows(pick(message.payload), isReplayed(message.meta))
			);
		}
	};
}

function isReplayed(meta: unknown): boolean {
	return (
		typeof meta === 'object' && meta !== null && (meta as { replayed?: unknown }).replayed === true
	);
}

/** The array under `key` of a message's payload; nothing when the payload has none. */
function listOf(key: string): (payload: unknown) => unknown[] {
	return (payload) => {
		const list =
			typeof payload === 'object' && payload !== null
				? (payload as Record<string, unknown>)[key]
				: null;
		return Array.isArray(list) ? list : [];
	};
}

/** What a feed subscribes to: a topic and how its changes arrive. */
export interface FeedSpec {
	topic: string;
	binding: Binding;
}

/**
 * Every feed the app opens, spelled in one place. The topics, their payloads and who may join them
 * are the database's (its realtime migration); each message carries one statement's changes.
 */
export const feeds = {
	/**
	 * One event's seats: every booking change of the event, as `{ changes: [{ id, seat_id, user_id,
	 * status, expires_at, version }] }` (and presence: who is looking).
	 */
	event: (eventId: number): FeedSpec => ({
		topic: `event:${eventId}`,
		binding: broadcast('*', listOf('changes'))
	}),
	/** The events list's seat counts: `{ events: [{ event_id, booked, held, next_lapse }] }`, deltas. */
	availability: (): FeedSpec => ({
		topic: 'events',
		binding: broadcast('availability', listOf('events'))
	}),
	/** One person's bookings and holds, across events; only that person may join. */
	myBookings: (userId: string): FeedSpec => ({
		topic: `user:${userId}`,
		binding: broadcast('*', listOf('changes'))
	})
};

export interface LiveChannelHandlers<S> {
	/** Rows that changed, as they arrive (live or replayed). */
	change(rows: unknown[]): void;
	/** Changes surely flow from now on: fetch the snapshot to merge them with (null: it failed). */
	fetchSnapshot(): Promise<S | null>;
	/** The snapshot of the current subscription (an older one that lands late is dropped). */
	applySnapshot(snapshot: S): void;
	/**
	 * The connection went up or down; `synced`: what arrived since it came up makes the state whole
	 * again (a snapshot landed, or the replay covered the gap).
	 */
	connection(state: ConnectionState, synced: boolean): void;
	/** With `presenceKey`: how many are on the topic. */
	viewers?(count: number): void;
	/** Something went wrong that the lifecycle recovers from by itself (for logs and tests). */
	trouble?(what: string): void;
}

export interface LiveChannelOptions<S> extends FeedSpec {
	/** Track presence under this key (one per person or tab); none when absent. */
	presenceKey?: string;
	/**
	 * Rejoin after a short gap with Broadcast Replay instead of a snapshot, for feeds whose messages
	 * may arrive twice (they apply by version). `serverNow`: the database's clock in ms, as learned
	 * from the snapshots.
	 */
	replay?: { serverNow: () => number };
	on: LiveChannelHandlers<S>;
}

/** Pause before a new channel after the server closed one, and before a failed snapshot's retry. */
export const RETRY_MS = 2000;
/** Broadcast Replay's own maximum: a replay that returns this many may have left some out. */
export const REPLAY_LIMIT = 25;
/**
 * Away longer than this, a rejoin takes the snapshot: a longer gap seldom holds fewer than
 * REPLAY_LIMIT changes, and a device that slept may have a stale clock offset.
 */
export const REPLAY_WITHIN_MS = 3 * 60_000;
/**
 * How far before the last moment the state was known whole a replay starts. A message is stamped
 * with its transaction's start, not its commit, and arrives some time after the commit: this
 * covers a statement's run (the API roles' statements are cut at 8 s) and the delivery delay.
 * Messages replayed twice are harmless; they apply by version.
 */
export const REPLAY_MARGIN_MS = 10_000;
const REPLAY_REFUSED = 'UnableToReplayMessages';

/**
 * One realtime channel and its lifecycle: subscribe → snapshot → apply changes. The snapshot comes
 * after the subscription so nothing committed in between is lost (changes that arrive meanwhile
 * are applied and merged with it by the caller). Every topic is private: the join carries the
 * session's token (or the publishable key's anon role) and the database's policies decide.
 *
 * When the connection drops (CHANNEL_ERROR, TIMED_OUT) realtime-js rejoins the same channel by
 * itself; when the server closes the channel (CLOSED, e.g. at token expiry) nothing rejoins, so a
 * fresh channel starts after a pause. Either way the rejoin takes a new snapshot, or, with
 * `replay` and after less than REPLAY_WITHIN_MS away, asks the server to replay the messages
 * stored since shortly before the last one it received (`config.broadcast.replay`); a replay that
 * fails or returns REPLAY_LIMIT messages falls back to the snapshot.
 */
export class LiveChannel<S> {
	#supabase: Supabase;
	#options: LiveChannelOptions<S>;
	#channel: RealtimeChannel | null = null;
	#stopped = true;
	#live = false;
	#epoch = 0;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	/**
	 * Until when (this browser's clock, ms) everything is known: the state was whole then and every
	 * message since has arrived. Null when nothing is (no snapshot or replay has made it whole).
	 */
	#seenAt: number | null = null;
	/** Whether what the current subscription received so far makes the state whole. */
	#whole = false;
	/** When (this browser's clock) the last live subscription ended; null while none has. */
	#lostAt: number | null = null;
	/** The `since` the channel's next join asks to replay from (server ms); null: no replay. */
	#replaySince: number | null = null;
	/** Messages the current join replayed, while it counts on its replay. */
	#replayed: number | null = null;

	constructor(supabase: Supabase, options: LiveChannelOptions<S>) {
		this.#supabase = supabase;
		this.#options = options;
	}

	get topic(): string {
		return this.#options.topic;
	}

	start(): void {
		this.#stopped = false;
		this.#subscribe();
	}

	stop(): void {
		this.#stopped = true;
		this.#clearTimer();
		this.#dropChannel();
	}

	/** The join's `config`, as realtime-js sends it. */
	#config(): Record<string, unknown> {
		const { presenceKey } = this.#options;
		const since = this.#replaySince;
		return {
			private: true,
			broadcast: {
				ack: false,
				self: false,
				...(since === null ? {} : { replay: { since, limit: REPLAY_LIMIT } })
			},
			presence: { key: presenceKey ?? '', enabled: presenceKey !== undefined },
			postgres_changes: []
		};
	}

	#subscribe(): void {
		const { topic, binding, presenceKey, on } = this.#options;
		const channel = this.#supabase.channel(topic, { config: this.#config() });
		this.#channel = channel;
		binding.listen(channel, (rows, replayed) => {
			if (this.#stopped || channel !== this.#channel) return;
			if (this.#whole) this.#seenAt = Date.now();
			on.change(rows);
			if (replayed && this.#replayed !== null && ++this.#replayed >= REPLAY_LIMIT) {
				// The replay may have left older messages out: take the snapshot after all.
				this.#replayed = null;
				this.#resync();
			}
		});
		if (presenceKey !== undefined) {
			channel.on('presence', { event: 'sync' }, () => {
				on.viewers?.(Object.keys(channel.presenceState()).length);
			});
		}
		// A private channel's join carries the session's token: have realtime fetch the current one.
		void this.#supabase.realtime
			.setAuth()
			.catch((e: unknown) => on.trouble?.(`token: ${String(e)}`))
			.then(() => {
				if (this.#stopped || channel !== this.#channel) return;
				channel.subscribe((status, error) => this.#status(channel, status, error));
			});
	}

	#status(channel: RealtimeChannel, status: string, error?: Error): void {
		if (this.#stopped || channel !== this.#channel) return;
		const { presenceKey, on } = this.#options;
		if (status === 'SUBSCRIBED') {
			this.#setLive(true);
			const tracked =
				presenceKey !== undefined ? channel.track({ online_at: Date.now() }) : Promise.resolve();
			const lostAt = this.#lostAt;
			const replaying =
				this.#replaySince !== null && lostAt !== null && Date.now() - lostAt <= REPLAY_WITHIN_MS;
			if (!replaying) return this.#resync();
			// What the gap missed arrives as the replay, right after the join, then live changes. The
			// server answers the track after it sent the replay, so then all of it has been applied.
			const epoch = this.#epoch;
			this.#replayed = 0;
			this.#whole = true;
			this.#seenAt = Date.now();
			void tracked.then(() => {
				if (!this.#stopped && channel === this.#channel && epoch === this.#epoch)
					on.connection('live', true);
			});
			return;
		}
		if (status !== 'CHANNEL_ERROR' && status !== 'TIMED_OUT' && status !== 'CLOSED') return;
		const refusal = refusalOf(error);
		if (refusal) on.trouble?.(`${status}: ${refusal}`);
		this.#lost(refusal?.startsWith(REPLAY_REFUSED) ?? false);
		if (status === 'CLOSED') {
			// Closed by the server: nothing rejoins, so start a fresh channel.
			this.#dropChannel();
			this.#clearTimer();
			this.#retryTimer = setTimeout(() => {
				this.#retryTimer = null;
				if (!this.#stopped) this.#subscribe();
			}, RETRY_MS);
		} else {
			// realtime-js rejoins by itself, with this payload: the replay of the gap, or none.
			channel.updateJoinPayload({ config: this.#config() });
		}
	}

	/** The subscription ended (or a join failed): decide what the next join asks for. */
	#lost(replayRefused: boolean): void {
		if (this.#live) this.#lostAt = Date.now();
		// A subscription that went live without becoming whole knows nothing since it began.
		if ((this.#live && !this.#whole) || replayRefused) this.#seenAt = null;
		this.#setLive(false);
		this.#epoch++;
		this.#whole = false;
		this.#replayed = null;
		const { replay } = this.#options;
		const seenAt = this.#seenAt;
		this.#replaySince =
			replay && seenAt !== null
				? Math.floor(seenAt + (replay.serverNow() - Date.now()) - REPLAY_MARGIN_MS)
				: null;
	}

	#setLive(live: boolean): void {
		this.#live = live;
		this.#options.on.connection(live ? 'live' : 'offline', false);
	}

	/** Changes surely flow: snapshot now; they are merged with it by version. */
	#resync(): void {
		const epoch = ++this.#epoch;
		const { on } = this.#options;
		this.#whole = false;
		const askedAt = Date.now();
		on.connection(this.#live ? 'live' : 'offline', false);
		void on.fetchSnapshot().then((snapshot) => {
			if (this.#stopped || epoch !== this.#epoch) return;
			if (snapshot === null) {
				// Try again shortly; the banner stays up until a snapshot lands.
				this.#retryTimer = setTimeout(() => {
					this.#retryTimer = null;
					if (!this.#stopped && this.#live) this.#resync();
				}, RETRY_MS);
				return;
			}
			on.applySnapshot(snapshot);
			// The snapshot was read after it was asked for, and every message since has arrived.
			this.#whole = true;
			this.#seenAt = askedAt;
			on.connection(this.#live ? 'live' : 'offline', true);
		});
	}

	#clearTimer(): void {
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = null;
	}

	#dropChannel(): void {
		const channel = this.#channel;
		this.#channel = null;
		if (channel) void this.#supabase.removeChannel(channel);
	}
}

/** The server's reason when it refused the join (not when the connection failed). */
function refusalOf(error: Error | undefined): string | null {
	const cause = error?.cause;
	return typeof cause === 'object' &&
		cause !== null &&
		!('code' in cause) &&
		typeof (cause as { reason?: unknown }).reason === 'string'
		? (cause as { reason: string }).reason
		: null;
}
