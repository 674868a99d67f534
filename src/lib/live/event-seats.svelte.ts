import type { RealtimeChannel } from '@supabase/supabase-js';
import { SvelteSet } from 'svelte/reactivity';
import * as v from 'valibot';
import type { EventRow } from '$lib/api/events';
import type { Supabase } from '$lib/api/client';
import { bookSeats, currentBookings, releaseBookings } from '$lib/api/bookings';
import { fetchSeatBookings, fetchSeatLayout } from '$lib/api/seats';
import { bookingFailure, releaseFailure } from '$lib/domain/booking-errors';
import { plural } from '$lib/domain/format';
import type { SeatLayout } from '$lib/domain/seat-layout';
import { BookingChange, SeatState, type SeatStatus } from '$lib/domain/seat-state';
import type { ConnectionState } from './channel-status.ts';

export type LoadState = 'loading' | 'ready' | 'empty' | 'error';
export interface Outcome {
	kind: 'success' | 'error' | 'info';
	message: string;
}
type SeatListener = (seats: number[]) => void;

const CONFIRM_TIMEOUT_MS = 1500;
const PostgresSystemMessage = v.object({ extension: v.string(), status: v.string() });

/**
 * Everything live about one event's seats: the layout, who holds which seat, the person's
 * selection, the realtime connection and presence. It owns the event's one realtime channel.
 *
 * Seat changes are not reactive state: with 50,000 seats a change is pushed to listeners as the
 * list of seat indices to repaint. Counters and lists the page shows are `$state`.
 */
export class EventSeats {
	readonly event: EventRow;
	load = $state<LoadState>('loading');
	loadError = $state<string | null>(null);
	connection = $state<ConnectionState>('connecting');
	/** True once a snapshot has been applied on the current subscription. */
	synced = $state(false);
	viewers = $state(0);
	layout = $state.raw<SeatLayout | null>(null);
	readonly selection = new SvelteSet<number>();
	mine = $state.raw<number[]>([]);
	available = $state(0);
	busy = $state(false);

	#supabase: Supabase;
	#userId: string | null;
	#seats: SeatState | null = null;
	#channel: RealtimeChannel | null = null;
	// Plain callbacks, not state: repaints bypass Svelte's reactivity on purpose.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#listeners = new Set<SeatListener>();
	#stopped = false;
	#resyncEpoch = 0;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	/** Set between SUBSCRIBED and the server's confirmation that changes are flowing. */
	#confirmTimer: ReturnType<typeof setTimeout> | null = null;
	#presenceKey: string;
	#onTakenFromSelection: ((seats: number[]) => void) | null = null;

	constructor(supabase: Supabase, event: EventRow, userId: string | null) {
		this.#supabase = supabase;
		this.event = event;
		this.#userId = userId;
		this.#presenceKey = userId ?? crypto.randomUUID();
	}

	get userId(): string | null {
		return this.#userId;
	}

	get maxSeats(): number {
		return this.event.max_seats_per_user;
	}

	status(i: number): SeatStatus {
		return this.#seats?.status(i) ?? 'available';
	}

	bookingId(i: number): number | null {
		return this.#seats?.bookingId(i) ?? null;
	}

