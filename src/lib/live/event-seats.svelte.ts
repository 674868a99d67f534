import { SvelteSet } from 'svelte/reactivity';
import type { EventRow } from '$lib/api/events';
import type { Supabase } from '$lib/api/client';
import {
	confirmHolds,
	currentBookings,
	holdBestAvailable,
	holdSeats,
	releaseBookings
} from '$lib/api/bookings';
import { fetchSeatLayout } from '$lib/api/seats';
import {
	bestAvailableFailure,
	bookingFailure,
	confirmFailure,
	releaseFailure
} from '$lib/domain/booking-errors';
import { plural } from '$lib/domain/format';
import type { SeatLayout } from '$lib/domain/seat-layout';
import { SeatState, type BookingChange, type SeatStatus } from '$lib/domain/seat-state';
import { ServerAlarm, ServerClock } from '$lib/domain/server-clock';
import type { ConnectionState } from './channel-status.ts';
import { EventFeed } from './event-feed.ts';

export type LoadState = 'loading' | 'ready' | 'empty' | 'error';
export interface Outcome {
	kind: 'success' | 'error' | 'info';
	message: string;
	/** Say it with a link to log in. */
	login?: boolean;
}
type SeatListener = (seats: number[]) => void;

/**
 * Everything live about one event's seats: the layout, who has which seat, the person's holds and
 * bookings, the realtime connection and presence. It owns the event's feed (its one realtime
 * channel) and the one timer that lapses holds (see SeatState: holds end at `expires_at` with no
 * message, so every client frees them by its own, server-corrected, clock).
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
	/** My booked seats picked on the map to release together. */
	readonly selection = new SvelteSet<number>();
	/** Seats with a hold or release of mine in flight. */
	readonly pending = new SvelteSet<number>();
	/** My booked seats. */
	mine = $state.raw<number[]>([]);
	/** My active holds. */
	held = $state.raw<number[]>([]);
	/** When the first of my holds lapses, in this browser's clock (ms); null without holds. */
	heldUntil = $state<number | null>(null);
	/** My holds that lapsed, offered to hold again until done or dismissed. */
	expired = $state.raw<number[]>([]);
	available = $state(0);
	/** Seats anyone holds right now (not free, but they may lapse). */
	onHold = $state(0);
	busy = $state(false);

	#supabase: Supabase;
	#userId: string | null;
	#seats: SeatState | null = null;
	readonly #clock = new ServerClock();
	#feed: EventFeed | null = null;
	// Plain callbacks, not state: repaints bypass Svelte's reactivity on purpose.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#listeners = new Set<SeatListener>();
	#stopped = false;
	/** The one timer, for the next hold to lapse (anyone's): no scans while nothing is due. */
	readonly #expiry = new ServerAlarm(this.#clock, () => {
		if (this.#seats) this.#changed(this.#seats.expireDue());
	});
	#presenceKey: string;

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
		const seats = new SeatState(
			layout.size,
			(id) => layout.indexOf(id),
			this.#userId,
			() => this.#clock.now()
		);
		this.#seats = seats;
		this.layout = layout;
		this.available = layout.size;
		this.load = layout.size ? 'ready' : 'empty';
		if (!layout.size) return;
		this.#feed = new EventFeed(this.#supabase, this.event.id, this.#presenceKey, {
			change: (change) => this.#applyAll([change]),
			resyncBegins: () => seats.beginResync(),
			snapshot: (snapshot) => {
				// The snapshot carries the server's clock: learn the offset before judging its holds.
				this.#clock.sync(snapshot.server_time);
				this.#expiry.clear();
				this.#changed(seats.applySnapshot(snapshot));
			},
			connection: (state, synced) => {
				this.connection = state;
				this.synced = synced;
			},
			viewers: (count) => (this.viewers = count)
		});
		this.#feed.start();
	}

	stop(): void {
		this.#stopped = true;
		this.#feed?.stop();
		this.#feed = null;
		this.#expiry.clear();
		this.#listeners.clear();
	}

	setUser(userId: string | null): void {
		if (userId === this.#userId) return;
		this.#userId = userId;
		if (!this.#seats) return;
		this.expired = [];
		this.clearSelection();
		this.#changed(this.#seats.setViewer(userId));
	}

	/**
	 * A seat was clicked: a free seat is held at once (logged in), my hold is let go, my booked
	 * seat is picked to release; someone else's seat says why not.
	 */
	async activate(i: number): Promise<Outcome | null> {
		if (this.pending.has(i)) return null;
		switch (this.status(i)) {
			case 'taken':
				return { kind: 'info', message: 'That seat is taken.' };
			case 'held':
				return {
					kind: 'info',
					message: 'Someone else is holding that seat. It frees up if they do not book it in time.'
				};
			case 'mine':
				if (this.selection.has(i)) this.selection.delete(i);
				else this.selection.add(i);
				this.#notifyNow([i]);
				return null;
			case 'mine-held':
				return this.release([i]);
			case 'available':
				if (!this.#userId) return { kind: 'info', message: 'Log in to hold seats.', login: true };
				return this.hold([i]);
		}
	}

	clearSelection(): void {
		const was = [...this.selection];
		this.selection.clear();
		this.#notifyNow(was);
	}

	/** Selected seats of mine to release. */
	get selectedToRelease(): number[] {
		return [...this.selection].filter((i) => this.mine.includes(i)).sort((a, b) => a - b);
	}

	/** Holds these free seats in one insert: all of them or none. */
	async hold(seats: number[]): Promise<Outcome> {
		const layout = this.layout;
		if (!layout || !seats.length) return { kind: 'info', message: 'Pick free seats first.' };
		if (!this.#userId) return { kind: 'info', message: 'Log in to hold seats.', login: true };
		const seatIds = seats.map((i) => layout.ids[i]);
		this.#setPending(seats, true);
		try {
			const { data, error } = await holdSeats(this.#supabase, this.event.id, seatIds);
			if (error) {
				const failure = bookingFailure(error, this.maxSeats, 'hold');
				if (failure.kind !== 'taken') return { kind: 'error', message: failure.message };
				// Catch up at once rather than wait for the realtime change.
				await this.#refresh(seatIds);
				const lost = seats.filter((i) => ['held', 'taken'].includes(this.status(i)));
				return {
					kind: 'error',
					message: lost.length
						? `Someone else just took ${this.#names(lost)}.${seats.length > 1 ? ' Nothing was held.' : ''}`
						: failure.message
				};
			}
			this.#applyAll(data);
			return { kind: 'success', message: `Holding ${this.#names(seats)}.` };
		} finally {
			this.#setPending(seats, false);
		}
	}

	/** Books every seat I hold in one update: all of them or none. */
	async confirm(): Promise<Outcome> {
		const seats = this.held;
		const ids = seats.map((i) => this.bookingId(i)).filter((id): id is number => id !== null);
		if (!this.layout || !ids.length) return { kind: 'info', message: 'Hold some seats first.' };
		this.busy = true;
		try {
			const { data, error } = await confirmHolds(this.#supabase, ids);
			if (error) {
				const failure = confirmFailure(error);
				if (failure.kind !== 'lapsed') return { kind: 'error', message: failure.message };
				await this.#refresh(seats.map((i) => this.layout!.ids[i]));
				const lapsed = seats.filter((i) => this.status(i) !== 'mine-held');
				return {
					kind: 'error',
					message: lapsed.length
						? `Your hold on ${this.#names(lapsed)} ran out before the booking went through. Nothing was booked.`
						: failure.message
				};
			}
			this.#applyAll(data);
			return {
				kind: 'success',
				message: `Booked ${plural(data.length, 'seat')}: ${this.#names(seats)}.`
			};
		} finally {
			this.busy = false;
		}
	}

	/** Lets go of my bookings or holds on these seats. */
	async release(seats: number[]): Promise<Outcome> {
		const ids = seats.map((i) => this.bookingId(i)).filter((id): id is number => id !== null);
		if (!this.layout || !ids.length) return { kind: 'info', message: 'Select your seats first.' };
		this.busy = true;
		this.#setPending(seats, true);
		try {
			const { data, error } = await releaseBookings(this.#supabase, ids);
			if (error) return { kind: 'error', message: releaseFailure(error) };
			this.#applyAll(data);
			this.#deselect(seats);
			return {
				kind: 'success',
				message: `Released ${plural(data.length, 'seat')}: ${this.#names(seats)}.`
			};
		} finally {
			this.busy = false;
			this.#setPending(seats, false);
		}
	}

	/** Holds again, all or none, those of my lapsed holds that are still free. */
	async rehold(): Promise<Outcome> {
		const wanted = this.expired;
		const free = wanted.filter((i) => this.status(i) === 'available');
		const gone = wanted.filter((i) => ['held', 'taken'].includes(this.status(i)));
		const meanwhile = gone.length
			? ` ${this.#names(gone)} ${gone.length === 1 ? 'was' : 'were'} taken meanwhile.`
			: '';
		if (!free.length) {
			this.expired = [];
			return { kind: 'info', message: `Nothing to hold again.${meanwhile}` };
		}
		this.busy = true;
		try {
			const outcome = await this.hold(free);
			if (outcome.kind !== 'success') {
				// Keep offering the seats that are still free.
				this.expired = this.expired.filter((i) => this.status(i) === 'available');
				return outcome;
			}
			this.expired = this.expired.filter((i) => !wanted.includes(i));
			return { kind: 'success', message: `Holding ${this.#names(free)} again.${meanwhile}` };
		} finally {
			this.busy = false;
		}
	}

	dismissExpired(): void {
		this.expired = [];
	}

	/** Asks the database for the best `count` adjacent seats of a category and holds them. */
	async bestAvailable(category: string, count: number): Promise<Outcome> {
		const layout = this.layout;
		if (!layout) return { kind: 'info', message: 'The seat map is still loading.' };
		if (!this.#userId) return { kind: 'info', message: 'Log in to hold seats.', login: true };
		this.busy = true;
		try {
			const { data, error } = await holdBestAvailable(
				this.#supabase,
				this.event.id,
				category,
				count
			);
			if (error) return { kind: 'error', message: bestAvailableFailure(error, this.maxSeats) };
			this.#applyAll(data);
			const seats = data.map((b) => layout.indexOf(b.seat_id)).filter((i) => i >= 0);
			return { kind: 'success', message: `Holding ${layout.describeSeats(seats)}.` };
		} finally {
			this.busy = false;
		}
	}

	/** Short names of seats, e.g. "A-3-12, A-3-13". */
	#names(seats: number[]): string {
		return seats.map((i) => this.layout!.shortName(i)).join(', ');
	}

	/** Fetches the current bookings and holds of some seats and applies them. */
	async #refresh(seatIds: number[]): Promise<void> {
		const current = await currentBookings(this.#supabase, seatIds);
		if (current.data) this.#applyAll(current.data);
	}

	#setPending(seats: number[], on: boolean): void {
		for (const i of seats) {
			if (on) this.pending.add(i);
			else this.pending.delete(i);
		}
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

	/**
	 * After status changes: counters and my lists follow, my lapsed holds join the re-hold offer,
	 * the expiry timer moves to the next hold, and the changed seats repaint.
	 */
	#changed(changed: number[]): void {
		const seats = this.#seats;
		if (!seats) return;
		this.available = seats.availableCount;
		this.onHold = seats.heldCount;
		this.mine = same(this.mine, seats.mine());
		this.held = same(this.held, seats.myHolds());
		const lapsed = seats.takeLapsedMine();
		const expired = [...this.expired, ...lapsed.filter((i) => !this.expired.includes(i))].filter(
			(i) => !['mine', 'mine-held'].includes(seats.status(i))
		);
		this.expired = same(this.expired, expired);
		this.#deselect(changed.filter((i) => seats.status(i) !== 'mine'));
		let until: number | null = null;
		for (const i of this.held) {
			const at = seats.expiresAt(i);
			if (at !== null && (until === null || at < until)) until = at;
		}
		this.heldUntil = until === null || !Number.isFinite(until) ? null : this.#clock.toLocal(until);
		this.#expiry.set(this.#stopped ? null : seats.nextExpiry());
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

/** The old list when equal, so `$state.raw` readers are not woken for nothing. */
function same(old: number[], next: number[]): number[] {
	return old.length === next.length && old.every((i, k) => next[k] === i) ? old : next;
}
