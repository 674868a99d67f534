import { createSubscriber } from 'svelte/reactivity';
import type { EventRow } from '$lib/api/events';
import type { Supabase } from '$lib/api/client';
import { currentBookings } from '$lib/api/bookings';
import { fetchSeatLayout } from '$lib/api/seats';
import type { SeatLayout } from '$lib/domain/seat-layout';
import { SeatState, type BookingChange, type SeatStatus } from '$lib/domain/seat-state';
import { ServerAlarm, ServerClock } from '$lib/domain/server-clock';
import type { ConnectionState } from './channel-status.ts';
import { EventFeed } from './event-feed.ts';

export type LoadState = 'loading' | 'ready' | 'empty' | 'error';
type SeatListener = (seats: number[]) => void;

/**
 * One event's seats, live: the layout, who has which seat (never who, for others), my holds and
 * bookings, the realtime connection and presence. It owns the event's feed (its one realtime
 * channel) and the one timer that lapses holds (see SeatState: holds end at `expires_at` with no
 * message, so every client frees them by its own, server-corrected, clock).
 *
 * With 50,000 seats a seat's status is not `$state`: a change is announced to `onSeats` listeners
 * as the list of seats to repaint, and `status(i)` read in an effect or template re-runs it on any
 * change (createSubscriber). Counters and my lists are `$state`.
 */
export class LiveSeats {
	readonly event: EventRow;
	load = $state<LoadState>('loading');
	loadError = $state<string | null>(null);
	connection = $state<ConnectionState>('connecting');
	/** True once a snapshot has been applied on the current subscription. */
	synced = $state(false);
	viewers = $state(0);
	layout = $state.raw<SeatLayout | null>(null);
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

	#supabase: Supabase;
	#userId: string | null;
	#seats: SeatState | null = null;
	readonly #clock = new ServerClock();
	#feed: EventFeed | null = null;
	/** What the feed said before the layout loaded, to apply once it has. */
	#pending: ((seats: SeatState) => void)[] = [];
	#feedSynced = false;
	// Plain callbacks, not state: repaints bypass Svelte's reactivity on purpose.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#listeners = new Set<SeatListener>();
	readonly #subscribe = createSubscriber((update) => this.onSeats(() => update()));
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
		this.#subscribe();
		return this.#seats?.status(i) ?? 'available';
	}

	/** When my hold on seat `i` lapses, in this browser's clock (ms); null if it is not my hold. */
	holdEndsAt(i: number): number | null {
		const at = this.#seats?.status(i) === 'mine-held' ? this.#seats.expiresAt(i) : null;
		return at === null || at === undefined || !Number.isFinite(at) ? null : this.#clock.toLocal(at);
	}

	bookingId(i: number): number | null {
		return this.#seats?.bookingId(i) ?? null;
	}

	/** Listens for seats whose look changed (status or selection). */
	onSeats(listener: SeatListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Tells the listeners these seats look different now (e.g. picked or unpicked). */
	repaint(seats: number[]): void {
		if (!seats.length) return;
		for (const listener of this.#listeners) listener(seats);
	}

	async start(): Promise<void> {
		this.#stopped = false;
		this.load = 'loading';
		this.loadError = null;
		this.#seats = null;
		this.#pending = [];
		const loading = fetchSeatLayout(this.#supabase, this.event.id);
		// The channel joins and takes its snapshot while the layout loads: neither needs the other,
		// and what the feed says before there are seats waits in #pending, in order.
		const feed = new EventFeed(
			this.#supabase,
			this.event.id,
			this.#presenceKey,
			() => this.#clock.now(),
			{
				change: (change) => this.#withSeats(() => this.apply([change])),
				resyncBegins: () => this.#withSeats((seats) => seats.beginResync()),
				snapshot: (snapshot) =>
					this.#withSeats((seats) => {
						// The snapshot carries the server's clock: learn the offset before judging its holds.
						this.#clock.sync(snapshot.server_time);
						this.#expiry.clear();
						this.#changed(seats.applySnapshot(snapshot));
					}),
				connection: (state, synced) => {
					this.connection = state;
					this.#feedSynced = synced;
					this.synced = synced && this.#seats !== null;
				},
				viewers: (count) => (this.viewers = count)
			}
		);
		this.#feed = feed;
		feed.start();
		const { data: layout, error } = await loading;
		if (this.#stopped) return;
		if (error || !layout.size) {
			feed.stop();
			this.#feed = null;
			this.#pending = [];
		}
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
		const pending = this.#pending;
		this.#pending = [];
		for (const op of pending) op(seats);
		this.synced = this.#feedSynced;
	}

	/** Runs `op` on the seats now, or once the layout has loaded. */
	#withSeats(op: (seats: SeatState) => void): void {
		if (this.#seats) op(this.#seats);
		else this.#pending.push(op);
	}

	stop(): void {
		this.#stopped = true;
		this.#feed?.stop();
		this.#feed = null;
		this.#pending = [];
		this.#expiry.clear();
		this.#listeners.clear();
	}

	/** Another person logged in (or out) on this page: my seats are someone else's now. */
	setUser(userId: string | null): void {
		if (userId === this.#userId) return;
		this.#userId = userId;
		if (!this.#seats) return;
		this.expired = [];
		this.#changed(this.#seats.setViewer(userId));
	}

	/** Booking rows from an answer or a change: the seats follow, by version. */
	apply(changes: BookingChange[]): void {
		const seats = this.#seats;
		if (!seats) return;
		const changed: number[] = [];
		for (const change of changes) {
			const i = seats.apply(change);
			if (i >= 0) changed.push(i);
		}
		this.#changed(changed);
	}

	/** Fetches the current bookings and holds of some seats and applies them. */
	async refresh(seats: number[]): Promise<void> {
		const layout = this.layout;
		if (!layout) return;
		const current = await currentBookings(
			this.#supabase,
			seats.map((i) => layout.ids[i])
		);
		if (current.data) this.apply(current.data);
	}

	/** Keeps offering only those lapsed holds that `keep` says. */
	keepExpired(keep: (i: number) => boolean): void {
		this.expired = this.expired.filter(keep);
	}

	dismissExpired(): void {
		this.expired = [];
	}

	/** Seats named as one, e.g. "Floor · Row F · Seats 12–13". */
	names(seats: number[]): string {
		return this.layout!.describeSeats(seats);
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
		let until: number | null = null;
		for (const i of this.held) {
			const at = seats.expiresAt(i);
			if (at !== null && (until === null || at < until)) until = at;
		}
		this.heldUntil = until === null || !Number.isFinite(until) ? null : this.#clock.toLocal(until);
		this.#expiry.set(this.#stopped ? null : seats.nextExpiry());
		this.repaint(changed);
	}
}

/** The old list when equal, so `$state.raw` readers are not woken for nothing. */
function same(old: number[], next: number[]): number[] {
	return old.length === next.length && old.every((i, k) => next[k] === i) ? old : next;
}
