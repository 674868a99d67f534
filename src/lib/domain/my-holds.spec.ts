import { describe, expect, it } from 'vitest';
import { current, nextLapse, type Expiring } from './my-holds.ts';

const booked: Expiring = { status: 'booked', expiresAt: null };
const hold = (expiresAt: number | null): Expiring => ({ status: 'held', expiresAt });

describe('my holds', () => {
	it('keeps bookings and the holds that end after now; a hold ends at its expiry exactly', () => {
		const a = hold(1000);
		const b = hold(2000);
		expect(current([booked, a, b], 999)).toEqual([booked, a, b]);
		expect(current([booked, a, b], 1000)).toEqual([booked, b]);
		expect(current([booked, a, b], 5000)).toEqual([booked]);
		// A hold without a readable expiry is not shown as held.
		expect(current([hold(null)], 0)).toEqual([]);
	});

	it('returns the same list when nothing lapsed', () => {
		const rows = [booked, hold(1000)];
		expect(current(rows, 10)).toBe(rows);
	});

	it('finds the next hold to lapse', () => {
		expect(nextLapse([booked])).toBeNull();
		expect(nextLapse([hold(3000), booked, hold(2000), hold(null)])).toBe(2000);
	});
});
