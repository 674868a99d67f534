import type { Supabase } from '$lib/api/client';
import type { Result } from '$lib/api/result';
import type { ConnectionState } from './channel-status.ts';
import { LiveChannel, type FeedSpec } from './channel.ts';

export interface LiveQueryOptions<T> {
	/** The feed whose changes make the result stale (one of `feeds`). */
	feed: FeedSpec;
	fetch: () => Promise<Result<T>>;
	apply: (data: T) => void;
	/**
	 * Applies the rows of a change to the result itself; without it, a change fetches the result
	 * again. Either way the result is fetched once more every time the channel (re)starts.
	 */
	change?: (rows: unknown[]) => void;
	/**
	 * Fetches start at least this many ms apart. A result that every visitor watches and any
	 * booking anywhere changes (the events list) would otherwise cost each of them a fetch per
	 * round trip while a busy venue sells.
	 */
	minIntervalMs?: number;
}

/**
 * A small query result kept live by fetching it again whenever a booking it depends on changes
 * (or by applying the change itself, with `change`), and once more every time its channel
 * (re)starts (see LiveChannel). For results that are cheap to recompute and seen by few (one
 * person's bookings), refetching is simpler than applying each change, and it cannot drift. Fetches coalesce: a burst of changes costs at most one more request, no sooner
 * than `minIntervalMs` after the last one began.
 */
export class LiveQuery<T> {
	connection = $state<ConnectionState>('connecting');
	/** True once a fetch landed on the current subscription. */
	synced = $state(false);
	#options: LiveQueryOptions<T>;
	#channel: LiveChannel<true>;
	#inFlight = false;
	#again = false;
	#stopped = false;
	#lastStart = -Infinity;
	#waiting: ReturnType<typeof setTimeout> | null = null;
	/** Told whether the next fetch to start succeeded. */
	#waiters: ((ok: boolean) => void)[] = [];

	constructor(supabase: Supabase, options: LiveQueryOptions<T>) {
		this.#options = options;
		this.#channel = new LiveChannel(supabase, {
			...options.feed,
			on: {
				change: (rows) => (options.change ? options.change(rows) : void this.refresh()),
				fetchSnapshot: async () => ((await this.refresh()) ? true : null),
				applySnapshot: () => {},
				connection: (state, synced) => {
					this.connection = state;
					this.synced = synced;
				}
			}
		});
	}

	start(): void {
		this.#stopped = false;
		this.#channel.start();
	}

	stop(): void {
		this.#stopped = true;
		if (this.#waiting) clearTimeout(this.#waiting);
		this.#waiting = null;
		this.#channel.stop();
		for (const waiter of this.#waiters.splice(0)) waiter(false);
	}

	/**
	 * Fetches now, or once more after the fetch in flight, or once the interval is up; resolves
	 * with whether that fetch succeeded.
	 */
	refresh(): Promise<boolean> {
		const done = new Promise<boolean>((resolve) => this.#waiters.push(resolve));
		if (this.#inFlight) {
			this.#again = true;
			return done;
		}
		if (this.#waiting) return done;
		const wait = this.#lastStart + (this.#options.minIntervalMs ?? 0) - Date.now();
		if (wait > 0) {
			this.#waiting = setTimeout(() => {
				this.#waiting = null;
				if (!this.#stopped) this.#fetch();
			}, wait);
			return done;
		}
		this.#fetch();
		return done;
	}

	#fetch(): void {
		this.#inFlight = true;
		this.#lastStart = Date.now();
		const waiters = this.#waiters.splice(0);
		void this.#options
			.fetch()
			.then(
				({ data }) => data,
				() => null
			)
			.then((data) => {
				const ok = data !== null && !this.#stopped;
				if (ok) this.#options.apply(data);
				for (const waiter of waiters) waiter(ok);
			})
			.finally(() => {
				this.#inFlight = false;
				if (this.#again && !this.#stopped) {
					this.#again = false;
					void this.refresh();
				}
			});
	}
}
