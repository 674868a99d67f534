import { describe } from 'vitest';
import type { Db, Queryable } from '../../backend/src/db/types.ts';
import { decodeSeatMap } from '../../src/lib/domain/seat-map-wire.ts';
import { ENGINES, createEvent, dbTest } from './helpers.ts';

/** What the API hands out, and what the seats say now, as text. */
async function maps(db: Queryable, eventId: number) {
	const { rows } = await db.query<{ served: string; built: string; stored: string | null }>(
		`select public.seat_map($1)::text as served, private.build_seat_map($1)::text as built,
		        (select layout::text from private.seat_maps where event_id = $1) as stored`,
		[eventId]
	);
	return rows[0];
}

const prices = async (db: Queryable, eventId: number) =>
	Array.from(decodeSeatMap(JSON.parse((await maps(db, eventId)).served)).price_cents);

const setPrice = (tx: Queryable, eventId: number, from: number, to: number, cents: number) =>
	tx.query(
		`update public.seats set price_cents = $4
		 where id in (select id from public.seats where event_id = $1 order by id offset $2 limit $3)`,
		[eventId, from, to - from, cents]
	);

describe.each(ENGINES)('stored seat maps on %s', { timeout: 60_000 }, (engine) => {
	const it = dbTest(engine);

	it('a committed edit of the seats is in the stored map the API hands out', async ({
		db,
		expect
	}) => {
		const event = await createEvent(db, { seats: 6 });
		expect((await maps(db, event.id)).stored).toBe((await maps(db, event.id)).built);
		await db.transaction((tx) => setPrice(tx, event.id, 0, 3, 500));
		const after = await maps(db, event.id);
		expect(after.stored).toBe(after.built);
		expect(await prices(db, event.id)).toEqual([500, 500, 500, 1000, 1000, 1000]);
	});

	it('the map the API hands out decodes to every seat as the table holds it', async ({
		db,
		expect
	}) => {
		const event = await createEvent(db, { rows: 3, seats: 12 });
		// Gaps in the ids and numbers, a row's seats out of step, every kind of mark, odd positions.
		await db.transaction(async (tx) => {
			await tx.query(`delete from public.seats where id in ($1, $2, $3)`, [
				event.seatIds[4],
				event.seatIds[5],
				event.seatIds[30]
			]);
			await tx.query(
				`update public.seats set
				   accessibility = case when number = 1 then 'wheelchair' when number = 2 then 'companion' end,
				   restricted_view = number > 10, category = case when row_label = 'B' then 'upper' else category end,
				   price_cents = price_cents + (number % 3) * 100, section = case when number > 6 then 'East' else section end,
				   number = case when row_label = 'C' then 100 - number else number end,
				   x = x * 1.37 - 512.3456, y = -y * 0.91 + 0.004
				 where event_id = $1`,
				[event.id]
			);
		});
		const seats = await db.query<Record<string, unknown>>(
			`select id, section, row_label, number, x, y, category, price_cents, accessibility, restricted_view
			 from public.seats where event_id = $1 order by id`,
			[event.id]
		);
		const decoded = decodeSeatMap(JSON.parse((await maps(db, event.id)).served));
		expect(decoded.id.length).toBe(33);
		seats.rows.forEach((seat, i) => {
			const { x, y, id, ...rest } = seat;
			expect({
				id: decoded.id[i],
				section: decoded.section[i],
				row_label: decoded.row_label[i],
				number: decoded.number[i],
				category: decoded.category[i],
				price_cents: decoded.price_cents[i],
				accessibility: decoded.accessibility[i],
				restricted_view: decoded.restricted_view[i]
			}).toEqual({ id: Number(id), ...rest });
			expect(Math.abs(decoded.x[i] - (x as number))).toBeLessThan(0.006);
			expect(Math.abs(decoded.y[i] - (y as number))).toBeLessThan(0.006);
		});
	});

	if (engine === 'pglite') return;

	it('two transactions editing one event: readers see neither until each commits, and the map ends with both', async ({
		db,
		expect
	}) => {
		const event = await createEvent(db, { seats: 6 });
		let releaseFirst!: () => void;
		const firstMayCommit = new Promise<void>((r) => (releaseFirst = r));
		let firstEdited!: () => void;
		const edited = new Promise<void>((r) => (firstEdited = r));
		const first = db.transaction(async (tx) => {
			await setPrice(tx, event.id, 0, 3, 500);
			firstEdited();
			await firstMayCommit;
		});
		await edited;
		let secondDone = false;
		const second = db
			.transaction((tx) => setPrice(tx, event.id, 3, 6, 700))
			.then(() => (secondDone = true));
		await new Promise((r) => setTimeout(r, 200));
		// The second waits for the first (one rebuild of a map at a time); readers see the old map.
		expect(secondDone).toBe(false);
		expect(await prices(db as Db, event.id)).toEqual(Array(6).fill(1000));
		releaseFirst();
		await Promise.all([first, second]);
		const after = await maps(db, event.id);
		expect(after.stored).toBe(after.built);
		expect(await prices(db, event.id)).toEqual([500, 500, 500, 700, 700, 700]);
	});
});
