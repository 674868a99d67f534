import type { RealtimeChannel } from '@supabase/supabase-js';
import type { Supabase } from '$lib/api/client';
import type { Result } from '$lib/api/result';
import type { ConnectionState } from './channel-status.ts';

export interface LiveQueryOptions<T> {
	/** The realtime channel's topic; one per page and query. */
	topic: string;
	/** The `bookings` rows whose changes make the result stale, e.g. `user_id=eq.<uid>`; all when absent. */
	filter?: string;
	fetch: () => Promise<Result<T>>;
	apply: (data: T) => void;
	/**
	 * Fetches start at least this many ms apart. A result that every visitor watches and any
	 * booking anywhere changes (the events list) would otherwise cost each of them a fetch per
	 * round trip while a busy venue sells.
	 */
	minIntervalMs?: number;
}

/**
 * A small query result kept live by fetching it again whenever a booking it depends on changes.
 * For results that are cheap to recompute (counts, one person's bookings), refetching is simpler
 * than applying each change, and it cannot drift. Fetches coalesce: a burst of changes costs at
 * most one more request, no sooner than `minIntervalMs` after the last one began.
 */
export class LiveQuery<T> {
	connection = $state<ConnectionState>('connecting');
	#supabase: Supabase;
	#options: LiveQueryOptions<T>;
	#channel: RealtimeChannel | null = null;
	#inFlight = false;
	#again = false;
	#stopped = false;
	#lastStart = -Infinity;
	#waiting: ReturnType<typeof setTimeout> | null = null;

	constructor(supabase: Supabase, options: LiveQueryOptions<T>) {
		this.#supabase = supabase;
		this.#options = options;
	}

	start(): void {
		this.#stopped = false;
		const { topic, filter } = this.#options;
		this.#channel = this.#supabase
			.channel(topic)
			.on(
				'postgres_changes',
				{ event: '*', schema: 'public', table: 'bookings', ...(filter ? { filter } : {}) },
				() => this.refresh()
			)
			.on('system', {}, (payload: { extension?: unknown; status?: unknown }) => {
				// Hosted Realtime confirms the database subscription a little after SUBSCRIBED; a change
				// committed in between reaches no listener, so fetch again once changes surely flow.
				if (payload.extension === 'postgres_changes' && payload.status === 'ok') this.refresh();
			})
			.subscribe((status) => {
				if (this.#stopped) return;
				if (status === 'SUBSCRIBED') {
					this.connection = 'live';
					this.refresh();
				} else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT' || status === 'CLOSED') {
					this.connection = 'offline';
				}
			});
	}

	stop(): void {
		this.#stopped = true;
		if (this.#waiting) clearTimeout(this.#waiting);
		this.#waiting = null;
		if (this.#channel) void this.#supabase.removeChannel(this.#channel);
		this.#channel = null;
	}

	/** Fetches now, or once more after the fetch in flight, or once the interval is up. */
	refresh(): void {
		if (this.#inFlight) {
			this.#again = true;
			return;
		}
		if (this.#waiting) return;
		const wait = this.#lastStart + (this.#options.minIntervalMs ?? 0) - Date.now();
		if (wait > 0) {
			this.#waiting = setTimeout(() => {
				this.#waiting = null;
				if (!this.#stopped) this.#fetch();
			}, wait);
			return;
		}
		this.#fetch();
	}

	#fetch(): void {
		this.#inFlight = true;
		this.#lastStart = Date.now();
		void this.#options
			.fetch()
			.then(({ data }) => {
				if (data !== null && !this.#stopped) this.#options.apply(data);
			})
			.finally(() => {
				this.#inFlight = false;
				if (this.#again && !this.#stopped) {
					this.#again = false;
					this.refresh();
				}
			});
	}
}