	/** Listens for seats whose look changed (status or selection). */
	onSeats(listener: SeatListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Called with the selected seats someone else just took. */
	onSelectionTaken(callback: (seats: number[]) => void): void {
		this.#onTakenFromSelection = callback;
	}

	async start(): Promise<void> {
		this.#stopped = false;
		this.load = 'loading';
		this.loadError = null;
		const { data: layout, error } = await fetchSeatLayout(this.#supabase, this.event.id);
		if (this.#stopped) return;
		if (error) {
			this.loadError = error.message;
			this.load = 'error';
			return;
		}
		this.#seats = new SeatState(layout.size, (id) => layout.indexOf(id), this.#userId);
		this.layout = layout;
		this.available = layout.size;
		this.load = layout.size ? 'ready' : 'empty';
		if (layout.size) this.#subscribe();
	}

	stop(): void {
		this.#stopped = true;
		this.#clearTimers();
		this.#dropChannel();
		this.#listeners.clear();
	}

	setUser(userId: string | null): void {
		if (userId === this.#userId) return;
		this.#userId = userId;
		if (!this.#seats) return;
		this.#notify(this.#seats.setViewer(userId));
		this.clearSelection();
	}

	toggle(i: number): Outcome | null {
		const status = this.status(i);
		if (this.selection.has(i)) this.selection.delete(i);
		else if (status === 'taken') return { kind: 'info', message: 'That seat is taken.' };
		else {
			const booking = this.selectedToBook.length;
			if (status === 'available' && this.mine.length + booking >= this.maxSeats)
				return {
					kind: 'info',
					message: `You can book at most ${plural(this.maxSeats, 'seat')} for this event.`
				};
			this.selection.add(i);
		}
		this.#notifyNow([i]);
		return null;
	}

	clearSelection(): void {
		const was = [...this.selection];
		this.selection.clear();
		this.#notifyNow(was);
	}

	/** Selected seats that are free (to book) and mine (to release). */
	get selectedToBook(): number[] {
		return [...this.selection]
			.filter((i) => !this.mine.includes(i) && this.status(i) === 'available')
			.sort((a, b) => a - b);
	}

	get selectedToRelease(): number[] {
		return [...this.selection].filter((i) => this.mine.includes(i)).sort((a, b) => a - b);
	}

	/** Books every selected free seat in one insert: all of them or none. */
	async book(): Promise<Outcome> {
		const layout = this.layout;
		const seats = this.selectedToBook;
		if (!layout || !seats.length) return { kind: 'info', message: 'Select free seats first.' };
		if (!this.#userId) return { kind: 'error', message: 'Log in to book seats.' };
		this.busy = true;
		try {
			const seatIds = seats.map((i) => layout.ids[i]);
			const { data, error } = await bookSeats(this.#supabase, this.event.id, seatIds);
			if (error) {
				const failure = bookingFailure(error, this.maxSeats);
				if (failure.kind !== 'taken') return { kind: 'error', message: failure.message };
				// Catch up at once rather than wait for the realtime change.
				const current = await currentBookings(this.#supabase, seatIds);
				if (current.data) this.#applyAll(current.data);
				const lost = seats.filter((i) => this.status(i) === 'taken');
				this.#deselect(lost);
				const names = lost.map((i) => layout.shortName(i)).join(', ');
				return {
					kind: 'error',
					message: lost.length
						? `Someone else just booked ${names}. Nothing was booked; those seats are now marked taken.`
						: failure.message
				};
			}
			this.#applyAll(data);
			this.#deselect(seats);
			return {
				kind: 'success',
				message: `Booked ${plural(seats.length, 'seat')}: ${seats.map((i) => layout.shortName(i)).join(', ')}.`
			};
		} finally {
			this.busy = false;
		}
	}

	/** Releases my bookings on these seats. */
	async release(seats: number[]): Promise<Outcome> {
		const layout = this.layout;
		const ids = seats.map((i) => this.bookingId(i)).filter((id): id is number => id !== null);
		if (!layout || !ids.length) return { kind: 'info', message: 'Select your seats first.' };
		this.busy = true;
		try {
			const { data, error } = await releaseBookings(this.#supabase, ids);
			if (error) return { kind: 'error', message: releaseFailure(error) };
			this.#applyAll(data);
			this.#deselect(seats);
			return {
				kind: 'success',
				message: `Released ${plural(data.length, 'seat')}: ${seats.map((i) => layout.shortName(i)).join(', ')}.`
			};
		} finally {
			this.busy = false;
		}
	}

	#subscribe(): void {
		const topic = `event-${this.event.id}`;
		const channel = this.#supabase.channel(topic, {
			config: { presence: { key: this.#presenceKey } }
		});
		channel
			.on(
				'postgres_changes',
				{
					event: '*',
					schema: 'public',
					table: 'bookings',
					filter: `event_id=eq.${this.event.id}`
				},
				(payload) => {
					const parsed = v.safeParse(BookingChange, payload.new);
					if (parsed.success) this.#applyAll([parsed.output]);
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
				this.viewers = Object.keys(channel.presenceState()).length;
			})
			.subscribe((status) => {
				if (this.#stopped || channel !== this.#channel) return;
				if (status === 'SUBSCRIBED') {
					this.connection = 'live';
					// A server that never confirms still gets a snapshot, a little later.
					if (this.#confirmTimer) clearTimeout(this.#confirmTimer);
					this.#confirmTimer = setTimeout(() => {
						this.#confirmTimer = null;
						if (!this.#stopped) this.#resync();
					}, CONFIRM_TIMEOUT_MS);
					void channel.track({ online_at: Date.now() });
				} else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
					// realtime-js rejoins by itself; the snapshot after rejoining fills the gap.
					this.connection = 'offline';
					this.synced = false;
				} else if (status === 'CLOSED') {
					// Closed by the server: no automatic rejoin, so start a fresh channel.
					this.connection = 'offline';
					this.synced = false;
					this.#dropChannel();
					this.#clearTimers();
					this.#retryTimer = setTimeout(() => {
						this.#retryTimer = null;
						if (!this.#stopped) this.#subscribe();
					}, 2000);
				}
			});
		this.#channel = channel;
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

	/** Subscribe first, then snapshot: changes meanwhile are applied and merged by version. */
	#resync(): void {
		const seats = this.#seats;
		if (!seats) return;
		const epoch = ++this.#resyncEpoch;
		seats.beginResync();
		void fetchSeatBookings(this.#supabase, this.event.id).then(({ data, error }) => {
			if (this.#stopped || epoch !== this.#resyncEpoch) return;
			if (error) {
				// Try again shortly; the banner stays up until a snapshot lands.
				this.synced = false;
				this.#retryTimer = setTimeout(() => {
					this.#retryTimer = null;
					if (!this.#stopped && this.connection === 'live') this.#resync();
				}, 2000);
				return;
			}
			this.#changed(seats.applySnapshot(data));
			this.synced = true;
		});
	}

	#applyAll(changes: BookingChange[]): void {
		const seats = this.#seats;
		if (!seats) return;
		const changed: number[] = [];
		for (const change of changes) {
			const i = seats.apply(change);
			if (i >= 0) changed.push(i);
		}
		this.#changed(changed);
	}

	/** Status changes: update counters, drop seats others took from the selection, repaint. */
	#changed(changed: number[]): void {
		const seats = this.#seats;
		if (!seats || !changed.length) return;
		this.available = seats.availableCount;
		const mine = seats.mine();
		if (mine.length !== this.mine.length || mine.some((i, k) => this.mine[k] !== i))
			this.mine = mine;
		const lost = changed.filter((i) => this.selection.has(i) && seats.status(i) === 'taken');
		if (lost.length) {
			this.#deselect(lost);
			this.#onTakenFromSelection?.(lost);
		}
		this.#notify(changed);
	}

	#deselect(seats: number[]): void {
		if (!seats.some((i) => this.selection.has(i))) return;
		for (const i of seats) this.selection.delete(i);
		this.#notifyNow(seats);
	}

	#notify(seats: number[]): void {
		if (seats.length) this.#notifyNow(seats);
	}

	#notifyNow(seats: number[]): void {
		for (const listener of this.#listeners) listener(seats);
	}
}
