import { describe, expect, it } from 'vitest';
import { SeatState, type BookingChange } from './seat-state.ts';

const ME = 'me-uuid';
const OTHER = 'other-uuid';

/** Seats with ids 101..(100+n), so index = id - 101. */
function seats(n = 4, viewer: string | null = ME) {
	return new SeatState(n, (id) => (id > 100 && id <= 100 + n ? id - 101 : -1), viewer);
}

function booked(id: number, seat: number, user = OTHER): BookingChange {
	return { id, seat_id: seat, user_id: user, status: 'booked' };
}
function released(id: number, seat: number, user = OTHER): BookingChange {
	return { id, seat_id: seat, user_id: user, status: 'released' };
}

describe('SeatState changes', () => {
	it('marks a seat taken on insert and free again on its release', () => {
		const s = seats();
		expect(s.apply(booked(1, 101))).toBe(0);
		expect(s.status(0)).toBe('taken');
		expect(s.bookingId(0)).toBe(1);
		expect(s.apply(released(1, 101))).toBe(0);
		expect(s.status(0)).toBe('available');
		expect(s.bookingId(0)).toBeNull();
	});

	it("shows the viewer's own bookings as mine", () => {
		const s = seats();
		s.apply(booked(1, 102, ME));
		expect(s.status(1)).toBe('mine');
		expect(s.mine()).toEqual([1]);
		expect(s.bookedCount).toBe(1);
		expect(s.availableCount).toBe(3);
	});

	it('ignores duplicate changes', () => {
		const s = seats();
		expect(s.apply(booked(1, 101))).toBe(0);
		expect(s.apply(booked(1, 101))).toBe(-1);
		s.apply(released(1, 101));
		expect(s.apply(released(1, 101))).toBe(-1);
		expect(s.status(0)).toBe('available');
		expect(s.bookedCount).toBe(0);
	});

	it('keeps a release that arrives before its insert', () => {
		const s = seats();
		expect(s.apply(released(1, 101))).toBe(-1);
		expect(s.apply(booked(1, 101))).toBe(-1);
		expect(s.status(0)).toBe('available');
	});

	it("frees a seat only when the released booking is the seat's current one", () => {
		const s = seats();
		s.apply(booked(2, 101, ME));
		// A late release of an older booking of the same seat must not free it.
		expect(s.apply(released(1, 101))).toBe(-1);
		expect(s.status(0)).toBe('mine');
	});

	it('lets a newer booking win over an older one that arrives late', () => {
		const s = seats();
		s.apply(released(1, 101));
		s.apply(booked(2, 101, ME));
		expect(s.apply(booked(1, 101))).toBe(-1);
		expect(s.status(0)).toBe('mine');
	});

	it('ignores changes for seats it does not know', () => {
		const s = seats();
		expect(s.apply(booked(1, 999))).toBe(-1);
		expect(s.bookedCount).toBe(0);
	});

	it('reports which seats change when the viewer changes', () => {
		const s = seats(4, null);
		s.apply(booked(1, 101, ME));
		s.apply(booked(2, 102, OTHER));
		expect(s.status(0)).toBe('taken');
		expect(s.setViewer(ME)).toEqual([0]);
		expect(s.status(0)).toBe('mine');
		expect(s.setViewer(null)).toEqual([0]);
		expect(s.mine()).toEqual([]);
	});
});

