import { describe, expect, it } from 'vitest';
import {
	normalizeReference,
	orderState,
	releaseFromOrderFailure,
	releaseQuestion,
	sortSeats,
	withRelease,
	type Order,
	type OrderSeat
} from './orders.ts';

describe('normalizeReference', () => {
	it('reads a reference as people type or read it out', () => {
		for (const typed of ['K7QM-3XPD', 'k7qm-3xpd', 'K7QM3XPD', ' k7qm 3xpd ', 'K7-QM-3X-PD'])
			expect(normalizeReference(typed)).toBe('K7QM-3XPD');
	});

	it('refuses what cannot be a reference: look-alikes, wrong lengths, other characters', () => {
		for (const typed of [
			'K7QM-3XP0',
			'K7QM-3XPI',
			'K7QM-3XPL',
			'K7QM-3XPU',
			'K7QM-3XP',
			'K7QM-3XPDD',
			'K7QM_3XPD',
			''
		])
			expect(normalizeReference(typed)).toBeNull();
	});
});

describe('sortSeats', () => {
	it('lists seats by section, row (10 after 9) and number', () => {
		const seat = (section: string, row: string, number: number): OrderSeat => ({
			bookingId: number,
			seatId: number,
			section,
			row,
			number,
			category: 'standard',
			priceCents: 1000,
			releasedAt: null
		});
		const sorted = sortSeats([
			seat('Floor', '10', 1),
			seat('Balcony', 'A', 2),
			seat('Floor', '9', 3)
		]);
		expect(sorted.map((s) => `${s.section} ${s.row}`)).toEqual([
			'Balcony A',
			'Floor 9',
			'Floor 10'
		]);
	});
});

function anOrder(released: (string | null)[] = [null, null]): Order {
	return {
		id: 1,
		reference: 'K7QM-3XPD',
		eventId: 1,
		status: 'active',
		totalCents: 5500,
		createdAt: '2030-01-01T00:00:00Z',
		cancelledAt: null,
		event: {
			id: 1,
			slug: 'e',
			name: 'E',
			venue: 'V',
			startsAt: '2030-01-02T20:00:00Z',
			timeZone: 'Europe/Berlin'
		},
		seats: released.map((releasedAt, k) => ({
			bookingId: 10 + k,
			seatId: 20 + k,
			section: 'Floor',
			row: 'F',
			number: 6 + k,
			category: 'standard',
			priceCents: k ? 2000 : 3500,
			releasedAt
		}))
	};
}

describe('orderState', () => {
	it('is confirmed with every seat, partly released with some gone, cancelled with none left', () => {
		expect(orderState(anOrder())).toBe('confirmed');
		expect(orderState(anOrder(['2030-01-01T10:00:00Z', null]))).toBe('partly released');
		expect(orderState({ ...anOrder(['x', 'y']), status: 'cancelled' })).toBe('cancelled');
	});
});

describe('withRelease', () => {
	it('takes the database’s total and status, and marks only the named seats still booked', () => {
		const before = anOrder([null, '2030-01-01T09:00:00Z']);
		const after = withRelease(
			before,
			{ ...before, status: 'cancelled', totalCents: 0, cancelledAt: '2030-01-01T10:00:00Z' },
			[10, 11],
			Date.parse('2030-01-01T10:00:00Z')
		);
		expect(after).toMatchObject({ status: 'cancelled', totalCents: 0 });
		// The seat released earlier keeps its own time.
		expect(after.seats.map((s) => s.releasedAt)).toEqual([
			'2030-01-01T10:00:00.000Z',
			'2030-01-01T09:00:00Z'
		]);
		expect(before.seats[0].releasedAt).toBeNull();
	});
});

describe('releaseQuestion', () => {
	it('names the seat and the order, and says it is for good', () => {
		const [six, seven] = anOrder().seats;
		expect(releaseQuestion('K7QM-3XPD', [six])).toBe(
			'Release Floor · Row F · Seat 6 from order K7QM-3XPD? This cannot be undone.'
		);
		expect(releaseQuestion('K7QM-3XPD', [six, seven])).toBe(
			'Release all 2 seats (Floor · Row F · Seats 6–7) from order K7QM-3XPD? This cannot be undone.'
		);
	});
});

describe('releaseFromOrderFailure', () => {
	it('passes on the database’s own refusals and says what a lost session or network means', () => {
		const mine = 'There is no order K7QM-3XPD.';
		expect(releaseFromOrderFailure({ code: 'PT404', message: mine }).message).toBe(mine);
		expect(releaseFromOrderFailure({ code: '42501', message: 'x' }).message).toBe(
			'Your session has ended. Log in again to release seats.'
		);
		expect(releaseFromOrderFailure({ code: '', message: 'Failed to fetch' }).message).toBe(
			'Could not reach the server. Nothing was released.'
		);
	});
});
