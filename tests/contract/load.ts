/**
 * Booking traffic as the app makes it (supabase-js, anonymous users, racing for the same seats),
 * a ledger of what the server acknowledged, a realtime seat watcher made of the app's own feed and
 * seat state, and the check of a database against the ledger. Used by the fault test.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { LOCAL_PUBLISHABLE_KEY } from '../../backend/src/keys.ts';
import type { Supabase } from '../../src/lib/api/client.ts';
import { fetchSeatLayout } from '../../src/lib/api/seats.ts';
import { SeatState, type BookingChange } from '../../src/lib/domain/seat-state.ts';
import { ServerClock } from '../../src/lib/domain/server-clock.ts';
import { EventFeed } from '../../src/lib/live/event-feed.ts';

export interface BookingRow {
	id: number;
	seat_id: number;
	user_id: string;
	status: string;
	released_at: string | null;
}

type Change = Pick<BookingRow, 'id' | 'seat_id' | 'user_id' | 'status'>;
const CHANGE_COLUMNS = 'id, seat_id, user_id, status';

export interface User {
	id: string;
	client: SupabaseClient;
	/** Booking id → seat id, as far as acknowledged answers tell. */
	booked: Map<number, number>;
}

export interface Op {
	phase: string;
	kind: 'book' | 'release';
	user: User;
	/** book: the seats asked for; release: the seats of `bookingIds`. */
	seats: number[];
	bookingIds: number[];
	/** HTTP status; 0 = no answer (connection refused or dropped). */
	status: number;
	code?: string;
	/** The rows the acknowledged answer returned. */
	rows: Change[];
	/** performance.now() when the request was sent and when its answer (or failure) came. */
	sentAt: number;
	answeredAt: number;
}

export const acknowledged = (op: Op) => op.status === 200 || op.status === 201;
/** No answer: the server may or may not have committed it. */
export const unanswered = (op: Op) => op.status === 0;

export function supabase(url: string, key = LOCAL_PUBLISHABLE_KEY): SupabaseClient {
	return createClient(url, key, {
		auth: { persistSession: false, autoRefreshToken: false },
		// The default backoff (1, 2, 5, 10 s) would make the test wait for the clock, not for events.
		realtime: { reconnectAfterMs: () => 200 }
	});
}

export async function signInUsers(url: string, count: number): Promise<User[]> {
	return Promise.all(
		Array.from({ length: count }, async (_, i) => {
			const client = supabase(url);
			const { data, error } = await client.auth.signInAnonymously({
				options: { data: { display_name: `Fault ${i}` } }
			});
			if (error || !data.user) throw new Error(`sign-in failed: ${error?.message}`);
			return { id: data.user.id, client, booked: new Map() };
		})
	);
}

export interface Load {
	ops: Op[];
	/** Ops acknowledged so far in this run. */
	acked(): number;
	/** Lets every user finish its current request, then stop. */
	stop(): void;
	/** Resolves when every user has stopped. */
	done: Promise<void>;
}

/**
 * Every user books one or two seats of `pool` (sorted, as the app does) or releases one of its
 * bookings, back to back, until stopped or until a request gets no answer (its connection died).
 */
export function runLoad(
	phase: string,
	users: User[],
	eventId: number,
	pool: number[],
	onOp: (op: Op) => void = () => {}
): Load {
	const ops: Op[] = [];
	let stopped = false;
	let acked = 0;
	const pick = () => pool[Math.floor(Math.random() * pool.length)];

	async function book(user: User): Promise<Op> {
		const sentAt = performance.now();
		const seats = [...new Set([pick(), ...(Math.random() < 0.5 ? [pick()] : [])])].sort(
			(a, b) => a - b
		);
		const { data, error, status } = await user.client
			.from('bookings')
			.insert(seats.map((seat_id) => ({ event_id: eventId, seat_id })))
			.select(CHANGE_COLUMNS);
		const rows = (data ?? []) as Change[];
		for (const row of rows) user.booked.set(row.id, row.seat_id);
		const answeredAt = performance.now();
		return {
			phase,
			kind: 'book',
			user,
			seats,
			bookingIds: [],
			status,
			code: error?.code,
			rows,
			sentAt,
			answeredAt
		};
	}

	async function release(user: User): Promise<Op> {
		const sentAt = performance.now();
		const ids = [...user.booked.keys()];
		const id = ids[Math.floor(Math.random() * ids.length)];
		const seats = [user.booked.get(id)!];
		const { data, error, status } = await user.client
			.from('bookings')
			.update({ status: 'released' })
			.in('id', [id])
			.eq('status', 'booked')
			.select(CHANGE_COLUMNS);
		const rows = (data ?? []) as Change[];
		if (status === 200) user.booked.delete(id);
		return {
			phase,
			kind: 'release',
			user,
			seats,
			bookingIds: [id],
			status,
			code: error?.code,
			rows,
			sentAt,
			answeredAt: performance.now()
		};
	}

	async function loop(user: User) {
		while (!stopped) {
			const holding = user.booked.size;
			const op = await (holding >= 3 || (holding > 0 && Math.random() < 0.3)
				? release(user)
				: book(user));
			ops.push(op);
			if (acknowledged(op) && op.kind === 'book') acked++;
			onOp(op);
			if (unanswered(op)) return;
		}
	}

	return {
		ops,
		acked: () => acked,
		stop: () => (stopped = true),
		done: Promise.all(users.map(loop)).then(() => {})
	};
}