describe('SeatState snapshots', () => {
	it('loads the booked seats of a snapshot', () => {
		const s = seats();
		s.beginResync();
		const changed = s.applySnapshot({
			booking_id: [5, 6],
			seat_id: [101, 103],
			user_id: [OTHER, ME]
		});
		expect(changed.sort()).toEqual([0, 2]);
		expect([0, 1, 2, 3].map((i) => s.status(i))).toEqual([
			'taken',
			'available',
			'mine',
			'available'
		]);
		expect(s.resyncing).toBe(false);
	});

	it('frees seats released while disconnected (reconnect resync)', () => {
		const s = seats();
		s.apply(booked(1, 101));
		s.apply(booked(2, 102));
		// Connection lost; booking 1 released and seat 104 booked meanwhile; then resubscribed.
		s.beginResync();
		const changed = s.applySnapshot({
			booking_id: [2, 7],
			seat_id: [102, 104],
			user_id: [OTHER, ME]
		});
		expect(changed.sort()).toEqual([0, 3]);
		expect([0, 1, 2, 3].map((i) => s.status(i))).toEqual([
			'available',
			'taken',
			'available',
			'mine'
		]);
		expect(s.bookedCount).toBe(2);
	});

	it('keeps a booking that arrived during the resync but is newer than the snapshot', () => {
		const s = seats();
		s.beginResync();
		s.apply(booked(9, 101, ME));
		s.applySnapshot({ booking_id: [], seat_id: [], user_id: [] });
		expect(s.status(0)).toBe('mine');
	});

	it('keeps a release that arrived during the resync over an older snapshot', () => {
		const s = seats();
		s.apply(booked(3, 101));
		s.beginResync();
		s.apply(released(3, 101));
		s.applySnapshot({ booking_id: [3], seat_id: [101], user_id: [OTHER] });
		expect(s.status(0)).toBe('available');
		// And the late duplicate insert stays ignored.
		expect(s.apply(booked(3, 101))).toBe(-1);
	});

	it('replaces a stale booking with the newer one from the snapshot', () => {
		const s = seats();
		s.apply(booked(1, 101));
		s.beginResync();
		expect(s.applySnapshot({ booking_id: [4], seat_id: [101], user_id: [ME] })).toEqual([0]);
		expect(s.status(0)).toBe('mine');
		expect(s.bookingId(0)).toBe(4);
	});

	it('applies changes that arrive after the snapshot on top of it', () => {
		const s = seats();
		s.beginResync();
		s.applySnapshot({ booking_id: [4], seat_id: [101], user_id: [OTHER] });
		expect(s.apply(released(4, 101))).toBe(0);
		expect(s.apply(booked(4, 101))).toBe(-1);
		expect(s.status(0)).toBe('available');
	});

	it('handles 50,000 seats quickly', () => {
		const n = 50_000;
		const s = new SeatState(n, (id) => id - 1, ME);
		const snapshot = {
			booking_id: [] as number[],
			seat_id: [] as number[],
			user_id: [] as string[]
		};
		for (let k = 0; k < n; k += 2) {
			snapshot.booking_id.push(k + 1);
			snapshot.seat_id.push(k + 1);
			snapshot.user_id.push(k % 4 ? OTHER : ME);
		}
		const started = performance.now();
		s.beginResync();
		s.applySnapshot(snapshot);
		for (let k = 0; k < 1000; k++) s.apply(released(k * 2 + 1, k * 2 + 1));
		expect(performance.now() - started).toBeLessThan(500);
		expect(s.bookedCount).toBe(n / 2 - 1000);
	});
});

/** A server clock the test moves by hand (ms since the epoch). */
function clock(start = Date.parse('2030-01-01T12:00:00Z')) {
	const c = { now: start, at: (s: number) => new Date(start + s * 1000).toISOString() };
	return c;
}

function heldState(n = 4, viewer: string | null = ME) {
	const time = clock();
	const s = new SeatState(
		n,
		(id) => (id > 100 && id <= 100 + n ? id - 101 : -1),
		viewer,
		() => time.now
	);
	const hold = (id: number, seat: number, user: string, seconds: number): BookingChange => ({
		id,
		seat_id: seat,
		user_id: user,
		status: 'held',
		expires_at: time.at(seconds)
	});
	return { s, time, hold };
}

