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
