import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MyBooking } from '$lib/api/bookings';
import type { Supabase } from '$lib/api/client';
import { MyBookings } from './my-bookings.svelte.ts';

/**
 * The store's clock and expiry against a stand-in for supabase-js whose realtime channel never
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

const EVENT = {
	id: 1,
	slug: 'test',
	name: 'Test',
	venue: 'Hall',
	starts_at: '2030-01-01T20:00:00Z'
};

function row(id: number, status: 'booked' | 'held', expiresAt: number | null): MyBooking {
	return {
		id,
		createdAt: '2030-01-01T00:00:00Z',
		status,
		expiresAt,
		seat: { id, section: 'A', row: '1', number: id, category: 'standard', priceCents: 2500 },
		event: EVENT
	};
}

// The database's clock runs an hour ahead of this browser's.
const LOCAL = Date.parse('2030-01-01T12:00:00Z');
const SERVER = LOCAL + 3_600_000;

afterEach(() => {
	vi.useRealTimers();
});

describe('MyBookings', () => {
	it('counts a hold down by the database clock and drops it at its expiry, saying so', () => {
		vi.useFakeTimers();
		vi.setSystemTime(LOCAL);
		const store = new MyBookings(
			quietClient(),
			'me',
			[row(1, 'booked', null), row(2, 'held', SERVER + 60_000)],
			new Date(SERVER).toISOString()
		);
		store.start();
		const [group] = store.byEvent;
		expect(group.booked.map((b) => b.id)).toEqual([1]);
		expect(group.held.map((h) => [h.booking.id, h.until])).toEqual([[2, LOCAL + 60_000]]);

		vi.advanceTimersByTime(59_999);
		expect(store.bookings.map((b) => b.id)).toEqual([1, 2]);
		vi.advanceTimersByTime(1);
		expect(store.bookings.map((b) => b.id)).toEqual([1]);
		expect(store.lapsed.map((b) => b.id)).toEqual([2]);
		store.stop();
	});

	it('says a hold on screen lapsed when the list changes after its expiry, before the timer', async () => {
		vi.useFakeTimers();
		vi.setSystemTime(LOCAL);
		// Releasing booking 1 answers with that row released (update … in … in … select).
		const released = [{ id: 1, seat_id: 1, user_id: 'me', status: 'released', expires_at: null }];
		const chain = {
			update: () => chain,
			in: () => chain,
			select: async () => ({ data: released, error: null, status: 200 })
		};
		const client = Object.assign(quietClient(), { from: () => chain }) as unknown as Supabase;
		const store = new MyBookings(
			client,
			'me',
			[row(1, 'booked', null), row(2, 'held', SERVER + 60_000)],
			new Date(SERVER).toISOString()
		);
		store.start();
		// The clock passes the expiry; the list changes before the lapse timer has run.
		vi.setSystemTime(LOCAL + 60_001);
		await store.release([row(1, 'booked', null)]);
		expect(store.bookings).toEqual([]);
		expect(store.lapsed.map((b) => b.id)).toEqual([2]);
		store.stop();
	});

	it('leaves out holds that had lapsed when the list was read, without a notice', () => {
		vi.useFakeTimers();
		vi.setSystemTime(LOCAL);
		// By this browser's clock the hold has ten minutes left; by the database's it is over.
		const store = new MyBookings(
			quietClient(),
			'me',
			[row(2, 'held', LOCAL + 600_000)],
			new Date(SERVER).toISOString()
		);
		store.start();
		expect(store.bookings).toEqual([]);
		expect(store.lapsed).toEqual([]);
		store.stop();
	});

	it('sets no timer before it is started (as when rendered on the server)', () => {
		vi.useFakeTimers();
		vi.setSystemTime(LOCAL);
		new MyBookings(quietClient(), 'me', [row(2, 'held', LOCAL + 1000)], null);
		expect(vi.getTimerCount()).toBe(0);
	});
});