describe('SeatState holds', () => {
	it("shows someone else's hold as held and the viewer's as mine-held", () => {
		const { s, hold } = heldState();
		expect(s.apply(hold(1, 101, OTHER, 60))).toBe(0);
		expect(s.apply(hold(2, 102, ME, 60))).toBe(1);
		expect([0, 1, 2].map((i) => s.status(i))).toEqual(['held', 'mine-held', 'available']);
		expect(s.myHolds()).toEqual([1]);
		expect(s.mine()).toEqual([]);
		// Held seats are not left to take.
		expect(s.availableCount).toBe(2);
		expect(s.heldCount).toBe(2);
		expect(s.bookingId(0)).toBe(1);
		expect(s.expiresAt(1)).toBe(Date.parse('2030-01-01T12:01:00Z'));
	});

	it('lapses a hold at its expiry by the clock, with no message from anyone', () => {
		const { s, time, hold } = heldState();
		s.apply(hold(1, 101, OTHER, 10));
		s.apply(hold(2, 102, ME, 5));
		expect(s.nextExpiry()).toBe(time.now + 5000);
		time.now += 4999;
		expect(s.expireDue()).toEqual([]);
		expect(s.heldCount).toBe(2);
		time.now += 1;
		expect(s.expireDue()).toEqual([1]);
		expect(s.heldCount).toBe(1);
		expect(s.status(1)).toBe('available');
		expect(s.bookingId(1)).toBeNull();
		expect(s.takeLapsedMine()).toEqual([1]);
		expect(s.takeLapsedMine()).toEqual([]);
		expect(s.nextExpiry()).toBe(time.now + 5000);
		time.now += 5000;
		expect(s.expireDue()).toEqual([0]);
		expect(s.takeLapsedMine()).toEqual([]);
		expect(s.nextExpiry()).toBeNull();
		expect(s.availableCount).toBe(4);
		expect(s.heldCount).toBe(0);
	});

	it('takes a hold that arrives already lapsed as free', () => {
		const { s, hold } = heldState();
		expect(s.apply(hold(1, 101, OTHER, -1))).toBe(-1);
		expect(s.status(0)).toBe('available');
		expect(s.nextExpiry()).toBeNull();
	});

	it('turns a confirmed hold into a booking, whatever order the changes arrive in', () => {
		for (const order of [
			['held', 'booked'],
			['booked', 'held']
		]) {
			const { s, hold } = heldState();
			for (const status of order)
				s.apply(
					status === 'held' ? hold(5, 102, ME, 60) : { ...booked(5, 102, ME), expires_at: null }
				);
			expect(s.status(1)).toBe('mine');
			expect(s.bookingId(1)).toBe(5);
			// A confirmed hold no longer lapses.
			expect(s.nextExpiry()).toBeNull();
			expect(s.takeLapsedMine()).toEqual([]);
		}
	});

	it("applies a confirmation that beat the expiry by less than the clock's error", () => {
		const { s, time, hold } = heldState();
		s.apply(hold(5, 102, OTHER, 1));
		time.now += 1000;
		expect(s.expireDue()).toEqual([1]);
		expect(s.apply(booked(5, 102))).toBe(1);
		expect(s.status(1)).toBe('taken');
	});

	it("ignores the database's expired update of a hold that already lapsed here", () => {
		const { s, time, hold } = heldState();
		s.apply(hold(5, 102, ME, 1));
		time.now += 1000;
		s.expireDue();
		expect(s.apply({ id: 5, seat_id: 102, user_id: ME, status: 'expired' })).toBe(-1);
		expect(s.takeLapsedMine()).toEqual([1]);
		// And the hold's late insert does not bring it back.
		expect(s.apply(hold(5, 102, ME, -1))).toBe(-1);
		expect(s.status(1)).toBe('available');
	});

	it("frees a hold on the database's expired or released update, and reports only the lapse", () => {
		for (const end of ['expired', 'released']) {
			const { s, hold } = heldState();
			s.apply(hold(5, 102, ME, 60));
			expect(s.apply({ id: 5, seat_id: 102, user_id: ME, status: end })).toBe(1);
			expect(s.status(1)).toBe('available');
			expect(s.nextExpiry()).toBeNull();
			expect(s.takeLapsedMine()).toEqual(end === 'expired' ? [1] : []);
		}
	});

	it('lets a newer hold win over a lapsed one, and its late expiry update change nothing', () => {
		const { s, time, hold } = heldState();
		s.apply(hold(5, 102, ME, 1));
		time.now += 1500;
		expect(s.apply(hold(9, 102, OTHER, 60))).toBe(1);
		expect(s.status(1)).toBe('held');
		// The lapse of my hold is reported once, though the seat went straight to someone else.
		expect(s.takeLapsedMine()).toEqual([1]);
		expect(s.apply({ id: 5, seat_id: 102, user_id: ME, status: 'expired' })).toBe(-1);
		expect(s.status(1)).toBe('held');
	});

	it('keeps the next expiry right as holds come and go', () => {
		const { s, time, hold } = heldState();
		s.apply(hold(1, 101, OTHER, 30));
		s.apply(hold(2, 102, OTHER, 10));
		s.apply(hold(3, 103, OTHER, 20));
		expect(s.nextExpiry()).toBe(time.now + 10_000);
		s.apply({ id: 2, seat_id: 102, user_id: OTHER, status: 'released' });
		expect(s.nextExpiry()).toBe(time.now + 20_000);
		s.apply({ id: 3, seat_id: 103, user_id: OTHER, status: 'booked' });
		expect(s.nextExpiry()).toBe(time.now + 30_000);
		s.apply(hold(4, 104, OTHER, 5));
		expect(s.nextExpiry()).toBe(time.now + 5_000);
	});

	it('loads holds from a snapshot, lapsing each at its own expiry', () => {
		const { s, time } = heldState();
		s.beginResync();
		s.applySnapshot({
			booking_id: [1, 2, 3],
			seat_id: [101, 102, 103],
			user_id: [OTHER, ME, ME],
			status: ['held', 'held', 'booked'],
			expires_at: [time.at(2), time.at(4), null],
			server_time: time.at(0)
		});
		expect([0, 1, 2, 3].map((i) => s.status(i))).toEqual([
			'held',
			'mine-held',
			'mine',
			'available'
		]);
		time.now += 2000;
		expect(s.expireDue()).toEqual([0]);
		time.now += 2000;
		expect(s.expireDue()).toEqual([1]);
		expect(s.takeLapsedMine()).toEqual([1]);
		expect(s.mine()).toEqual([2]);
	});

	it('tells a hold released while disconnected from one that lapsed meanwhile', () => {
		const { s, time, hold } = heldState();
		s.apply(hold(1, 101, ME, 60));
		s.apply(hold(2, 102, ME, 5));
		// Offline for a while: the clock here stood still (a sleeping laptop), the server's did not.
		s.beginResync();
		const changed = s.applySnapshot({
			booking_id: [],
			seat_id: [],
			user_id: [],
			status: [],
			expires_at: [],
			server_time: time.at(10)
		});
		expect(changed.sort()).toEqual([0, 1]);
		// Seat 102 lapsed at 5 s; seat 101, held until 60 s, was released (say, in another tab).
		expect(s.takeLapsedMine()).toEqual([1]);
		expect(s.myHolds()).toEqual([]);
		expect(s.nextExpiry()).toBeNull();
	});

	it('takes back a hold it lapsed by a wrong clock once the snapshot lists it', () => {
		const { s, time, hold } = heldState();
		// Before the first snapshot this clock runs 20 minutes ahead: a 10-minute hold looks lapsed.
		const start = time.now;
		time.now = start + 20 * 60_000;
		s.beginResync();
		expect(s.apply(hold(1, 101, OTHER, 600))).toBe(-1);
		expect(s.status(0)).toBe('available');
		// The snapshot brings the server's time, and the clock is corrected before it is applied.
		time.now = start;
		const changed = s.applySnapshot({
			booking_id: [1],
			seat_id: [101],
			user_id: [OTHER],
			status: ['held'],
			expires_at: [time.at(600)],
			server_time: time.at(0)
		});
		expect(changed).toEqual([0]);
		expect(s.status(0)).toBe('held');
		expect(s.nextExpiry()).toBe(start + 600_000);
	});

	it('counts holds in the seats taken after a viewer change', () => {
		const { s, hold } = heldState(4, null);
		s.apply(hold(1, 101, ME, 60));
		expect(s.status(0)).toBe('held');
		expect(s.setViewer(ME)).toEqual([0]);
		expect(s.status(0)).toBe('mine-held');
		expect(s.myHolds()).toEqual([0]);
		expect(s.availableCount).toBe(3);
	});
});
