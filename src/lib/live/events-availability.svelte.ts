import { SvelteMap } from 'svelte/reactivity';
import * as v from 'valibot';
import type { Supabase } from '$lib/api/client';
import { fetchAvailability, type Availability } from '$lib/api/events';
import { fetchServerTime } from '$lib/api/seats';
import { fewSeatsLeft, formatPriceRange, seatsLeft } from '$lib/domain/format';
import { parseTimestamp, ServerAlarm, ServerClock } from '$lib/domain/server-clock';
import type { ConnectionState } from './channel-status.ts';
import { feeds } from './channel.ts';
import { LiveQuery } from './live-query.svelte.ts';

/** How one statement moved an event's counts (the `events` topic's `availability` message). */
const Delta = v.object({
	event_id: v.number(),
	booked: v.number(),
	held: v.number(),
	next_lapse: v.nullish(v.string())
});
type Delta = v.InferOutput<typeof Delta>;

/**
 * Seats left per event (neither booked nor held), kept live: `event_availability` is fetched
 * whenever the channel (re)starts, and the database's deltas are added to it as they arrive, so
 * a busy on-sale costs the list's viewers no requests. A lapsing hold changes no row and sends
 * nothing, so one timer fetches again when the next hold lapses, by the database's clock; that
 * also corrects a delta that arrived while a fetch was on its way and was counted again on top of
 * it (whether the fetch already saw it cannot be told).
 */
export class EventsAvailability {
	readonly counts = new SvelteMap<number, Availability>();
	#query: LiveQuery<Map<number, Availability>>;
	readonly #clock: ServerClock;
	/** Refetches when the next hold lapses. */
	readonly #lapse: ServerAlarm;
	#stopped = true;
	/** Deltas that arrived while a fetch was on its way; null while none is. */
	#duringFetch: Delta[] | null = null;

	constructor(supabase: Supabase, initial: Map<number, Availability>, clock = new ServerClock()) {
		this.#clock = clock;
		this.#lapse = new ServerAlarm(clock, () => void this.#query.refresh());
		this.#apply(initial);
		this.#query = new LiveQuery(supabase, {
			feed: feeds.availability(),
			minIntervalMs: 1000,
			change: (rows) => {
				for (const row of rows) {
					const parsed = v.safeParse(Delta, row);
					if (!parsed.success) continue;
					this.#duringFetch?.push(parsed.output);
					this.#add(parsed.output);
				}
				this.#schedule();
			},
			fetch: async () => {
				this.#duringFetch = [];
				const [counts, time] = await Promise.all([
					fetchAvailability(supabase),
					fetchServerTime(supabase)
				]);
				if (time.data) this.#clock.sync(time.data);
				return counts;
			},
			apply: (data) => {
				const during = this.#duringFetch ?? [];
				this.#duringFetch = null;
				this.#apply(data);
				for (const delta of during) this.#add(delta);
				this.#schedule();
			}
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

	/** Whether so few seats are free that the list says "Only" before the count. */
	fewLeft(eventId: number): boolean {
		const a = this.counts.get(eventId);
		return a ? fewSeatsLeft(a.total - a.booked - a.held, a.total) : false;
	}

	/** "€25.00–€120.00"; null while unknown or for an event with no seats. */
	priceRange(eventId: number): string | null {
		const a = this.counts.get(eventId);
		return a && a.priceMin !== null && a.priceMax !== null
			? formatPriceRange(a.priceMin, a.priceMax)
			: null;
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
				old.nextLapse !== a.nextLapse ||
				old.priceMin !== a.priceMin ||
				old.priceMax !== a.priceMax
			) {
				this.counts.set(id, a);
			}
		}
		this.#schedule();
	}

	#add(delta: Delta): void {
		const a = this.counts.get(delta.event_id);
		if (!a) return;
		const lapse = parseTimestamp(delta.next_lapse);
		this.counts.set(delta.event_id, {
			...a,
			booked: a.booked + delta.booked,
			held: a.held + delta.held,
			nextLapse:
				lapse === null || (a.nextLapse !== null && a.nextLapse <= lapse) ? a.nextLapse : lapse
		});
	}

	#schedule(): void {
		let next: number | null = null;
		for (const a of this.counts.values()) {
			if (a.nextLapse !== null && (next === null || a.nextLapse < next)) next = a.nextLapse;
		}
		this.#lapse.set(this.#stopped ? null : next);
	}
}
