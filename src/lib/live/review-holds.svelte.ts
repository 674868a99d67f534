import type { Supabase } from '$lib/api/client';
import { listMyBookings, type MyBooking } from '$lib/api/bookings';
import { confirmOrder } from '$lib/api/orders';
import type { Result } from '$lib/api/result';
import { fetchServerTime } from '$lib/api/seats';
import { current, nextLapse } from '$lib/domain/my-holds';
import type { OrderSummary } from '$lib/domain/orders';
import { bySeat, lostHolds, mergeLost, type Loss, type LostHold } from '$lib/domain/review';
import { ServerAlarm, ServerClock } from '$lib/domain/server-clock';
import type { ConnectionState } from './channel-status.ts';
import { feeds } from './channel.ts';
import { LiveQuery } from './live-query.svelte.ts';

/**
 * One person's holds of one event while they review them before booking, kept live: a hold
 * released or booked in another tab or on another device leaves the list, and one that lapses
 * leaves it at its `expires_at` by the database's clock, each named in `lost` with why. Confirming
 * books exactly the holds listed, in one order, all or none.
 */
export class ReviewHolds {
	/** The holds to book, in the order listed (section, row, seat). */
	holds = $state.raw<MyBooking[]>([]);
	/** Holds that were on this page and are gone, the latest last. */
	lost = $state.raw<LostHold<MyBooking>[]>([]);
	/** An order is being made (and, once made, the page is moving on to it). */
	busy = $state(false);
	readonly #supabase: Supabase;
	readonly #eventId: number;
	readonly #clock: ServerClock;
	readonly #lapse: ServerAlarm;
	readonly #query: LiveQuery<MyBooking[]>;
	#stopped = true;
	/** While the database decides on an order, what arrives waits: it would name those very holds booked. */
	#confirming = false;

	/**
	 * `initial`: the person's bookings as loaded; `serverTime`: the database's clock when they were
	 * read.
	 */
	constructor(
		supabase: Supabase,
		userId: string,
		eventId: number,
		initial: MyBooking[],
		serverTime: string | null,
		clock = new ServerClock()
	) {
		this.#supabase = supabase;
		this.#eventId = eventId;
		this.#clock = clock;
		this.#clock.sync(serverTime);
		this.#lapse = new ServerAlarm(clock, () => this.#show(this.holds));
		this.holds = this.#current(initial);
		this.#query = new LiveQuery(supabase, {
			feed: feeds.myBookings(userId),
			fetch: async () => {
				const [list, time] = await Promise.all([
					listMyBookings(supabase, userId),
					fetchServerTime(supabase)
				]);
				if (time.data) this.#clock.sync(time.data);
				return list;
			},
			apply: (rows) => this.#show(rows)
		});
	}

	get connection(): ConnectionState {
		return this.#query.connection;
	}

	/** True once the list was fetched again on the current subscription. */
	get synced(): boolean {
		return this.#query.synced;
	}

	/**
	 * Every hold this page listed, lost ones too with why (`lost: null` for the holds to book), in
	 * seat order: a lost hold stays in its place, marked, so nothing below it moves.
	 */
	get rows(): { hold: MyBooking; lost: Loss | null }[] {
		return [
			...this.holds.map((hold) => ({ hold, lost: null })),
			...this.lost.map((l) => ({ hold: l.hold, lost: l.why }))
		].sort((a, b) => bySeat(a.hold, b.hold));
	}

	get totalCents(): number {
		return this.holds.reduce((sum, h) => sum + h.seat.priceCents, 0);
	}

	/** When the first listed hold lapses, in this browser's clock (ms); null without holds. */
	get firstLapse(): number | null {
		const at = nextLapse(this.holds);
		return at === null ? null : this.#clock.toLocal(at);
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

	/**
	 * Books the listed holds in one order. The database refuses the whole request when one of them
	 * is no longer the person's to book; the list is then fetched again, so it shows what changed.
	 * Made, the page goes on to the order: this stops following the holds and stays busy.
	 */
	async confirm(): Promise<Result<OrderSummary>> {
		this.busy = true;
		this.#confirming = true;
		const result = await confirmOrder(
			this.#supabase,
			this.holds.map((h) => h.id)
		);
		this.#confirming = false;
		if (result.data) {
			this.stop();
			return result;
		}
		await this.#query.refresh();
		this.busy = false;
		return result;
	}

	#current(rows: MyBooking[]): MyBooking[] {
		return current(
			rows.filter((r) => r.event.id === this.#eventId),
			this.#clock.now()
		).filter((r) => r.status === 'held');
	}

	#show(rows: MyBooking[]): void {
		if (this.#confirming || this.#stopped) return;
		const mine = rows.filter((r) => r.event.id === this.#eventId);
		const gone = lostHolds(this.holds, mine, this.#clock.now());
		this.holds = this.#current(rows);
		if (gone.length || this.lost.length) this.lost = mergeLost(this.lost, gone, this.holds);
		this.#schedule();
	}

	#schedule(): void {
		this.#lapse.set(this.#stopped ? null : nextLapse(this.holds));
	}
}
