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
}

/**
 * A small query result kept live by fetching it again whenever a booking it depends on changes.
 * For results that are cheap to recompute (counts, one person's bookings), refetching is simpler
 * than applying each change, and it cannot drift. Fetches coalesce: a burst of changes costs at
 * most one more request.
 */
export class LiveQuery<T> {
	connection = $state<ConnectionState>('connecting');
	#supabase: Supabase;
	#options: LiveQueryOptions<T>;
	#channel: RealtimeChannel | null = null;
	#inFlight = false;
	#again = false;
	#stopped = false;

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
		if (this.#channel) void this.#supabase.removeChannel(this.#channel);
		this.#channel = null;
	}

	/** Fetches now, or once more after the fetch in flight. */
	refresh(): void {
		if (this.#inFlight) {
			this.#again = true;
			return;
		}
		this.#inFlight = true;
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
