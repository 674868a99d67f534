import { describe, expect, it } from 'vitest';
import { plural, seatsLeft } from './format.ts';

describe('seatsLeft', () => {
	it('counts free seats, says held ones may come back, and "sold out" only when all are booked', () => {
		expect(seatsLeft(1_144, 3)).toBe('1,144 seats left');
		expect(seatsLeft(1, 0)).toBe('1 seat left');
		expect(seatsLeft(0, 1)).toBe('No seats free now · 1 seat on hold');
		expect(seatsLeft(0, 0)).toBe('Sold out');
	});

	it('pluralises with thousands separators', () => {
		expect(plural(54_000, 'seat')).toBe('54,000 seats');
		expect(plural(1, 'person', 'people')).toBe('1 person');
		expect(plural(2, 'person', 'people')).toBe('2 people');
	});
});
