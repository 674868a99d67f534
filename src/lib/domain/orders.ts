import * as v from 'valibot';
import { formatPrice, formatSeat, formatSeats, type SeatPlace } from './format.ts';
import { failed, released, success, type ApiError, type Outcome } from './outcomes.ts';

/**
 * Orders as the database makes them: a reference people can read out, the seats with the price
 * each had when it was booked, and the total of those still in the order.
 */

/** The 30 characters references use: no 0/O, 1/I/L or U, so nothing is misread. */
const REFERENCE_CHARACTERS = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';
const REFERENCE = /^[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}$/;

/**
 * A reference as someone typed or read it ("k7qm 3xpd", "K7QM3XPD") in the database's form
 * (`K7QM-3XPD`), or null when it cannot be one.
 */
export function normalizeReference(input: string): string | null {
	const compact = input.toUpperCase().replace(/[\s-]/g, '');
	if (compact.length !== 8 || [...compact].some((c) => !REFERENCE_CHARACTERS.includes(c)))
		return null;
	const reference = `${compact.slice(0, 4)}-${compact.slice(4)}`;
	return REFERENCE.test(reference) ? reference : null;
}

export type OrderStatus = 'active' | 'cancelled';

/** An order row, as confirm_order and release_from_order return it. */
export const OrderRow = v.object({
	id: v.number(),
	reference: v.string(),
	event_id: v.number(),
	status: v.picklist(['active', 'cancelled']),
	total_cents: v.number(),
	created_at: v.string(),
	cancelled_at: v.nullable(v.string())
});
export type OrderRow = v.InferOutput<typeof OrderRow>;

export interface OrderSummary {
	id: number;
	reference: string;
	eventId: number;
	status: OrderStatus;
	totalCents: number;
	createdAt: string;
	cancelledAt: string | null;
}

export function orderSummary(row: OrderRow): OrderSummary {
	return {
		id: row.id,
		reference: row.reference,
		eventId: row.event_id,
		status: row.status,
		totalCents: row.total_cents,
		createdAt: row.created_at,
		cancelledAt: row.cancelled_at
	};
}

export interface OrderSeat {
	bookingId: number;
	seatId: number;
	section: string;
	row: string;
	number: number;
	category: string;
	/** The seat's price when it was booked. */
	priceCents: number;
	/** When it was released from the order; null while it is booked. */
	releasedAt: string | null;
}

/** An order with its event and every seat it had, released ones included. */
export interface Order extends OrderSummary {
	event: {
		id: number;
		slug: string;
		name: string;
		venue: string;
		startsAt: string;
		/** The venue's IANA time zone. */
		timeZone: string;
	};
	seats: OrderSeat[];
}

/** The order's seats in the order a venue lists them: section, row, seat. */
export function sortSeats(seats: OrderSeat[]): OrderSeat[] {
	return [...seats].sort(
		(a, b) =>
			a.section.localeCompare(b.section) ||
			a.row.localeCompare(b.row, undefined, { numeric: true }) ||
			a.number - b.number
	);
}

/**
 * What the database sends on the buyer's topic `user:<id>` (event `order`) when an order is made
 * or changes: enough to tell which order to refetch, and its new status and total.
 */
export const OrderNotice = v.object({
	orders: v.array(
		v.object({
			order_id: v.number(),
			reference: v.string(),
			event_id: v.number(),
			status: v.picklist(['active', 'cancelled']),
			total_cents: v.number(),
			/** Seats still in the order. */
			seats: v.number()
		})
	)
});
export type OrderNotice = v.InferOutput<typeof OrderNotice>;

/** How My bookings labels an order: all its seats, some released, or none left. */
export type OrderState = 'confirmed' | 'partly released' | 'cancelled';

export function orderState(order: Pick<Order, 'status' | 'seats'>): OrderState {
	if (order.status === 'cancelled') return 'cancelled';
	return order.seats.some((s) => s.releasedAt !== null) ? 'partly released' : 'confirmed';
}

/** The seats still booked in the order. */
export function bookedSeats(order: Pick<Order, 'seats'>): OrderSeat[] {
	return order.seats.filter((s) => s.releasedAt === null);
}

/**
 * The order after releasing these seats, as release_from_order answered (`summary`: the new
 * status, total and cancellation); the seats' own release times are the database's, learned at the
 * next read, so until then `at` (ms, the database's clock) stands in for them.
 */
export function withRelease(
	order: Order,
	summary: OrderSummary,
	bookingIds: number[],
	at: number
): Order {
	const releasedAt = new Date(at).toISOString();
	return {
		...order,
		status: summary.status,
		totalCents: summary.totalCents,
		cancelledAt: summary.cancelledAt,
		seats: order.seats.map((s) =>
			bookingIds.includes(s.bookingId) && s.releasedAt === null ? { ...s, releasedAt } : s
		)
	};
}

/** What the release dialog asks: which seats leave which order, and that it is for good. */
export function releaseQuestion(reference: string, seats: SeatPlace[]): string {
	const what =
		seats.length === 1 ? formatSeat(seats[0]) : `all ${seats.length} seats (${formatSeats(seats)})`;
	return `Release ${what} from order ${reference}? This cannot be undone.`;
}

/** What releasing from an order did: the order's new total, or that nothing is left of it. */
export function releasedFromOrder(summary: OrderSummary, seats: SeatPlace[]): Outcome {
	const done = released(seats.length, formatSeats(seats)).message;
	return success(
		summary.status === 'cancelled'
			? `${done} Order ${summary.reference} is cancelled.`
			: `${done} Order ${summary.reference} now totals ${formatPrice(summary.totalCents)}.`
	);
}

/**
 * Why releasing from an order failed. The database names the seat or the order when it refuses
 * (released already, not in this order, no such order); nothing was released either way.
 */
export function releaseFromOrderFailure(error: ApiError): Outcome {
	switch (error.code) {
		case '23514':
		case '22023':
		case 'PT404':
			return failed(error.message);
		case '42501':
		case 'PGRST301':
		case 'PGRST303':
			return failed('Your session has ended. Log in again to release seats.');
		default:
			if (!error.code || error.status === 0 || /fetch|network/i.test(error.message))
				return failed('Could not reach the server. Nothing was released.');
			return failed(`Could not release: ${error.message}`);
	}
}
