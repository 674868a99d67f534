import type { RealtimeChannel } from '@supabase/supabase-js';
import * as v from 'valibot';
import type { Supabase } from '$lib/api/client';
import { fetchSeatBookings } from '$lib/api/seats';
import { BookingChange, type BookingSnapshot } from '$lib/domain/seat-state';
import type { ConnectionState } from './channel-status.ts';

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
}

const CONFIRM_TIMEOUT_MS = 1500;
const RETRY_MS = 2000;
const PostgresSystemMessage = v.object({ extension: v.string(), status: v.string() });

/**
 * One event's realtime channel: its booking changes, presence, and a fresh snapshot every time the
 * subscription (re)starts. Subscribe first, then snapshot, so nothing committed in between is lost;
 * the seat state merges the two by version.
 */
export class EventFeed {
	#supabase: Supabase;
	#eventId: number;
	#presenceKey: string;
	#on: EventFeedHandlers;
	#channel: RealtimeChannel | null = null;
	#stopped = false;
	#live = false;
	#resyncEpoch = 0;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	/** Set between SUBSCRIBED and the server's confirmation that changes are flowing. */
	#confirmTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(supabase: Supabase, eventId: number, presenceKey: string, on: EventFeedHandlers) {
		this.#supabase = supabase;
		this.#eventId = eventId;
		this.#presenceKey = presenceKey;
		this.#on = on;
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
		const channel = this.#supabase.channel(`event-${this.#eventId}`, {
			config: { presence: { key: this.#presenceKey } }
		});
		channel
			.on(
				'postgres_changes',
				{
					event: '*',
					schema: 'public',
					table: 'bookings',
					filter: `event_id=eq.${this.#eventId}`
				},
				(payload) => {
					const parsed = v.safeParse(BookingChange, payload.new);
					if (parsed.success) this.#on.change(parsed.output);
				}
			)
			.on('system', {}, (payload: unknown) => {
				// Supabase Realtime confirms the database subscription after SUBSCRIBED; only from then
				// on are changes certain to arrive, so that is when the snapshot is taken.
				const parsed = v.safeParse(PostgresSystemMessage, payload);
				if (
					parsed.success &&
					parsed.output.extension === 'postgres_changes' &&
					this.#confirmTimer
				) {
					clearTimeout(this.#confirmTimer);
					this.#confirmTimer = null;
					this.#resync();
				}
			})
			.on('presence', { event: 'sync' }, () => {
				this.#on.viewers(Object.keys(channel.presenceState()).length);
			})
			.subscribe((status) => {
				if (this.#stopped || channel !== this.#channel) return;
				if (status === 'SUBSCRIBED') {
					this.#setLive(true);
					// A server that never confirms still gets a snapshot, a little later.
					if (this.#confirmTimer) clearTimeout(this.#confirmTimer);
					this.#confirmTimer = setTimeout(() => {
						this.#confirmTimer = null;
						if (!this.#stopped) this.#resync();
					}, CONFIRM_TIMEOUT_MS);
					void channel.track({ online_at: Date.now() });
				} else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
					// realtime-js rejoins by itself; the snapshot after rejoining fills the gap.
					this.#setLive(false);
				} else if (status === 'CLOSED') {
					// Closed by the server: no automatic rejoin, so start a fresh channel.
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
		this.#on.connection(live ? 'live' : 'offline', false);
	}

	/** Subscribe first, then snapshot: changes meanwhile are applied and merged by version. */
	#resync(): void {
		const epoch = ++this.#resyncEpoch;
		this.#on.resyncBegins();
		void fetchSeatBookings(this.#supabase, this.#eventId).then(({ data, error }) => {
			if (this.#stopped || epoch !== this.#resyncEpoch) return;
			if (error) {
				// Try again shortly; the banner stays up until a snapshot lands.
				this.#on.connection(this.#live ? 'live' : 'offline', false);
				this.#retryTimer = setTimeout(() => {
					this.#retryTimer = null;
					if (!this.#stopped && this.#live) this.#resync();
				}, RETRY_MS);
				return;
			}
			this.#on.snapshot(data);
			this.#on.connection(this.#live ? 'live' : 'offline', true);
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
