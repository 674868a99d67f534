import { SvelteMap } from 'svelte/reactivity';
import type { Supabase } from '$lib/api/client';
import { fetchAvailability, type Availability } from '$lib/api/events';
import { fetchServerTime } from '$lib/api/seats';
import { seatsLeft } from '$lib/domain/format';
import { ServerAlarm, ServerClock } from '$lib/domain/server-clock';
import type { ConnectionState } from './channel-status.ts';
import { feeds } from './channel.ts';
import { LiveQuery } from './live-query.svelte.ts';

/**
 * Seats left per event (neither booked nor held), kept live: any booking change refetches the
 * small `event_availability`. A lapsing hold changes no row and sends no event, so one timer
 * refetches when the next hold lapses, by the database's clock.
 */
export class EventsAvailability {
	readonly counts = new SvelteMap<number, Availability>();
	#query: LiveQuery<Map<number, Availability>>;
	readonly #clock: ServerClock;
	/** Refetches when the next hold lapses. */
	readonly #lapse: ServerAlarm;
	#stopped = true;

	constructor(supabase: Supabase, initial: Map<number, Availability>, clock = new ServerClock()) {
		this.#clock = clock;
		this.#lapse = new ServerAlarm(clock, () => void this.#query.refresh());
		this.#apply(initial);
		this.#query = new LiveQuery(supabase, {
			feed: feeds.availability(),
			minIntervalMs: 1000,
			fetch: async () => {
				const [counts, time] = await Promise.all([
					fetchAvailability(supabase),
					fetchServerTime(supabase)
				]);
				if (time.data) this.#clock.sync(time.data);
				return counts;
			},
			apply: (data) => this.#apply(data)
		});
	}

	get connection(): ConnectionState {
		return this.#query.connection;
	}

	/** True once the list was fetched again on the current subscription. */
	get synced(): boolean {
		return this.#query.synced;
	}

	/** What to say about the event's free seats; null while unknown. */
	seatsLeft(eventId: number): string | null {
		const a = this.counts.get(eventId);
		return a ? seatsLeft(a.total - a.booked - a.held, a.held) : null;
	}

	start(): void {
		this.#stopped = false;
		this.#query.start();
		this.#schedule();
	}

	stop(): void {
		this.#stopped = true;
		this.#query.stop();
		this.#lapse.clear();
	}

	#apply(data: Map<number, Availability>): void {
		for (const [id, a] of data) {
			const old = this.counts.get(id);
			if (
				!old ||
				old.total !== a.total ||
				old.booked !== a.booked ||
				old.held !== a.held ||
				old.nextLapse !== a.nextLapse
			) {
				this.counts.set(id, a);
			}
		}
		this.#schedule();
	}

	#schedule(): void {
		let next: number | null = null;
		for (const a of this.counts.values()) {
			if (a.nextLapse !== null && (next === null || a.nextLapse < next)) next = a.nextLapse;
		}
		this.#lapse.set(this.#stopped ? null : next);
	}
}
