import type { Supabase } from '$lib/api/client';
import { listMyBookings, releaseBookings, type MyBooking } from '$lib/api/bookings';
import { fetchServerTime } from '$lib/api/seats';
import { formatSeat } from '$lib/domain/format';
import { current, nextLapse } from '$lib/domain/my-holds';
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

export interface MyEventBookings {
	event: MyBooking['event'];
	booked: MyBooking[];
	held: MyHold[];
}

/**
 * One person's bookings and active holds across events, kept live: a booking, hold or release in
 * another tab or on another device shows here without a reload. A hold lapses with no message
 * from anywhere, so the list drops it by itself at its `expires_at`, by the database's clock.
 */
export class MyBookings {
	bookings = $state.raw<MyBooking[]>([]);
	/** Holds that ran out while this page was open (not ones found lapsed when loading). */
	lapsed = $state.raw<MyBooking[]>([]);
	busy = $state(false);
	#supabase: Supabase;
	#query: LiveQuery<MyBooking[]>;
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
		initial: MyBooking[],
		serverTime: string | null,
		clock = new ServerClock()
	) {
		this.#supabase = supabase;
		this.#clock = clock;
		this.#clock.sync(serverTime);
		this.#lapse = new ServerAlarm(clock, () => this.#show(this.bookings));
		this.bookings = current(initial, this.#clock.now());
		this.#query = new LiveQuery(supabase, {
			feed: feeds.myBookings(userId),
			fetch: async () => {
				const [list] = await Promise.all([listMyBookings(supabase, userId), this.#syncClock()]);
				return list;
			},
			apply: (data) => this.#show(data)
		});
	}

	get connection(): ConnectionState {
		return this.#query.connection;
	}

	/** True once the list was fetched again on the current subscription. */
	get synced(): boolean {
		return this.#query.synced;
	}

	/** Bookings and holds grouped by event, in the order they are listed. */
	get byEvent(): MyEventBookings[] {
		const groups: MyEventBookings[] = [];
		for (const booking of this.bookings) {
			let group = groups.at(-1);
			if (group?.event.id !== booking.event.id) {
				group = { event: booking.event, booked: [], held: [] };
				groups.push(group);
			}
			if (booking.status === 'booked') group.booked.push(booking);
			else group.held.push({ booking, until: this.#clock.toLocal(booking.expiresAt!) });
		}
		return groups;
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

export function seatName(b: MyBooking): string {
	return formatSeat(b.seat);
}
