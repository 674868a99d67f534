const priceFormat = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' });

export function formatPrice(cents: number): string {
	return priceFormat.format(cents / 100);
}

/**
 * "Sat, 12 Dec 2026, 20:30 CET": a moment in a time zone (the person's own, in the browser),
 * named by its short name.
 */
export function formatDate(iso: string, timeZone = 'UTC'): string {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return iso;
	return new Intl.DateTimeFormat('en-GB', {
		weekday: 'short',
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		timeZone,
		timeZoneName: 'short'
	}).format(date);
}

/** "Central European Standard Time (Europe/Berlin)": a time zone's long name on that day. */
export function timeZoneLongName(iso: string, timeZone: string): string {
	const date = new Date(iso);
	const name = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'long' })
		.formatToParts(Number.isNaN(date.getTime()) ? new Date() : date)
		.find((part) => part.type === 'timeZoneName')?.value;
	return name && name !== timeZone ? `${name} (${timeZone})` : timeZone;
}

/** Where a seat is, as its ticket says. */
export interface SeatPlace {
	section: string;
	row: string;
	number: number;
}

/**
 * "Floor · Row F · Seat 6": the one way a seat is named, in messages, lists, tooltips and
 * screen-reader labels.
 */
export function formatSeat(seat: SeatPlace): string {
	return `${seat.section} · Row ${seat.row} · Seat ${seat.number}`;
}

/**
 * Several seats named as one: grouped by row in the order first given, runs of numbers joined:
 * "Floor · Row F · Seats 5–8, 10; Balcony · Row A · Seat 2".
 */
export function formatSeats(seats: SeatPlace[]): string {
	const rows = new Map<string, number[]>();
	for (const seat of seats) {
		const key = `${seat.section} · Row ${seat.row}`;
		const numbers = rows.get(key) ?? [];
		numbers.push(seat.number);
		rows.set(key, numbers);
	}
	return [...rows]
		.map(([row, numbers]) => {
			const sorted = [...new Set(numbers)].sort((a, b) => a - b);
			const runs: string[] = [];
			for (let k = 0; k < sorted.length;) {
				let end = k;
				while (end + 1 < sorted.length && sorted[end + 1] === sorted[end] + 1) end++;
				runs.push(end > k ? `${sorted[k]}–${sorted[end]}` : String(sorted[k]));
				k = end + 1;
			}
			return `${row} · ${sorted.length === 1 ? 'Seat' : 'Seats'} ${runs.join(', ')}`;
		})
		.join('; ');
}

const countFormat = new Intl.NumberFormat('en-GB');

export function plural(n: number, one: string, many = `${one}s`): string {
	return `${countFormat.format(n)} ${n === 1 ? one : many}`;
}

/**
 * What the events list and the event page say about free seats. Held seats are not free, but a
 * hold may lapse, so "sold out" is said only when every seat is booked.
 */
export function seatsLeft(left: number, held: number): string {
	if (left > 0) return `${plural(left, 'seat')} left`;
	if (held > 0) return `No seats free now · ${plural(held, 'seat')} on hold`;
	return 'Sold out';
}

/** A hold length given in minutes (fractions allowed), in words: "10 minutes", "30 seconds". */
export function formatMinutes(minutes: number): string {
	const total = Math.round(minutes * 60);
	const m = Math.floor(total / 60);
	const s = total % 60;
	if (!m) return plural(s, 'second');
	return s ? `${plural(m, 'minute')} ${plural(s, 'second')}` : plural(m, 'minute');
}

/** "€25.00", or "€18.00–€35.00" for a range. */
export function formatPriceRange(min: number, max: number): string {
	return min === max ? formatPrice(min) : `${formatPrice(min)}–${formatPrice(max)}`;
}

/** At most this many seats left, and at most this share of the venue, is "only a few". */
const FEW_SEATS = 20;
const FEW_SHARE = 0.1;

/**
 * Whether so few seats are left that the list says "Only". Both bounds hold: 20 of a 100-seat club
 * is a fifth of the room and 200 of a stadium is still plenty to choose from, so a count alone or a
 * share alone would cry wolf at one end. Nothing left is not "few": that is sold out, or held.
 */
export function fewSeatsLeft(left: number, total: number): boolean {
	return left > 0 && left <= FEW_SEATS && left <= total * FEW_SHARE;
}

/**
 * Where a time is local to: "in New York" for America/New_York, "in Buenos Aires" for
 * America/Argentina/Buenos_Aires; a zone that names no place ("UTC", "Etc/GMT+5") by its name.
 */
export function zonePlace(timeZone: string): string {
	const [area, ...rest] = timeZone.split('/');
	if (!rest.length || area === 'Etc') return rest.at(-1) ?? area;
	return `in ${rest.at(-1)!.replaceAll('_', ' ')}`;
}

function zoneParts(date: Date, timeZone: string): { day: string; offset: string } | null {
	try {
		const parts = new Intl.DateTimeFormat('en-GB', {
			timeZone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			timeZoneName: 'longOffset'
		}).formatToParts(date);
		const value = (type: Intl.DateTimeFormatPartTypes) =>
			parts.find((part) => part.type === type)?.value ?? '';
		return {
			day: `${value('year')}-${value('month')}-${value('day')}`,
			offset: value('timeZoneName')
		};
	} catch {
		// A zone this browser's Intl does not know: say nothing rather than something wrong.
		return null;
	}
}

/**
 * "13:30 in New York" ("13:30 UTC"): the venue's local time, for a reader in `readerZone`; null when the venue's
 * clock shows what the reader's does (same offset at that moment, whatever the zone is called). The
 * day is named too when it is not the reader's: "Sun 13 Dec, 04:30 in Tokyo".
 */
export function venueTime(iso: string, venueZone: string, readerZone: string): string | null {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return null;
	const venue = zoneParts(date, venueZone);
	const reader = zoneParts(date, readerZone);
	if (!venue || !reader || venue.offset === reader.offset) return null;
	const time = new Intl.DateTimeFormat('en-GB', {
		timeZone: venueZone,
		hour: '2-digit',
		minute: '2-digit',
		...(venue.day === reader.day
			? {}
			: { weekday: 'short' as const, day: 'numeric' as const, month: 'short' as const })
	}).format(date);
	return `${time} ${zonePlace(venueZone)}`;
}

/** What a seat is for, beyond its place and price. */
export interface SeatFeatures {
	accessibility: 'wheelchair' | 'companion' | null;
	restrictedView: boolean;
}

const ACCESSIBILITY_TEXT = {
	wheelchair: 'Wheelchair space',
	companion: 'Companion seat'
} as const;

/**
 * ["Wheelchair space", "Restricted view"]: the one wording of a seat's features, for the tooltip,
 * the screen-reader label and the legend. Empty for an ordinary seat.
 */
export function seatFeatures(seat: SeatFeatures): string[] {
	const features: string[] = [];
	if (seat.accessibility) features.push(ACCESSIBILITY_TEXT[seat.accessibility]);
	if (seat.restrictedView) features.push('Restricted view');
	return features;
}

/** "2 wheelchair spaces free", "No wheelchair space free now". */
export function wheelchairSpacesFree(free: number): string {
	return free > 0 ? `${plural(free, 'wheelchair space')} free` : 'No wheelchair space free now';
}

/** The same beside the filter's label on a narrow map: "2 free", "None free". */
export function wheelchairSpacesFreeShort(free: number): string {
	return free > 0 ? `${countFormat.format(free)} free` : 'None free';
}
