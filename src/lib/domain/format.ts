const priceFormat = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' });
const dateFormat = new Intl.DateTimeFormat('en-GB', {
	dateStyle: 'medium',
	timeStyle: 'short',
	timeZone: 'UTC'
});

export function formatPrice(cents: number): string {
	return priceFormat.format(cents / 100);
}

/** UTC so the server-rendered and the hydrated text agree. */
export function formatDate(iso: string): string {
	const date = new Date(iso);
	return Number.isNaN(date.getTime()) ? iso : `${dateFormat.format(date)} UTC`;
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
