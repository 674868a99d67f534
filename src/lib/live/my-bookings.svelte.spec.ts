import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MyBooking } from '$lib/api/bookings';
import type { Supabase } from '$lib/api/client';
import type { Order, OrderRow } from '$lib/domain/orders';
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
	starts_at: '2030-01-01T20:00:00Z',
	time_zone: 'Europe/Berlin'
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

/** An order of seats 11 (€35) and 12 (€20), booked as bookings 11 and 12. */
function order(): Order {
	const seat = (n: number, priceCents: number) => ({
		bookingId: n,
		seatId: n,
		section: 'Floor',
		row: 'F',
		number: n - 5,
		category: 'standard',
		priceCents,
		releasedAt: null
	});
	return {
		id: 7,
		reference: 'K7QM-3XPD',
		eventId: EVENT.id,
		status: 'active',
		totalCents: 5500,
		createdAt: '2030-01-01T00:00:00Z',
		cancelledAt: null,
		event: { ...EVENT, startsAt: EVENT.starts_at, timeZone: EVENT.time_zone },
		seats: [seat(11, 3500), seat(12, 2000)]
	};
}

/** A client whose release_from_order answers with `answer` (and records what it was asked). */
function releasingClient(answer: { data: OrderRow | null; error: unknown; status: number }) {
	const calls: unknown[] = [];
	const client = Object.assign(quietClient(), {
		rpc: async (name: string, args: unknown) => {
			calls.push([name, args]);
			return answer;
		}
	}) as unknown as Supabase;
	return { client, calls };
}

const lists = (bookings: MyBooking[], orders: Order[] = []) => ({ bookings, orders });

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
			lists([row(1, 'booked', null), row(2, 'held', SERVER + 60_000)]),
			new Date(SERVER).toISOString()
		);
		store.start();
		// Booked seats show through their orders; only the hold is listed as one.
		const [group] = store.holdsByEvent;
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
			lists([row(1, 'booked', null), row(2, 'held', SERVER + 60_000)]),
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
			lists([row(2, 'held', LOCAL + 600_000)]),
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
		new MyBookings(quietClient(), 'me', lists([row(2, 'held', LOCAL + 1000)]), null);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('is empty with neither an active hold nor an order; a cancelled order still counts', () => {
		expect(new MyBookings(quietClient(), 'me', lists([]), null).empty).toBe(true);
		const cancelled = { ...order(), status: 'cancelled' as const };
		expect(new MyBookings(quietClient(), 'me', lists([], [cancelled]), null).empty).toBe(false);
		expect(
			new MyBookings(quietClient(), 'me', lists([row(2, 'held', Date.now() + 60_000)]), null).empty
		).toBe(false);
	});

	it('releases a seat from its order: the new total at once, the seat marked released', async () => {
		const { client, calls } = releasingClient({
			data: {
				id: 7,
				reference: 'K7QM-3XPD',
				event_id: EVENT.id,
				status: 'active',
				total_cents: 2000,
				created_at: '2030-01-01T00:00:00Z',
				cancelled_at: null
			},
			error: null,
			status: 200
		});
		const store = new MyBookings(client, 'me', lists([row(11, 'booked', null)], [order()]), null);
		const outcome = await store.releaseFromOrder(order(), [order().seats[0]]);
		expect(calls).toEqual([
			['release_from_order', { p_reference: 'K7QM-3XPD', p_booking_ids: [11] }]
		]);
		expect(outcome).toEqual({
			kind: 'success',
			message: 'Released 1 seat: Floor · Row F · Seat 6. Order K7QM-3XPD now totals €20.00.'
		});
		const [after] = store.orders;
		expect(after.totalCents).toBe(2000);
		expect(after.seats.map((s) => s.releasedAt !== null)).toEqual([true, false]);
		expect(store.bookings).toEqual([]);
		expect(store.busy).toBe(false);
	});

	it('says the order is cancelled when its last seats go', async () => {
		const { client } = releasingClient({
			data: {
				id: 7,
				reference: 'K7QM-3XPD',
				event_id: EVENT.id,
				status: 'cancelled',
				total_cents: 0,
				created_at: '2030-01-01T00:00:00Z',
				cancelled_at: '2030-01-01T12:00:00Z'
			},
			error: null,
			status: 200
		});
		const store = new MyBookings(client, 'me', lists([], [order()]), null);
		const outcome = await store.releaseFromOrder(order(), order().seats);
		expect(outcome.message).toBe(
			'Released 2 seats: Floor · Row F · Seats 6–7. Order K7QM-3XPD is cancelled.'
		);
		expect(store.orders[0]).toMatchObject({ status: 'cancelled', totalCents: 0 });
	});

	it('keeps the order as it was when the database refuses, in its words', async () => {
		const message = 'Floor · Row F · Seat 6 was already released from order K7QM-3XPD.';
		const { client } = releasingClient({
			data: null,
			error: { code: '23514', message },
			status: 400
		});
		const store = new MyBookings(client, 'me', lists([], [order()]), null);
		expect(await store.releaseFromOrder(order(), [order().seats[0]])).toEqual({
			kind: 'error',
			message
		});
		expect(store.orders).toEqual([order()]);
	});
});
