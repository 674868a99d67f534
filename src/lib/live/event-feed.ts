import * as v from 'valibot';
import type { Supabase } from '../api/client.ts';
import { fetchSeatBookings } from '../api/seats.ts';
import { BookingChange, type BookingSnapshot } from '../domain/seat-state.ts';
import type { ConnectionState } from './channel-status.ts';
import { feeds, LiveChannel } from './channel.ts';

export interface EventFeedHandlers {
	/** A booking row changed (INSERT or UPDATE: the whole new row). */
	change(change: BookingChange): void;
	/** Changes surely flow from now on, and a snapshot is being fetched. */
	resyncBegins(): void;
	/** The snapshot taken after `resyncBegins`. */
	snapshot(snapshot: BookingSnapshot): void;
	/** The connection went up or down; `synced`: a snapshot landed since it came up. */
	connection(state: ConnectionState, synced: boolean): void;
	viewers(count: number): void;
	/** A refused subscription or a failed snapshot, recovered from by itself (for logs and tests). */
	trouble?(what: string): void;
}

/**
 * One event's realtime channel: its booking changes, presence, and a fresh snapshot every time the
 * subscription (re)starts (see LiveChannel); the seat state merges the two by version.
 */
export class EventFeed {
	#channel: LiveChannel<BookingSnapshot>;

	constructor(supabase: Supabase, eventId: number, presenceKey: string, on: EventFeedHandlers) {
		this.#channel = new LiveChannel(supabase, {
			...feeds.event(eventId),
			presenceKey,
			on: {
				change: (rows) => {
					for (const row of rows) {
						const parsed = v.safeParse(BookingChange, row);
						if (parsed.success) on.change(parsed.output);
					}
				},
				fetchSnapshot: async () => {
					on.resyncBegins();
					const { data, error } = await fetchSeatBookings(supabase, eventId);
					if (error) on.trouble?.(`snapshot: ${error.message}`);
					return data;
				},
				applySnapshot: (snapshot) => on.snapshot(snapshot),
				connection: (state, synced) => on.connection(state, synced),
				viewers: (count) => on.viewers(count),
				trouble: (what) => on.trouble?.(what)
			}
		});
	}

	start(): void {
		this.#channel.start();
	}

	stop(): void {
		this.#channel.stop();
	}
}
