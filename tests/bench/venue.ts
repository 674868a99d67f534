import type { BenchServer } from './server.ts';

export interface BenchEvent {
	id: number;
	slug: string;
	/** Seat ids in layout order. */
	seatIds: number[];
}

let serial = 0;

/**
 * A fresh event of `seats` seats (rows of 50) laid out by the migrations' own venue builder, run
 * as the owner: API roles may not create events.
 */
export async function createEvent(
	server: BenchServer,
	seats: number,
	{ maxSeatsPerUser = 100, label = 'bench' }: { maxSeatsPerUser?: number; label?: string } = {}
): Promise<BenchEvent> {
	const perRow = Math.min(50, seats);
	const rows = Math.ceil(seats / perRow);
	const slug = `${label}-${Date.now().toString(36)}-${++serial}`;
	const [{ id }] = await server.sql<{ id: string }>(
		`select public.create_venue_event(
			slug => $1, name => $1, venue => 'Bench Hall', starts_at => now() + interval '30 days',
			max_seats_per_user => $2,
			sections => jsonb_build_array(jsonb_build_object(
				'name', 'Main', 'rows', $3::int, 'seats', $4::int, 'price_cents', 1000))
		) as id`,
		[slug, maxSeatsPerUser, rows, perRow]
	);
	const rowsOut = await server.sql<{ id: string }>(
		'select id from public.seats where event_id = $1 order by id limit $2',
		[id, seats]
	);
	return { id: Number(id), slug, seatIds: rowsOut.map((r) => Number(r.id)) };
}
