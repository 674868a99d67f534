import type { RealtimeChannel } from '@supabase/supabase-js';
import { SvelteMap } from 'svelte/reactivity';
import type { Supabase } from '$lib/api/client';
import { fetchAvailability, type Availability } from '$lib/api/events';
import type { ConnectionState } from './channel-status.ts';

/**
 * Seats left per event, kept live. Any booking change refetches the small `event_availability`
 * result; refetches coalesce, so a burst of bookings costs at most two requests.
 */
export class EventsAvailability {
	readonly counts = new SvelteMap<number, Availability>();
	connection = $state<ConnectionState>('connecting');
	#supabase: Supabase;
	#channel: RealtimeChannel | null = null;
	#inFlight = false;
	#again = false;
	#stopped = false;

	constructor(supabase: Supabase, initial: Map<number, Availability>) {
		this.#supabase = supabase;
		for (const [id, a] of initial) this.counts.set(id, a);
	}

	left(eventId: number): number | null {
		const a = this.counts.get(eventId);
		return a ? a.total - a.booked : null;
	}

	start(): void {
		this.#stopped = false;
		this.#channel = this.#supabase
			.channel('events-availability')
			.on('postgres_changes', { event: '*', schema: 'public', table: 'bookings' }, () =>
				this.#refresh()
			)
			.on('system', {}, (payload: { extension?: unknown; status?: unknown }) => {
				// Hosted Realtime confirms the database subscription a little after SUBSCRIBED; a change
				// committed in between reaches no listener, so fetch again once changes surely flow.
				if (payload.extension === 'postgres_changes' && payload.status === 'ok') this.#refresh();
			})
			.subscribe((status) => {
				if (this.#stopped) return;
				if (status === 'SUBSCRIBED') {
					this.connection = 'live';
					this.#refresh();
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

	#refresh(): void {
		if (this.#inFlight) {
			this.#again = true;
			return;
		}
		this.#inFlight = true;
		void fetchAvailability(this.#supabase)
			.then(({ data }) => {
				if (!data || this.#stopped) return;
				for (const [id, a] of data) {
					const old = this.counts.get(id);
					if (!old || old.total !== a.total || old.booked !== a.booked) this.counts.set(id, a);
				}
			})
			.finally(() => {
				this.#inFlight = false;
				if (this.#again && !this.#stopped) {
					this.#again = false;
					this.#refresh();
				}
			});
	}
}
