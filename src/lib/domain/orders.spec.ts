import { describe, expect, it } from 'vitest';
import { normalizeReference, sortSeats, type OrderSeat } from './orders.ts';

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
