import * as v from 'valibot';
import { parseTimestamp } from './server-clock.ts';

/**
 * What a person sees on a seat: free, held or booked by someone else (never who), or held or
 * booked by the viewer.
 */
export type SeatStatus = 'available' | 'held' | 'taken' | 'mine-held' | 'mine';

/** One booking row as it arrives in a realtime change or a REST response. */
export const BookingChange = v.object({
	id: v.number(),
	seat_id: v.number(),
	user_id: v.string(),
	status: v.string(),
	/** When a hold lapses (server time); null for bookings. */
	expires_at: v.optional(v.nullable(v.string()))
});
export type BookingChange = v.InferOutput<typeof BookingChange>;

/** The `seat_bookings` RPC: the seats booked or held right now, columnar, and the server's time. */
export const BookingSnapshot = v.pipe(
	v.object({
		booking_id: v.array(v.number()),
		seat_id: v.array(v.number()),
		user_id: v.array(v.string()),
		status: v.optional(v.array(v.string())),
		expires_at: v.optional(v.array(v.nullable(v.string()))),
		server_time: v.optional(v.string())
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
const HELD = 0;
const BOOKED = 1;
const ENDED = 2;
const STEPS = 3;
const RANK: Record<string, number> = { held: HELD, booked: BOOKED };

/**
 * The live booking state of every seat of one event, built from a snapshot plus realtime changes,
 * with holds lapsing by the clock.
 *
 * Booking ids come from an identity column and a seat has at most one active (held or booked)
 * booking at a time, so a seat's bookings follow one another in id order, and each moves forward
 * only. Each seat therefore keeps a version `3·id + rank` of the newest fact seen about it, and a
 * fact only applies if its version is higher. That makes duplicates no-ops, lets a release that
 * arrives before its insert win, and means an old booking's release never frees a seat that a
 * newer booking holds.
 *
 * A hold lapses at its `expires_at` with no message from anyone: the database simply treats it as
 * free from then on. So lapsing here changes no version: a seat whose newest fact is `held` is
 * free once `now()` (the server's clock, see ServerClock) passes its expiry. Should the owner's
 * confirmation still arrive (it beat the expiry by less than the clock error), its higher version
 * applies as usual. Only active holds sit in a small map with their expiries, so finding the next
 * one to lapse never scans the seats.
 */
export class SeatState {
	readonly size: number;
	readonly #version: Float64Array;
	readonly #owner: (string | null)[];
	readonly #indexOf: (seatId: number) => number;
	readonly #now: () => number;
	#viewer: string | null;
	/** Seats whose state was learned after the current resync began (null: not resyncing). */
	#learnedDuringResync: Set<number> | null = null;
	/** Active holds: seat → expiry (server ms). */
	readonly #holds = new Map<number, number>();
	/** The earliest expiry in #holds; null when unknown (recomputed on demand). */
	#nextExpiry: number | null = null;
	#occupied = 0;
	readonly #mine = new Set<number>();
	readonly #myHolds = new Set<number>();
	/** The viewer's holds that lapsed (not confirmed or released) since last taken. */
	#lapsedMine: number[] = [];

	/**
	 * @param now the server's time in ms (holds lapse by it); Date.now when the clocks agree.
	 */
	constructor(
		size: number,
		indexOf: (seatId: number) => number,
		viewer: string | null = null,
		now: () => number = () => Date.now()
	) {
		this.size = size;
		this.#indexOf = indexOf;
		this.#version = new Float64Array(size);
		this.#owner = new Array<string | null>(size).fill(null);
		this.#viewer = viewer;
		this.#now = now;
	}

	get viewer(): string | null {
		return this.#viewer;
	}

	get resyncing(): boolean {
		return this.#learnedDuringResync !== null;
	}

	status(i: number): SeatStatus {
		const version = this.#version[i];
		const rank = version % STEPS;
		if (version === 0 || rank === ENDED || (rank === HELD && !this.#holds.has(i)))
			return 'available';
		const mine = this.#viewer !== null && this.#owner[i] === this.#viewer;
		if (rank === HELD) return mine ? 'mine-held' : 'held';
		return mine ? 'mine' : 'taken';
	}

	/** The id of the booking or hold that has the seat, or null when it is free. */
	bookingId(i: number): number | null {
		return this.status(i) === 'available' ? null : Math.floor(this.#version[i] / STEPS);
	}

	/** When the seat's active hold lapses (server ms), or null when it is not held. */
	expiresAt(i: number): number | null {
		return this.#holds.get(i) ?? null;
	}

	/** Who is viewing decides which seats read as "mine". Returns the seats whose status changed. */
	setViewer(viewer: string | null): number[] {
		if (viewer === this.#viewer) return [];
		const before = this.#viewer;
		this.#viewer = viewer;
		this.#mine.clear();
		this.#myHolds.clear();
		this.#lapsedMine = [];
		const changed: number[] = [];
		for (let i = 0; i < this.size; i++) {
			const owner = this.#owner[i];
			if (owner === null) continue;
			const status = this.status(i);
			if (status === 'available') continue;
			if (status === 'mine') this.#mine.add(i);
			if (status === 'mine-held') this.#myHolds.add(i);
			if (owner === before || owner === viewer) changed.push(i);
		}
		return changed;
	}

	/** Applies one booking fact; returns the seat index if its status changed, else -1. */
	apply(change: BookingChange): number {
		const i = this.#indexOf(change.seat_id);
		if (i < 0) return -1;
		const rank = RANK[change.status] ?? ENDED;
		const version = change.id * STEPS + rank;
		if (version <= this.#version[i]) return -1;
		if (rank !== ENDED) this.#learnedDuringResync?.add(i);
		const changed = this.#write(
			i,
			version,
			rank === ENDED ? null : change.user_id,
			parseTimestamp(change.expires_at),
			change.status === 'released'
		);
		return changed ? i : -1;
	}

	/**
	 * Marks the moment a (re)subscription is live and the snapshot is about to be fetched. Everything
	 * known before this moment was committed before the snapshot is taken.
	 */
	beginResync(): void {
		this.#learnedDuringResync = new Set();
	}

	/**
	 * Merges a snapshot taken after `beginResync()`. A seat taken before the resync but absent from
	 * the snapshot was freed meanwhile (that change may have been missed while disconnected); a
	 * seat taken by a change that arrived during the resync may be newer than the snapshot, so it
	 * stays. Returns the seats whose status changed.
	 */
	applySnapshot(snapshot: BookingSnapshot): number[] {
		const learned = this.#learnedDuringResync ?? new Set<number>();
		this.#learnedDuringResync = null;
		const serverTime = parseTimestamp(snapshot.server_time) ?? this.#now();
		const changed = new Set<number>();
		const listed = new Uint8Array(this.size);
		for (let k = 0; k < snapshot.booking_id.length; k++) {
			const i = this.#indexOf(snapshot.seat_id[k]);
			if (i < 0) continue;
			listed[i] = 1;
			const version =
				snapshot.booking_id[k] * STEPS + (RANK[snapshot.status?.[k] ?? 'booked'] ?? 1);
			// A hold lapsed here that the snapshot still lists was lapsed by a wrong clock (corrected
			// just before the snapshot is applied): take it again.
			const relapsed =
				version === this.#version[i] && version % STEPS === HELD && !this.#holds.has(i);
			if (
				(version > this.#version[i] || relapsed) &&
				this.#write(
					i,
					version,
					snapshot.user_id[k],
					parseTimestamp(snapshot.expires_at?.[k]),
					false
				)
			)
				changed.add(i);
		}
		for (let i = 0; i < this.size; i++) {
			if (listed[i] || learned.has(i) || this.status(i) === 'available') continue;
			// A hold gone from the snapshot before its expiry was released, not lapsed.
			const released = (this.#holds.get(i) ?? -Infinity) > serverTime;
			const ended = Math.floor(this.#version[i] / STEPS) * STEPS + ENDED;
			if (this.#write(i, ended, null, null, released)) changed.add(i);
		}
		return [...changed];
	}

	/** Lapses every hold whose expiry has passed by `now()`; returns the seats that turned free. */
	expireDue(): number[] {
		const now = this.#now();
		const next = this.nextExpiry();
		if (next === null || next > now) return [];
		const due: number[] = [];
		for (const [i, expiry] of this.#holds) if (expiry <= now) due.push(i);
		for (const i of due)
			this.#write(i, this.#version[i], this.#owner[i], this.#holds.get(i)!, false);
		return due;
	}

	/** The earliest expiry of an active hold (server ms), or null when nothing is held. */
	nextExpiry(): number | null {
		if (this.#nextExpiry === null && this.#holds.size) {
			let next = Infinity;
			for (const expiry of this.#holds.values()) if (expiry < next) next = expiry;
			this.#nextExpiry = next;
		}
		return this.#holds.size ? this.#nextExpiry : null;
	}

	/** The viewer's holds that lapsed since the last call, in the order they lapsed. */
	takeLapsedMine(): number[] {
		const lapsed = this.#lapsedMine;
		this.#lapsedMine = [];
		return lapsed;
	}

	/** Seats booked or held by anyone. */
	get bookedCount(): number {
		return this.#occupied;
	}

	/** Seats held by anyone right now. */
	get heldCount(): number {
		return this.#holds.size;
	}

	/** Seats anyone may hold right now. */
	get availableCount(): number {
		return this.size - this.#occupied;
	}

	/** The viewer's booked seats, in seat order. */
	mine(): number[] {
		return [...this.#mine].sort((a, b) => a - b);
	}

	/** The viewer's active holds, in seat order. */
	myHolds(): number[] {
		return [...this.#myHolds].sort((a, b) => a - b);
	}

	/**
	 * Stores a fact and keeps the counters in step; true if the seat's status changed. `released`:
	 * the owner let it go, so a hold that ends here did not lapse.
	 */
	#write(
		i: number,
		version: number,
		owner: string | null,
		expiry: number | null,
		released: boolean
	): boolean {
		const before = this.status(i);
		this.#version[i] = version;
		this.#owner[i] = owner;
		// A hold without an expiry (the database always sets one) never lapses here.
		const held = version % STEPS === HELD && (expiry ?? Infinity) > this.#now();
		const previous = this.#holds.get(i);
		if (held) {
			const at = expiry ?? Infinity;
			this.#holds.set(i, at);
			if (previous !== undefined && previous === this.#nextExpiry && at !== previous)
				this.#nextExpiry = null;
			else if (this.#nextExpiry !== null && at < this.#nextExpiry) this.#nextExpiry = at;
		} else if (previous !== undefined) {
			this.#holds.delete(i);
			if (previous === this.#nextExpiry) this.#nextExpiry = null;
		}

		const after = this.status(i);
		if (after === before) return false;
		if ((before === 'available') !== (after === 'available'))
			this.#occupied += after === 'available' ? -1 : 1;
		if (after === 'mine') this.#mine.add(i);
		else this.#mine.delete(i);
		if (after === 'mine-held') this.#myHolds.add(i);
		else this.#myHolds.delete(i);
		if (before === 'mine-held' && after !== 'mine' && !released) this.#lapsedMine.push(i);
		return true;
	}
}
