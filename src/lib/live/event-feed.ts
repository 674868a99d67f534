import * as v from 'valibot';
import type { Supabase } from '../api/client.ts';
import { fetchSeatBookings } from '../api/seats.ts';
import { BookingChange, type BookingSnapshot } from '../domain/seat-state.ts';
import type { ConnectionState } from './channel-status.ts';
import { feeds, LiveChannel } from './channel.ts';

export interface EventFeedHandlers {
	/** A booking changed: its new state, live or replayed. */
	change(change: BookingChange): void;
	/** Changes surely flow from now on, and a snapshot is being fetched (not after a replay). */
	resyncBegins(): void;
	/** The snapshot taken after `resyncBegins`. */
	snapshot(snapshot: BookingSnapshot): void;
	/** The connection went up or down; `synced`: a snapshot or a replay made the seats whole. */
	connection(state: ConnectionState, synced: boolean): void;
	viewers(count: number): void;
	/** A refused subscription or a failed snapshot, recovered from by itself (for logs and tests). */
	trouble?(what: string): void;
}

/**
 * One event's realtime channel (`event:<id>`): its booking changes, presence, and a fresh snapshot
 * every time the subscription (re)starts, or after a short gap the replay of what it missed (see
 * LiveChannel); the seat state merges them by version, so a change that arrives twice is harmless.
 */
export class EventFeed {
	#channel: LiveChannel<BookingSnapshot>;

	/** `serverNow`: the database's clock (ms), as the snapshots taught it, for replay's `since`. */
	constructor(
		supabase: Supabase,
		eventId: number,
		presenceKey: string,
		serverNow: () => number,
		on: EventFeedHandlers
	) {
		this.#channel = new LiveChannel(supabase, {
			...feeds.event(eventId),
			presenceKey,
			replay: { serverNow },
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
