import { describe } from 'vitest';
import type { Db, Queryable } from '../../backend/src/db/types.ts';
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
	JSON.parse((await maps(db, eventId)).served).price_cents as number[];

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
		expect(JSON.parse(after.served).price_cents).toEqual([500, 500, 500, 1000, 1000, 1000]);
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
		expect(JSON.parse(after.served).price_cents).toEqual([500, 500, 500, 700, 700, 700]);
	});
});
