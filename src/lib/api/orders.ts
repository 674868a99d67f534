import * as v from 'valibot';
import {
	OrderRow,
	normalizeReference,
	orderSummary,
	sortSeats,
	type Order,
	type OrderSummary
} from '../domain/orders.ts';
import type { Supabase } from './client.ts';
import { fail, ok, type Result } from './result.ts';

/** The columns of an order with its event and seats; one list for every read. */
const ORDER_COLUMNS =
	'id, reference, event_id, status, total_cents, created_at, cancelled_at, ' +
	'event:events(id, slug, name, venue, starts_at, time_zone), ' +
	'order_lines(booking_id, seat_id, price_cents, released_at, seat:seats(section, row_label, number, category))';

const OrderWithSeats = v.object({
	...OrderRow.entries,
	event: v.object({
		id: v.number(),
		slug: v.string(),
		name: v.string(),
		venue: v.string(),
		starts_at: v.string(),
		time_zone: v.string()
	}),
	order_lines: v.array(
		v.object({
			booking_id: v.number(),
			seat_id: v.number(),
			price_cents: v.number(),
			released_at: v.nullable(v.string()),
			seat: v.object({
				section: v.string(),
				row_label: v.string(),
				number: v.number(),
				category: v.string()
			})
		})
	)
});

/**
 * Books the caller's holds in one order, all or none: the database copies each seat's price and
 * computes the total. One lapsed, released, already booked or someone else's hold refuses the
 * whole request (23514 naming the seat, or 42501).
 */
export async function confirmOrder(
	supabase: Supabase,
	bookingIds: number[]
): Promise<Result<OrderSummary>> {
	const { data, error, status } = await supabase.rpc('confirm_order', {
		p_booking_ids: bookingIds
	});
	return error ? fail(error, status) : parseSummary(data);
}

/** Releases seats from one of the caller's orders, all or none; the order with its new total. */
export async function releaseFromOrder(
	supabase: Supabase,
	reference: string,
	bookingIds: number[]
): Promise<Result<OrderSummary>> {
	const { data, error, status } = await supabase.rpc('release_from_order', {
		p_reference: reference,
		p_booking_ids: bookingIds
	});
	return error ? fail(error, status) : parseSummary(data);
}

/** The caller's orders, newest first (the database shows nobody anyone else's). */
export async function listMyOrders(supabase: Supabase): Promise<Result<Order[]>> {
	const { data, error, status } = await supabase
		.from('orders')
		.select(ORDER_COLUMNS)
		.order('created_at', { ascending: false })
		.order('id', { ascending: false });
	if (error) return fail(error, status);
	const parsed = v.safeParse(v.array(OrderWithSeats), data);
	return parsed.success
		? ok(parsed.output.map(toOrder))
		: fail({ code: 'invalid_orders', message: parsed.issues[0].message });
}

/**
 * One of the caller's orders by its reference, as typed or read out ("k7qm 3xpd"); null when the
 * caller has no such order (someone else's is not there for them either).
 */
export async function getOrder(
	supabase: Supabase,
	reference: string
): Promise<Result<Order | null>> {
	const normalized = normalizeReference(reference);
	if (!normalized) return ok(null);
	const { data, error, status } = await supabase
		.from('orders')
		.select(ORDER_COLUMNS)
		.eq('reference', normalized)
		.maybeSingle();
	if (error) return fail(error, status);
	if (data === null) return ok(null);
	const parsed = v.safeParse(OrderWithSeats, data);
	return parsed.success
		? ok(toOrder(parsed.output))
		: fail({ code: 'invalid_order', message: parsed.issues[0].message });
}

function toOrder(row: v.InferOutput<typeof OrderWithSeats>): Order {
	return {
		...orderSummary(row),
		event: {
			id: row.event.id,
			slug: row.event.slug,
			name: row.event.name,
			venue: row.event.venue,
			startsAt: row.event.starts_at,
			timeZone: row.event.time_zone
		},
		seats: sortSeats(
			row.order_lines.map((l) => ({
				bookingId: l.booking_id,
				seatId: l.seat_id,
				section: l.seat.section,
				row: l.seat.row_label,
				number: l.seat.number,
				category: l.seat.category,
				priceCents: l.price_cents,
				releasedAt: l.released_at
			}))
		)
	};
}

function parseSummary(data: unknown): Result<OrderSummary> {
	const parsed = v.safeParse(OrderRow, data);
	return parsed.success
		? ok(orderSummary(parsed.output))
		: fail({ code: 'invalid_order', message: parsed.issues[0].message });
}
