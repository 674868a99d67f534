import * as v from 'valibot';

/** What a person sees on a seat. ('held' joins this union once holds exist.) */
export type SeatStatus = 'available' | 'taken' | 'mine';

/** One booking row as it arrives in a realtime change or a REST response. */
export const BookingChange = v.object({
	id: v.number(),
	seat_id: v.number(),
	user_id: v.string(),
	status: v.string()
});
export type BookingChange = v.InferOutput<typeof BookingChange>;

/** The `seat_bookings` RPC: the currently booked seats, columnar. */
export const BookingSnapshot = v.pipe(
	v.object({
		booking_id: v.array(v.number()),
		seat_id: v.array(v.number()),
		user_id: v.array(v.string()),
		status: v.optional(v.array(v.string()))
	}),
	v.check(
		(s) => s.seat_id.length === s.booking_id.length && s.user_id.length === s.booking_id.length,
		'seat_bookings columns differ in length'
	)
);
export type BookingSnapshot = v.InferOutput<typeof BookingSnapshot>;

/**
 * A booking row's life only moves forward: held → booked → released (or held → released/expired),
 * so its status ranks the facts about one booking.
 */
const RANK: Record<string, number> = { held: 0, booked: 1 };
const ENDED = 2;
const STEPS = 3;

/**
 * The live booking state of every seat of one event, built from a snapshot plus realtime changes.
 *
 * Booking ids come from an identity column and a seat has at most one active (held or booked)
 * booking at a time, so a seat's bookings follow one another in id order, and each moves forward
 * only. Each seat therefore keeps a version `3·id + rank` of the newest fact seen about it, and a
 * fact only applies if its version is higher. That makes duplicates no-ops, lets a release that
 * arrives before its insert win, and means an old booking's release never frees a seat that a
 * newer booking holds. A held seat shows as taken until holds get their own state (issue 6).
 */
export class SeatState {
	readonly size: number;
	readonly #version: Float64Array;
	readonly #owner: (string | null)[];
	readonly #indexOf: (seatId: number) => number;
	#viewer: string | null;
	/** Seats whose booked state was learned after the current resync began (null: not resyncing). */
	#learnedDuringResync: Set<number> | null = null;
	#booked = 0;
	readonly #mine = new Set<number>();

	constructor(size: number, indexOf: (seatId: number) => number, viewer: string | null = null) {
		this.size = size;
		this.#indexOf = indexOf;
		this.#version = new Float64Array(size);
		this.#owner = new Array<string | null>(size).fill(null);
		this.#viewer = viewer;
	}

	get viewer(): string | null {
		return this.#viewer;
	}

	get resyncing(): boolean {
		return this.#learnedDuringResync !== null;
	}

	status(i: number): SeatStatus {
		if (!this.#isBooked(i)) return 'available';
		return this.#viewer !== null && this.#owner[i] === this.#viewer ? 'mine' : 'taken';
	}

	/** The id of the booking that holds the seat, or null when it is free. */
	bookingId(i: number): number | null {
		return this.#isBooked(i) ? Math.floor(this.#version[i] / STEPS) : null;
	}

	/** Who is viewing decides which seats read as "mine". Returns the seats whose status changed. */
	setViewer(viewer: string | null): number[] {
		if (viewer === this.#viewer) return [];
		const before = this.#viewer;
		this.#viewer = viewer;
		this.#mine.clear();
		const changed: number[] = [];
		for (let i = 0; i < this.size; i++) {
			const owner = this.#owner[i];
			if (owner === null || !this.#isBooked(i)) continue;
			if (owner === viewer) this.#mine.add(i);
			if (owner === before || owner === viewer) changed.push(i);
		}
		return changed;
	}

	/** Applies one booking fact; returns the seat index if its status changed, else -1. */
	apply(change: BookingChange): number {
		const i = this.#indexOf(change.seat_id);
		if (i < 0) return -1;
		const released = !(change.status in RANK);
		const version = change.id * STEPS + (released ? ENDED : RANK[change.status]);
		if (version <= this.#version[i]) return -1;
		if (!released) this.#learnedDuringResync?.add(i);
		return this.#write(i, version, released ? null : change.user_id) ? i : -1;
	}

	/**
	 * Marks the moment a (re)subscription is live and the snapshot is about to be fetched. Everything
	 * known before this moment was committed before the snapshot is taken.
	 */
	beginResync(): void {
		this.#learnedDuringResync = new Set();
	}

	/**
	 * Merges a snapshot taken after `beginResync()`. A seat booked before the resync but absent from
	 * the snapshot was released meanwhile (that release may have been missed while disconnected); a
	 * seat booked by a change that arrived during the resync may be newer than the snapshot, so it
	 * stays. Returns the seats whose status changed.
	 */
	applySnapshot(snapshot: BookingSnapshot): number[] {
		const learned = this.#learnedDuringResync ?? new Set<number>();
		this.#learnedDuringResync = null;
		const changed = new Set<number>();
		const listed = new Uint8Array(this.size);
		for (let k = 0; k < snapshot.booking_id.length; k++) {
			const i = this.#indexOf(snapshot.seat_id[k]);
			if (i < 0) continue;
			listed[i] = 1;
			const version =
				snapshot.booking_id[k] * STEPS + (RANK[snapshot.status?.[k] ?? 'booked'] ?? 1);
			if (version > this.#version[i] && this.#write(i, version, snapshot.user_id[k]))
				changed.add(i);
		}
		for (let i = 0; i < this.size; i++) {
			if (listed[i] || !this.#isBooked(i) || learned.has(i)) continue;
			const ended = Math.floor(this.#version[i] / STEPS) * STEPS + ENDED;
			if (this.#write(i, ended, null)) changed.add(i);
		}
		return [...changed];
	}

	/** Seats booked by anyone. */
	get bookedCount(): number {
		return this.#booked;
	}

	get availableCount(): number {
		return this.size - this.#booked;
	}

	/** The viewer's seats, in seat order. */
	mine(): number[] {
		return [...this.#mine].sort((a, b) => a - b);
	}

	#isBooked(i: number): boolean {
		const version = this.#version[i];
		return version > 0 && version % STEPS !== ENDED;
	}

	/** Stores a fact and keeps the counters in step; true if the seat's status changed. */
	#write(i: number, version: number, owner: string | null): boolean {
		const before = this.status(i);
		const wasBooked = this.#isBooked(i);
		this.#version[i] = version;
		this.#owner[i] = owner;
		const booked = this.#isBooked(i);
		if (booked !== wasBooked) this.#booked += booked ? 1 : -1;
		const after = this.status(i);
		if (after === 'mine') this.#mine.add(i);
		else this.#mine.delete(i);
		return after !== before;
	}
}
