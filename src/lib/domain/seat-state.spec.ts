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

	it('keeps a held seat taken through its confirmation, whatever order the changes arrive in', () => {
		for (const order of [
			['held', 'booked'],
			['booked', 'held']
		]) {
			const s = seats();
			for (const status of order) s.apply({ id: 5, seat_id: 102, user_id: OTHER, status });
			expect(s.status(1)).toBe('taken');
			expect(s.bookingId(1)).toBe(5);
		}
	});

	it('frees a seat when its hold expires or is released', () => {
		for (const end of ['expired', 'released']) {
			const s = seats();
			s.apply({ id: 5, seat_id: 102, user_id: OTHER, status: 'held' });
			expect(s.status(1)).toBe('taken');
			s.apply({ id: 5, seat_id: 102, user_id: OTHER, status: end });
			expect(s.status(1)).toBe('available');
		}
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
