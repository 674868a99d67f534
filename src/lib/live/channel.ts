import type { RealtimeChannel } from '@supabase/supabase-js';
import * as v from 'valibot';
import type { Supabase } from '../api/client.ts';
import type { ConnectionState } from './channel-status.ts';

/**
 * How a topic's changes reach its channel. Today every feed listens to `postgres_changes` on
 * `bookings`; Broadcast from Database (`.on('broadcast', { event })` on a private channel, where
 * the database sends each change) fits the same shape: another binding, the same lifecycle.
 */
export interface Binding {
	/** Whether the channel is private (joined with the user's token and authorised by RLS). */
	readonly private: boolean;
	/**
	 * Whether SUBSCRIBED alone leaves changes uncertain: with `postgres_changes` the server confirms
	 * the database subscription a moment later (a `system` message), and only then do changes surely
	 * flow; a broadcast topic flows from SUBSCRIBED on.
	 */
	readonly confirms: boolean;
	/** Adds the listener; `rows` gets the changed rows of one message. */
	listen(channel: RealtimeChannel, rows: (rows: unknown[]) => void): void;
}

/** Every change of a table's rows, or of those matching a PostgREST filter such as `user_id=eq.<uid>`. */
export function postgresChanges(table: 'bookings', filter?: string): Binding {
	return {
		private: false,
		confirms: true,
		listen(channel, rows) {
			channel.on(
				'postgres_changes',
				{ event: '*', schema: 'public', table, ...(filter ? { filter } : {}) },
				(payload) => rows([payload.new])
			);
		}
	};
}

/** Messages the database broadcasts on a private topic; `rows` picks the changed rows out of one. */
export function broadcast(event: string, pick: (payload: unknown) => unknown[]): Binding {
	return {
		private: true,
		confirms: false,
		listen(channel, rows) {
			channel.on('broadcast', { event }, (message) => rows(pick(message.payload)));
		}
	};
}

/** What a feed subscribes to: a topic and how its changes arrive. */
export interface FeedSpec {
	topic: string;
	binding: Binding;
}

/** Every feed the app opens, spelled in one place. */
export const feeds = {
	/** One event's seats: every booking change of the event (and presence: who is looking). */
	event: (eventId: number): FeedSpec => ({
		topic: `event-${eventId}`,
		binding: postgresChanges('bookings', `event_id=eq.${eventId}`)
	}),
	/** The events list's seat counts: any booking change anywhere. */
	availability: (): FeedSpec => ({
		topic: 'events-availability',
		binding: postgresChanges('bookings')
	}),
	/** One person's bookings and holds, across events. */
	myBookings: (userId: string): FeedSpec => ({
		topic: `my-bookings-${userId}`,
		binding: postgresChanges('bookings', `user_id=eq.${userId}`)
	})
};

export interface LiveChannelHandlers<S> {
	/** Rows that changed (whole new rows), as they arrive. */
	change(rows: unknown[]): void;
	/** Changes surely flow from now on: fetch the snapshot to merge them with (null: it failed). */
	fetchSnapshot(): Promise<S | null>;
	/** The snapshot of the current subscription (an older one that lands late is dropped). */
	applySnapshot(snapshot: S): void;
	/** The connection went up or down; `synced`: a snapshot landed since it came up. */
	connection(state: ConnectionState, synced: boolean): void;
	/** With `presenceKey`: how many are on the topic. */
	viewers?(count: number): void;
	/** Something went wrong that the lifecycle recovers from by itself (for logs and tests). */
	trouble?(what: string): void;
}

export interface LiveChannelOptions<S> extends FeedSpec {
	/** Track presence under this key (one per person or tab); none when absent. */
	presenceKey?: string;
	on: LiveChannelHandlers<S>;
}

/** A server that never confirms the subscription still gets a snapshot, this much later. */
export const CONFIRM_TIMEOUT_MS = 1500;
/** Pause before a new channel after the server closed one, and before a failed snapshot's retry. */
export const RETRY_MS = 2000;
const SystemMessage = v.object({ extension: v.string(), status: v.string() });

