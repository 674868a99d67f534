import type { Supabase } from '$lib/api/client';
import { listMyBookings, releaseBookings, type MyBooking } from '$lib/api/bookings';
import { listMyOrders, releaseFromOrder } from '$lib/api/orders';
import type { Result } from '$lib/api/result';
import { fetchServerTime } from '$lib/api/seats';
import { formatSeat } from '$lib/domain/format';
import { current, nextLapse } from '$lib/domain/my-holds';
import {
	releasedFromOrder,
	releaseFromOrderFailure,
	withRelease,
	type Order,
	type OrderSeat
} from '$lib/domain/orders';
import { failed, released, releaseFailure, type Outcome } from '$lib/domain/outcomes';
import { ServerAlarm, ServerClock } from '$lib/domain/server-clock';
import type { ConnectionState } from './channel-status.ts';
import { feeds } from './channel.ts';
import { LiveQuery } from './live-query.svelte.ts';

export interface MyHold {
	booking: MyBooking;
	/** When it lapses, in this browser's clock (ms), for the countdown. */
	until: number;
}

export interface MyEventHolds {
	event: MyBooking['event'];
	held: MyHold[];
}

/** What the page lists: the person's active holds and their orders. */
export interface MyLists {
	bookings: MyBooking[];
	orders: Order[];
}

/**
 * One person's orders and active holds across events, kept live: an order, hold or release in
 * another tab or on another device shows here without a reload. Every message on the person's
 * topic (a booking change, or the `order` the database sends when an order is made or changes)
 * fetches both lists again. A hold lapses with no message from anywhere, so the list drops it by
 * itself at its `expires_at`, by the database's clock.
 */
export class MyBookings {
	/** Booked seats and holds; the page shows the booked ones through their orders. */
	bookings = $state.raw<MyBooking[]>([]);
	/** Newest first, cancelled ones included. */
	orders = $state.raw<Order[]>([]);
	/** Holds that ran out while this page was open (not ones found lapsed when loading). */
	lapsed = $state.raw<MyBooking[]>([]);
	busy = $state(false);
	#supabase: Supabase;
	#query: LiveQuery<MyLists>;
	readonly #clock: ServerClock;
	/** Drops the next hold to lapse (and any due with it). */
	readonly #lapse: ServerAlarm;
	#stopped = true;

	/**
	 * `serverTime`: the database's clock when `initial` was read (it may have been read on the
	 * server: received "now" here, the clock errs late, never early).
	 */
	constructor(
		supabase: Supabase,
		userId: string,
		initial: MyLists,
		serverTime: string | null,
		clock = new ServerClock()
	) {
		this.#supabase = supabase;
		this.#clock = clock;
		this.#clock.sync(serverTime);
		this.#lapse = new ServerAlarm(clock, () => this.#show(this.bookings));
		this.bookings = current(initial.bookings, this.#clock.now());
		this.orders = initial.orders;
		this.#query = new LiveQuery(supabase, {
			feed: feeds.myBookings(userId),
			fetch: async () => {
				const [bookings, orders] = await Promise.all([
					listMyBookings(supabase, userId),
					listMyOrders(supabase),
					this.#syncClock()
				]);
				return both(bookings, orders);
			},
			apply: (data) => {
				this.orders = data.orders;
				this.#show(data.bookings);
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

	/** Active holds grouped by event, in the order they are listed (by the event's start). */
	get holdsByEvent(): MyEventHolds[] {
		const groups: MyEventHolds[] = [];
		for (const booking of this.bookings) {
			if (booking.status !== 'held') continue;
			let group = groups.at(-1);
			if (group?.event.id !== booking.event.id) {
				group = { event: booking.event, held: [] };
				groups.push(group);
			}
			group.held.push({ booking, until: this.#clock.toLocal(booking.expiresAt!) });
		}
		return groups;
	}

	/** Nothing to list: no active hold and no order, not even a cancelled one. */
	get empty(): boolean {
		return this.orders.length === 0 && !this.bookings.some((b) => b.status === 'held');
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

	async release(bookings: MyBooking[]): Promise<Outcome> {
		this.busy = true;
		try {
			const { data, error } = await releaseBookings(
				this.#supabase,
				bookings.map((b) => b.id)
			);
			if (error) return failed(releaseFailure(error));
			// Drop them now rather than wait for the realtime change to trigger a refetch.
			const gone = data.map((b) => b.id);
			this.#show(this.bookings.filter((b) => !gone.includes(b.id)));
			return released(data.length, bookings.map(seatName).join('; '));
		} finally {
			this.busy = false;
		}
	}

	/**
	 * Releases these seats from their order, all or none, and shows the order's new total (or
	 * that it is cancelled) at once rather than after the realtime message's refetch.
	 */
	async releaseFromOrder(order: Order, seats: OrderSeat[]): Promise<Outcome> {
		this.busy = true;
		try {
			const ids = seats.map((s) => s.bookingId);
			const { data, error } = await releaseFromOrder(this.#supabase, order.reference, ids);
			if (error) {
				// Someone may have released it elsewhere meanwhile: show what is true now.
				void this.#query.refresh();
				return releaseFromOrderFailure(error);
			}
			const now = this.#clock.now();
			this.orders = this.orders.map((o) =>
				o.id === order.id ? withRelease(o, data, ids, now) : o
			);
			this.#show(this.bookings.filter((b) => !ids.includes(b.id)));
			return releasedFromOrder(data, seats);
		} finally {
			this.busy = false;
		}
	}

	dismissLapsed(): void {
		this.lapsed = [];
	}

	async #syncClock(): Promise<void> {
		const { data } = await fetchServerTime(this.#supabase);
		if (data) this.#clock.sync(data);
	}

	/**
	 * Shows the current rows. A hold that was on screen and is gone by the clock lapsed, whether the
	 * timer or a refetch noticed first (after a lapse the database may still list it as held, or as
	 * expired once someone else took the seat).
	 */
	#show(rows: MyBooking[]): void {
		const before = this.bookings;
		const now = this.#clock.now();
		this.bookings = current(rows, now);
		const lapsed = before.filter(
			(b) =>
				b.status === 'held' &&
				b.expiresAt !== null &&
				b.expiresAt <= now &&
				!this.bookings.some((k) => k.id === b.id)
		);
		if (lapsed.length) this.lapsed = lapsed;
		this.#schedule();
	}

	#schedule(): void {
		this.#lapse.set(this.#stopped ? null : nextLapse(this.bookings));
	}
}

function both(bookings: Result<MyBooking[]>, orders: Result<Order[]>): Result<MyLists> {
	if (bookings.error) return bookings;
	if (orders.error) return orders;
	return { data: { bookings: bookings.data, orders: orders.data }, error: null };
}

export function seatName(b: MyBooking): string {
	return formatSeat(b.seat);
}