/** Statuses a booking request may legitimately get; anything else is a bug in the back end. */
export function unexpectedAnswers(ops: Op[]): Op[] {
	return ops.filter((op) => {
		if (op.status === 0 || op.status === 200 || op.status === 201) return false;
		if (op.status === 503) return false; // shutting down
		if (op.kind === 'book' && op.status === 409) return op.code !== '23505';
		if (op.kind === 'book' && op.status === 400) return op.code !== '23514';
		return true;
	});
}

export interface LedgerOptions {
	/** Phases that ended in a graceful shutdown: nothing may be stored without an answer. */
	strictPhases?: string[];
	/**
	 * The rows as read after `phases`, the earlier phases. Which request stored a row is known only
	 * by its user and seats, and the same user may ask for the same seat again later; reading
	 * between phases settles it: a row seen then came from those phases, one first seen now from
	 * the later ones.
	 */
	earlier?: { rows: BookingRow[]; phases: string[] };
}

/**
 * Checks the event's booking rows against the ledger and returns what is wrong (empty = fine):
 * acknowledged bookings and releases are stored as answered; no seat is booked twice; a row
 * nobody got an answer for comes whole from a request that got no answer (all-or-nothing); and
 * in `strictPhases` (graceful shutdown) nothing was stored without an answer at all.
 */
export function checkLedger(
	rows: BookingRow[],
	ops: Op[],
	{ strictPhases = [], earlier }: LedgerOptions = {}
): string[] {
	const problems: string[] = [];
	const byId = new Map(rows.map((r) => [r.id, r]));
	const ackedBookings = new Map<number, Op>();
	const releasedBy = new Map<number, Op[]>();

	for (const op of ops) {
		if (op.kind === 'book' && acknowledged(op)) {
			if (op.rows.length !== op.seats.length)
				problems.push(`booking of ${op.seats} answered ${op.rows.length} rows`);
			for (const r of op.rows) {
				ackedBookings.set(r.id, op);
				const stored = byId.get(r.id);
				if (!stored) problems.push(`acknowledged booking ${r.id} (seat ${r.seat_id}) is lost`);
				else if (stored.seat_id !== r.seat_id || stored.user_id !== op.user.id)
					problems.push(`booking ${r.id} changed: ${JSON.stringify(stored)}`);
			}
		}
		if (op.kind === 'release') {
			for (const id of op.bookingIds) releasedBy.set(id, [...(releasedBy.get(id) ?? []), op]);
			if (acknowledged(op)) {
				for (const r of op.rows) {
					const stored = byId.get(r.id);
					if (stored?.status !== 'released' || !stored.released_at)
						problems.push(`acknowledged release of ${r.id} is lost: ${JSON.stringify(stored)}`);
				}
			}
		}
	}

	const bookedSeats = new Map<number, number>();
	for (const row of rows) {
		if (row.status !== 'booked') continue;
		const other = bookedSeats.get(row.seat_id);
		if (other !== undefined)
			problems.push(`seat ${row.seat_id} booked twice (${other}, ${row.id})`);
		bookedSeats.set(row.seat_id, row.id);
	}

	const seenEarlier = new Set(earlier?.rows.map((r) => r.id));
	const unacked = new Map<string, { userId: string; fromEarlier: boolean; rows: BookingRow[] }>();
	for (const row of rows) {
		if (ackedBookings.has(row.id)) {
			if (row.status === 'released' && !releasedBy.has(row.id))
				problems.push(`booking ${row.id} released though nobody asked`);
			continue;
		}
		const fromEarlier = seenEarlier.has(row.id);
		const key = `${row.user_id} ${fromEarlier}`;
		const group = unacked.get(key) ?? { userId: row.user_id, fromEarlier, rows: [] };
		group.rows.push(row);
		unacked.set(key, group);
	}
	for (const { userId, fromEarlier, rows: userRows } of unacked.values()) {
		const candidates = ops.filter(
			(op) =>
				op.kind === 'book' &&
				unanswered(op) &&
				op.user.id === userId &&
				(!earlier || earlier.phases.includes(op.phase) === fromEarlier)
		);
		const seats = new Set(userRows.map((r) => r.seat_id));
		let explained = 0;
		for (const op of candidates) {
			const present = op.seats.filter((s) => seats.has(s)).length;
			if (present && present !== op.seats.length)
				problems.push(`unanswered booking of ${op.seats} stored in part`);
			if (present && strictPhases.includes(op.phase))
				problems.push(`booking of ${op.seats} stored but never answered (phase ${op.phase})`);
			explained += present;
		}
		if (explained !== userRows.length)
			problems.push(`rows nobody asked for: ${JSON.stringify(userRows)}`);
		for (const row of userRows)
			if (row.status !== 'booked') problems.push(`unknown booking ${row.id} was released`);
	}
	return problems;
}