/**
 * One realtime channel and its lifecycle: subscribe → confirmed → snapshot → apply changes. The
 * snapshot comes after the subscription so nothing committed in between is lost (changes that
 * arrive meanwhile are applied and merged with it by the caller).
 *
 * When the connection drops (CHANNEL_ERROR, TIMED_OUT) realtime-js rejoins the same channel by
 * itself; when the server closes the channel (CLOSED, e.g. at token expiry) nothing rejoins, so a
 * fresh channel starts after a pause. Either way, the next confirmation takes a new snapshot.
 */
export class LiveChannel<S> {
	#supabase: Supabase;
	#options: LiveChannelOptions<S>;
	#channel: RealtimeChannel | null = null;
	#stopped = true;
	#live = false;
	#epoch = 0;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	/** Set between SUBSCRIBED and the server's confirmation that changes are flowing. */
	#confirmTimer: ReturnType<typeof setTimeout> | null = null;

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
		this.#clearTimers();
		this.#dropChannel();
	}

	#subscribe(): void {
		const { topic, binding, presenceKey, on } = this.#options;
		const channel = this.#supabase.channel(topic, {
			config: {
				...(binding.private ? { private: true } : {}),
				...(presenceKey !== undefined ? { presence: { key: presenceKey } } : {})
			}
		});
		binding.listen(channel, (rows) => {
			if (!this.#stopped && channel === this.#channel) on.change(rows);
		});
		if (binding.confirms) {
			channel.on('system', {}, (payload: unknown) => {
				const parsed = v.safeParse(SystemMessage, payload);
				if (!parsed.success || parsed.output.extension !== 'postgres_changes') return;
				if (parsed.output.status !== 'ok') {
					on.trouble?.(`system: ${JSON.stringify(payload)}`);
					return;
				}
				if (this.#confirmTimer) {
					clearTimeout(this.#confirmTimer);
					this.#confirmTimer = null;
					this.#resync();
				}
			});
		}
		if (presenceKey !== undefined) {
			channel.on('presence', { event: 'sync' }, () => {
				on.viewers?.(Object.keys(channel.presenceState()).length);
			});
		}
		channel.subscribe((status) => {
			if (this.#stopped || channel !== this.#channel) return;
			if (status === 'SUBSCRIBED') {
				this.#setLive(true);
				if (presenceKey !== undefined) void channel.track({ online_at: Date.now() });
				if (!binding.confirms) return this.#resync();
				if (this.#confirmTimer) clearTimeout(this.#confirmTimer);
				this.#confirmTimer = setTimeout(() => {
					this.#confirmTimer = null;
					if (!this.#stopped) this.#resync();
				}, CONFIRM_TIMEOUT_MS);
			} else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
				// realtime-js rejoins by itself; the snapshot after rejoining fills the gap.
				this.#setLive(false);
			} else if (status === 'CLOSED') {
				// Closed by the server: nothing rejoins, so start a fresh channel.
				this.#setLive(false);
				this.#dropChannel();
				this.#clearTimers();
				this.#retryTimer = setTimeout(() => {
					this.#retryTimer = null;
					if (!this.#stopped) this.#subscribe();
				}, RETRY_MS);
			}
		});
		this.#channel = channel;
	}

	#setLive(live: boolean): void {
		this.#live = live;
		this.#options.on.connection(live ? 'live' : 'offline', false);
	}

	/** Changes surely flow: snapshot now; they are merged with it by version. */
	#resync(): void {
		const epoch = ++this.#epoch;
		const { on } = this.#options;
		void on.fetchSnapshot().then((snapshot) => {
			if (this.#stopped || epoch !== this.#epoch) return;
			if (snapshot === null) {
				// Try again shortly; the banner stays up until a snapshot lands.
				on.connection(this.#live ? 'live' : 'offline', false);
				this.#retryTimer = setTimeout(() => {
					this.#retryTimer = null;
					if (!this.#stopped && this.#live) this.#resync();
				}, RETRY_MS);
				return;
			}
			on.applySnapshot(snapshot);
			on.connection(this.#live ? 'live' : 'offline', true);
		});
	}

	#clearTimers(): void {
		for (const timer of [this.#retryTimer, this.#confirmTimer]) if (timer) clearTimeout(timer);
		this.#retryTimer = null;
		this.#confirmTimer = null;
	}

	#dropChannel(): void {
		const channel = this.#channel;
		this.#channel = null;
		if (channel) void this.#supabase.removeChannel(channel);
	}
}
