import { SvelteSet } from 'svelte/reactivity';
import type { Supabase } from '$lib/api/client';
import {
	holdBestAvailable,
	holdBestWheelchairSpace,
	holdSeats,
	releaseBookings
} from '$lib/api/bookings';
import { listMyOrders } from '$lib/api/orders';
import {
	bestAvailableFailure,
	bookingFailure,
	failed,
	heldAgain,
	holding,
	lostRace,
	nothingToHoldAgain,
	released,
	releaseFailure,
	say,
	takenMeanwhile,
	type Outcome
} from '$lib/domain/outcomes';
import type { LiveSeats } from './live-seats.svelte.ts';

/**
 * What a person does with an event's seats on the map: hold, release, hold lapsed holds again,
 * find seats together, and pick booked seats to release together. Booking the holds is the review
 * page's (routes/events/[slug]/review). Each answer is applied to the live seats at once (not
 * waiting for the realtime change) and told as an Outcome; `pending` and `busy` say what is in
 * flight.
 */
export class SeatActions {
	/** My booked seats picked on the map to release together. */
	readonly selection = new SvelteSet<number>();
	/** Seats with a hold or release of mine in flight. */
	readonly pending = new SvelteSet<number>();
	busy = $state(false);
	#supabase: Supabase;
	#seats: LiveSeats;

	constructor(supabase: Supabase, seats: LiveSeats) {
		this.#supabase = supabase;
		this.#seats = seats;
	}

	/** Picked seats that stop being my bookings are unpicked (call once the seats are started). */
	start(): () => void {
		return this.#seats.onSeats((changed) =>
			this.#deselect(changed.filter((i) => this.#seats.status(i) !== 'mine'))
		);
	}

	/**
	 * A seat was clicked: a free seat is held at once (logged in), my hold is let go, my booked
	 * seat is picked to release; someone else's seat says why not.
	 */
	async activate(i: number): Promise<Outcome | null> {
		if (this.pending.has(i)) return null;
		switch (this.#seats.status(i)) {
			case 'taken':
				return say.seatTaken;
			case 'held':
				return say.seatHeld;
			case 'mine':
				if (this.selection.has(i)) this.selection.delete(i);
				else this.selection.add(i);
				this.#seats.repaint([i]);
				return null;
			case 'mine-held':
				return this.release([i]);
			case 'available':
				if (!this.#seats.userId) return say.logInToHold;
				return this.hold([i]);
		}
	}

	clearSelection(): void {
		const was = [...this.selection];
		this.selection.clear();
		this.#seats.repaint(was);
	}

	/** Selected seats of mine to release. */
	get selectedToRelease(): number[] {
		return [...this.selection].filter((i) => this.#seats.mine.includes(i)).sort((a, b) => a - b);
	}

	/** Holds these free seats in one insert: all of them or none. */
	async hold(seats: number[]): Promise<Outcome> {
		const live = this.#seats;
		const layout = live.layout;
		if (!layout || !seats.length) return say.pickFreeSeats;
		if (!live.userId) return say.logInToHold;
		this.#setPending(seats, true);
		try {
			const { data, error } = await holdSeats(
				this.#supabase,
				live.event.id,
				seats.map((i) => layout.ids[i])
			);
			if (error) {
				const failure = bookingFailure(error, live.maxSeats, 'hold');
				if (failure.kind !== 'taken') return failed(failure.message);
				// Catch up at once rather than wait for the realtime change.
				await live.refresh(seats);
				const lost = seats.filter((i) => ['held', 'taken'].includes(live.status(i)));
				return lostRace(lost.length ? live.names(lost) : null, seats.length, failure.message);
			}
			live.apply(data);
			// Every seat held now, not only the one just clicked.
			return holding(live.names(live.held));
		} finally {
			this.#setPending(seats, false);
		}
	}

	/**
	 * What to ask before releasing these booked seats, naming their orders when they can be read:
	 * "Release Floor · Row F · Seat 6 from order K7QM-3XPD? This cannot be undone."
	 */
	async releaseQuestion(seats: number[]): Promise<string> {
		const live = this.#seats;
		const ids = seats.map((i) => live.bookingId(i));
		const { data: orders } = await listMyOrders(this.#supabase);
		const references = (orders ?? [])
			.filter((o) => o.seats.some((s) => ids.includes(s.bookingId) && s.releasedAt === null))
			.map((o) => o.reference);
		const from = references.length
			? ` from ${references.length === 1 ? 'order' : 'orders'} ${references.join(', ')}`
			: '';
		return `Release ${live.names(seats)}${from}? This cannot be undone.`;
	}

	/** Lets go of my bookings or holds on these seats. */
	async release(seats: number[]): Promise<Outcome> {
		const live = this.#seats;
		const ids = seats.map((i) => live.bookingId(i)).filter((id): id is number => id !== null);
		if (!live.layout || !ids.length) return say.selectSeatsFirst;
		this.busy = true;
		this.#setPending(seats, true);
		try {
			const { data, error } = await releaseBookings(this.#supabase, ids);
			if (error) return failed(releaseFailure(error));
			live.apply(data);
			this.#deselect(seats);
			return released(data.length, live.names(seats));
		} finally {
			this.busy = false;
			this.#setPending(seats, false);
		}
	}

	/** Holds again, all or none, those of my lapsed holds that are still free. */
	async rehold(): Promise<Outcome> {
		const live = this.#seats;
		const wanted = live.expired;
		const free = wanted.filter((i) => live.status(i) === 'available');
		const gone = wanted.filter((i) => ['held', 'taken'].includes(live.status(i)));
		const meanwhile = takenMeanwhile(gone.length ? live.names(gone) : '', gone.length);
		if (!free.length) {
			live.dismissExpired();
			return nothingToHoldAgain(meanwhile);
		}
		this.busy = true;
		try {
			const outcome = await this.hold(free);
			if (outcome.kind !== 'success') {
				// Keep offering the seats that are still free.
				live.keepExpired((i) => live.status(i) === 'available');
				return outcome;
			}
			live.keepExpired((i) => !wanted.includes(i));
			return heldAgain(live.names(free), meanwhile);
		} finally {
			this.busy = false;
		}
	}

	/** Asks the database for the best `count` adjacent seats of a category and holds them. */
	async bestAvailable(category: string, count: number, wheelchair = false): Promise<Outcome> {
		const live = this.#seats;
		const layout = live.layout;
		if (!layout) return say.mapLoading;
		if (!live.userId) return say.logInToHold;
		this.busy = true;
		try {
			const { data, error } = await (wheelchair ? holdBestWheelchairSpace : holdBestAvailable)(
				this.#supabase,
				live.event.id,
				category,
				count
			);
			if (error) return failed(bestAvailableFailure(error, live.maxSeats));
			live.apply(data);
			return holding(live.names(live.held));
		} finally {
			this.busy = false;
		}
	}

	#setPending(seats: number[], on: boolean): void {
		for (const i of seats) {
			if (on) this.pending.add(i);
			else this.pending.delete(i);
		}
	}

	#deselect(seats: number[]): void {
		if (!seats.some((i) => this.selection.has(i))) return;
		for (const i of seats) this.selection.delete(i);
		this.#seats.repaint(seats);
	}
}
