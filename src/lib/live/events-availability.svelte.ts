import { SvelteMap } from 'svelte/reactivity';
import type { Supabase } from '$lib/api/client';
import { fetchAvailability, type Availability } from '$lib/api/events';
import type { ConnectionState } from './channel-status.ts';
import { LiveQuery } from './live-query.svelte.ts';

/** Seats left per event, kept live: any booking change refetches the small `event_availability`. */
export class EventsAvailability {
	readonly counts = new SvelteMap<number, Availability>();
	#query: LiveQuery<Map<number, Availability>>;

	constructor(supabase: Supabase, initial: Map<number, Availability>) {
		for (const [id, a] of initial) this.counts.set(id, a);
		this.#query = new LiveQuery(supabase, {
			topic: 'events-availability',
			fetch: () => fetchAvailability(supabase),
			apply: (data) => {
				for (const [id, a] of data) {
					const old = this.counts.get(id);
					if (!old || old.total !== a.total || old.booked !== a.booked) this.counts.set(id, a);
				}
			}
		});
	}

	get connection(): ConnectionState {
		return this.#query.connection;
	}

	left(eventId: number): number | null {
		const a = this.counts.get(eventId);
		return a ? a.total - a.booked : null;
	}

	start(): void {
		this.#query.start();
	}

	stop(): void {
		this.#query.stop();
	}
}
