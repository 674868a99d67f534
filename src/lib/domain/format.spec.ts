import { describe, expect, it } from 'vitest';
import {
	fewSeatsLeft,
	formatDate,
	formatPriceRange,
	venueTime,
	zonePlace,
	formatSeat,
	formatSeats,
	plural,
	seatFeatures,
	seatsLeft,
	timeZoneLongName,
	wheelchairSpacesFree,
	wheelchairSpacesFreeShort
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

describe('venueTime', () => {
	const iso = '2026-12-12T19:30:00Z';

	it("gives the venue's local time where its clock differs from the reader's", () => {
		expect(venueTime(iso, 'America/New_York', 'Europe/Berlin')).toBe('14:30 in New York');
		expect(venueTime(iso, 'Europe/Berlin', 'America/New_York')).toBe('20:30 in Berlin');
		expect(venueTime(iso, 'UTC', 'Europe/Berlin')).toBe('19:30 UTC');
	});

	it('names the day when it is another day at the venue', () => {
		expect(venueTime(iso, 'Asia/Tokyo', 'Europe/Berlin')).toBe('Sun 13 Dec, 04:30 in Tokyo');
		expect(venueTime('2026-12-13T01:00:00Z', 'America/Los_Angeles', 'Europe/London')).toBe(
			'Sat 12 Dec, 17:00 in Los Angeles'
		);
	});

	it('says nothing when both clocks agree, whatever the zones are called', () => {
		expect(venueTime(iso, 'Europe/Amsterdam', 'Europe/Berlin')).toBeNull();
		expect(venueTime(iso, 'Europe/Berlin', 'Europe/Berlin')).toBeNull();
		expect(venueTime(iso, 'Etc/UTC', 'UTC')).toBeNull();
		// London is on UTC in December but not in July.
		expect(venueTime(iso, 'Europe/London', 'UTC')).toBeNull();
		expect(venueTime('2026-07-01T18:00:00Z', 'Europe/London', 'UTC')).toBe('19:00 in London');
	});

	it('says nothing rather than something wrong for a zone or date it cannot read', () => {
		expect(venueTime(iso, 'Mars/Olympus', 'UTC')).toBeNull();
		expect(venueTime('not a date', 'Asia/Tokyo', 'UTC')).toBeNull();
	});

	it('names a place by its city, and a zone with none by its name', () => {
		expect(zonePlace('America/Argentina/Buenos_Aires')).toBe('in Buenos Aires');
		expect(zonePlace('UTC')).toBe('UTC');
		expect(zonePlace('Etc/GMT+5')).toBe('GMT+5');
	});
});

describe('fewSeatsLeft', () => {
	it('is at most 20 seats and at most a tenth of the venue', () => {
		// A 100-seat club: 10 is few, 11 is not.
		expect(fewSeatsLeft(10, 100)).toBe(true);
		expect(fewSeatsLeft(11, 100)).toBe(false);
		// A stadium: 20 is few, 21 is not, though both are far under a tenth.
		expect(fewSeatsLeft(20, 54_000)).toBe(true);
		expect(fewSeatsLeft(21, 54_000)).toBe(false);
		// A tiny room: its last seat of four is a quarter of it.
		expect(fewSeatsLeft(1, 4)).toBe(false);
		expect(fewSeatsLeft(1, 10)).toBe(true);
	});

	it('is never "few" with nothing left: that is sold out, or held', () => {
		expect(fewSeatsLeft(0, 100)).toBe(false);
		expect(fewSeatsLeft(-1, 100)).toBe(false);
	});
});

describe('formatPriceRange', () => {
	it('gives one price or the cheapest to the dearest', () => {
		expect(formatPriceRange(2500, 12000)).toBe('€25.00–€120.00');
		expect(formatPriceRange(2500, 2500)).toBe('€25.00');
	});
});

describe('seatFeatures', () => {
	it('names what a seat is for, access first, in words not colours', () => {
		expect(seatFeatures({ accessibility: 'wheelchair', restrictedView: false })).toEqual([
			'Wheelchair space'
		]);
		expect(seatFeatures({ accessibility: 'companion', restrictedView: true })).toEqual([
			'Companion seat',
			'Restricted view'
		]);
		expect(seatFeatures({ accessibility: null, restrictedView: true })).toEqual([
			'Restricted view'
		]);
		expect(seatFeatures({ accessibility: null, restrictedView: false })).toEqual([]);
	});

	it('counts free wheelchair spaces, and says plainly when there are none', () => {
		expect(wheelchairSpacesFree(1)).toBe('1 wheelchair space free');
		expect(wheelchairSpacesFree(12)).toBe('12 wheelchair spaces free');
		expect(wheelchairSpacesFree(0)).toBe('No wheelchair space free now');
	});

	it('says the same in short beside the filter on a narrow map', () => {
		expect(wheelchairSpacesFreeShort(1)).toBe('1 free');
		expect(wheelchairSpacesFreeShort(1_200)).toBe('1,200 free');
		expect(wheelchairSpacesFreeShort(0)).toBe('None free');
	});
});
