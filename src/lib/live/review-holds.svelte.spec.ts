import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MyBooking } from '$lib/api/bookings';
import type { Supabase } from '$lib/api/client';
import { ReviewHolds } from './review-holds.svelte.ts';

/**
 * The review's clock and lapses against a stand-in for supabase-js whose realtime channel never
 * connects (so nothing is refetched): what is listed comes from the initial load alone.
 */
function quietClient(): Supabase {
	const channel = {
		on: () => channel,
		subscribe: () => channel
	};
	return {
		channel: () => channel,
		removeChannel: async () => 'ok',
		realtime: { setAuth: async () => {} }
	} as unknown as Supabase;
}

function event(id: number): MyBooking['event'] {
	return {
		id,
		slug: `e${id}`,
		name: 'Test',
		venue: 'Hall',
		starts_at: '2030-01-01T20:00:00Z',
		time_zone: 'UTC'
	};
}

function row(
	id: number,
	status: 'booked' | 'held',
	expiresAt: number | null,
	number = id,
	eventId = 1
): MyBooking {
	return {
		id,
		createdAt: '2030-01-01T00:00:00Z',
		status,
		expiresAt,
		seat: { id, section: 'A', row: '1', number, category: 'standard', priceCents: 2500 },
		event: event(eventId)
	};
}

// The database's clock runs an hour ahead of this browser's.
const LOCAL = Date.parse('2030-01-01T12:00:00Z');
const SERVER = LOCAL + 3_600_000;

afterEach(() => {
	vi.useRealTimers();
});

describe('ReviewHolds', () => {
	it("lists only this event's current holds, and totals them", () => {
		vi.useFakeTimers();
		vi.setSystemTime(LOCAL);
		const review = new ReviewHolds(
			quietClient(),
			'me',
			1,
			[
				row(1, 'booked', null),
				row(2, 'held', SERVER + 60_000),
				row(3, 'held', SERVER - 1),
				row(4, 'held', SERVER + 60_000, 4, 2),
				row(5, 'held', SERVER + 30_000)
			],
			new Date(SERVER).toISOString()
		);
		expect(review.holds.map((h) => h.id)).toEqual([2, 5]);
		expect(review.totalCents).toBe(5000);
		// In this browser's clock, for the countdown.
		expect(review.firstLapse).toBe(LOCAL + 30_000);
	});

	it('keeps a lapsed hold in its place, marked, out of the total, at its expiry by the database clock', () => {
		vi.useFakeTimers();
		vi.setSystemTime(LOCAL);
		const review = new ReviewHolds(
			quietClient(),
			'me',
			1,
			[row(7, 'held', SERVER + 60_000, 1), row(8, 'held', SERVER + 30_000, 2)],
			new Date(SERVER).toISOString()
		);
		review.start();
		vi.advanceTimersByTime(29_000);
		expect(review.lost).toEqual([]);
		vi.advanceTimersByTime(1_000);
		expect(review.holds.map((h) => h.id)).toEqual([7]);
		expect(review.lost.map((l) => [l.hold.id, l.why])).toEqual([[8, 'lapsed']]);
		expect(review.rows.map((r) => [r.hold.id, r.lost])).toEqual([
			[7, null],
			[8, 'lapsed']
		]);
		expect(review.totalCents).toBe(2500);
		vi.advanceTimersByTime(30_000);
		expect(review.holds).toEqual([]);
		expect(review.firstLapse).toBeNull();
		expect(review.lost.map((l) => l.hold.id)).toEqual([8, 7]);
		review.stop();
	});
});