/** Rows stored for requests that never got an answer (allowed after SIGKILL, whole or not at all). */
export function storedWithoutAnswer(rows: BookingRow[], ops: Op[]): number {
	const answered = new Set(
		ops.flatMap((op) => (op.kind === 'book' ? op.rows : [])).map((r) => r.id)
	);
	return rows.filter((r) => !answered.has(r.id)).length;
}

/** The booked seats of the rows: seat id → booking id. */
export function bookedSeats(rows: BookingRow[]): Map<number, number> {
	return new Map(rows.filter((r) => r.status === 'booked').map((r) => [r.seat_id, r.id]));
}

export interface SeatWatcher {
	/** Seat id → booking id of the booked seats, as the app's seat state shows them. */
	readonly seats: Map<number, number>;
	/** Seat id → `held` or `taken` for every seat not free, as the app's seat state shows them. */
	readonly statuses: Map<number, string>;
	/** Every booking change the feed delivered, in order. */
	readonly log: BookingChange[];
	/** Times its seats became whole again (a snapshot or a replay after a join): one per (re)join. */
	synced: number;
	/** Snapshots completed. */
	snapshots: number;
	/** Joins that replayed what the gap missed instead of taking a snapshot. */
	replays: number;
	changes: number;
	/** Refused subscriptions and failed snapshots. */
	errors: string[];
	close(): Promise<void>;
}

/**
 * Watches an event's seats with the app's own code: its EventFeed (subscribe, and on every
 * (re)start a `seat_bookings` snapshot or, after a short gap, the replay of what it missed)
 * feeding its SeatState, on the seat layout the app loads.
 */
export async function watchSeats(url: string, eventId: number): Promise<SeatWatcher> {
	const client = supabase(url) as Supabase;
	const layout = await fetchSeatLayout(client, eventId);
	if (layout.error) throw new Error(`seat layout: ${layout.error.message}`);
	const { ids } = layout.data;
	const clock = new ServerClock();
	const state = new SeatState(
		ids.length,
		(id) => layout.data.indexOf(id),
		null,
		() => clock.now()
	);
	let snapshotted = false;
	const feed = new EventFeed(client, eventId, 'fault-watcher', () => clock.now(), {
		change: (change) => {
			watcher.changes++;
			watcher.log.push(change);
			state.apply(change);
		},
		resyncBegins: () => {
			snapshotted = true;
			state.beginResync();
		},
		snapshot: (snapshot) => {
			clock.sync(snapshot.server_time);
			state.applySnapshot(snapshot);
			watcher.snapshots++;
		},
		connection: (live, synced) => {
			if (live !== 'live') snapshotted = false;
			if (live !== 'live' || !synced) return;
			watcher.synced++;
			if (!snapshotted) watcher.replays++;
		},
		viewers: () => {},
		trouble: (what) => watcher.errors.push(what)
	});
	const watcher: SeatWatcher = {
		get seats() {
			const booked = new Map<number, number>();
			for (let i = 0; i < ids.length; i++)
				if (state.status(i) === 'taken') booked.set(ids[i], state.bookingId(i)!);
			return booked;
		},
		get statuses() {
			const taken = new Map<number, string>();
			for (let i = 0; i < ids.length; i++)
				if (state.status(i) !== 'available') taken.set(ids[i], state.status(i));
			return taken;
		},
		log: [],
		synced: 0,
		snapshots: 0,
		replays: 0,
		changes: 0,
		errors: [],
		close: async () => {
			feed.stop();
			await client.removeAllChannels();
			await client.realtime.disconnect();
		}
	};
	feed.start();
	return watcher;
}
