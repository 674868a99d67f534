import { describe, expect, it } from 'vitest';
import {
	formatDate,
	formatSeat,
	formatSeats,
	plural,
	seatsLeft,
	timeZoneLongName
} from './format.ts';

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

describe('formatSeat', () => {
	it('names a seat as its ticket does: section, row, seat', () => {
		expect(formatSeat({ section: 'Floor', row: 'F', number: 6 })).toBe('Floor · Row F · Seat 6');
		expect(formatSeat({ section: 'Block B', row: 'AA', number: 112 })).toBe(
			'Block B · Row AA · Seat 112'
		);
	});

	it('names several seats by row, joining runs, in the order the rows come', () => {
		const seat = (section: string, row: string, number: number) => ({ section, row, number });
		expect(formatSeats([seat('Floor', 'F', 6)])).toBe('Floor · Row F · Seat 6');
		expect(
			formatSeats([
				seat('Floor', 'F', 8),
				seat('Floor', 'F', 6),
				seat('Floor', 'F', 7),
				seat('Floor', 'F', 10),
				seat('Balcony', 'A', 2)
			])
		).toBe('Floor · Row F · Seats 6–8, 10; Balcony · Row A · Seat 2');
		// The same seat twice is one seat.
		expect(formatSeats([seat('Floor', 'F', 6), seat('Floor', 'F', 6)])).toBe(
			'Floor · Row F · Seat 6'
		);
		expect(formatSeats([])).toBe('');
	});
});

describe('formatDate', () => {
	const iso = '2026-12-12T19:30:00Z';

	it('says the time in the given zone, with the zone named', () => {
		expect(formatDate(iso)).toBe('Sat, 12 Dec 2026, 19:30 UTC');
		expect(formatDate(iso, 'Europe/Berlin')).toBe('Sat, 12 Dec 2026, 20:30 CET');
		// Past midnight there: the date moves too.
		expect(formatDate(iso, 'Asia/Kolkata')).toBe('Sun, 13 Dec 2026, 01:00 GMT+5:30');
		expect(formatDate('not a date')).toBe('not a date');
	});

	it('names a zone in full for that day', () => {
		expect(timeZoneLongName(iso, 'Europe/Berlin')).toBe(
			'Central European Standard Time (Europe/Berlin)'
		);
		expect(timeZoneLongName('2026-07-01T12:00:00Z', 'Europe/Berlin')).toBe(
			'Central European Summer Time (Europe/Berlin)'
		);
	});
});
