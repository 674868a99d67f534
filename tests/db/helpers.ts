/**
 * What the database tests share: fresh migrated databases per test, users and events laid out as
 * the app's own signup and venue builder make them, and races between real connections.
 */
import { randomUUID } from 'node:crypto';
import { test } from 'vitest';
import { openPostgres } from '../../backend/src/db/postgres.ts';
import { openTestDb, type Engine, type TestDb } from '../../backend/test-support/databases.ts';
import { asCaller } from '../../backend/test-support/callers.ts';
import { isPgError, type Db } from '../../backend/src/db/types.ts';
import type { SetupOptions } from '../../backend/src/migrate.ts';

export { ENGINES } from '../../backend/test-support/databases.ts';

/** The SQLSTATE a promise fails with, or 'ok'. Anything that is not a database error is rethrown. */
export async function outcome(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
		return 'ok';
	} catch (e) {
		if (isPgError(e)) return e.code;
		throw e;
	}
}

/** Inserts users into auth.users as GoTrue does for anonymous sign-ins (as the owner). */
export async function createUsers(db: Db, count: number): Promise<{ id: string }[]> {
	const { rows } = await db.query<{ id: string }>(
		`insert into auth.users (instance_id, id, aud, role, raw_app_meta_data, raw_user_meta_data,
		                         is_anonymous, created_at, updated_at)
		 select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated',
		        'authenticated', '{"provider": "anonymous", "providers": ["anonymous"]}',
		        jsonb_build_object('display_name', 'guest ' || n), true, now(), now()
		 from generate_series(1, $1::int) as n
		 returning id`,
		[count]
	);
	return rows;
}

export async function createUser(db: Db) {
	return (await createUsers(db, 1))[0];
}

let eventCounter = 0;

/** An event with one section of `rows` × `seats`, laid out by the project's venue helper. */
export async function createEvent(
	db: Db,
	{ rows = 1, seats = 10, maxSeatsPerUser = 8 } = {}
): Promise<{ id: number; seatIds: number[] }> {
	const slug = `test-${++eventCounter}-${randomUUID().slice(0, 8)}`;
	const { rows: created } = await db.query<{ id: number }>(
		`select public.create_venue_event(
			slug => $1, name => 'Test event', venue => 'Test venue', starts_at => now() + interval '1 day',
			max_seats_per_user => $2,
			sections => jsonb_build_array(jsonb_build_object(
				'name', 'Main', 'rows', $3::int, 'seats', $4::int, 'price_cents', 1000))
		) as id`,
		[slug, maxSeatsPerUser, rows, seats]
	);
	const id = created[0].id;
	const seatRows = await db.query<{ id: number }>(
		'select id from seats where event_id = $1 order by id',
		[id]
	);
	return { id, seatIds: seatRows.rows.map((r) => r.id) };
}

/**
 * `it` with a fresh, migrated database in each test's context (PostgreSQL: a new database;
 * PGlite: a clone), closed and dropped after it. (Running such tests concurrently was measured
 * slower on 2 cores: the work is CPU-bound either way.)
 */
export function dbTest(engine: Engine, options: SetupOptions = { seed: false }) {
	return test.extend<{ testDb: TestDb; db: Db; url: string | undefined }>({
		// eslint-disable-next-line no-empty-pattern
		testDb: async ({}, use) => {
			const testDb = await openTestDb(engine, options);
			try {
				await use(testDb);
			} finally {
				await testDb.close();
			}
		},
		db: async ({ testDb }, use) => use(testDb.db),
		url: async ({ testDb }, use) => use(testDb.url)
	});
}

/** Resolves for everyone once `count` callers arrived: lines up concurrent transactions. */
export function barrier(count: number) {
	let arrived = 0;
	let release!: () => void;
	const open = new Promise<void>((resolve) => (release = resolve));
	return () => {
		if (++arrived === count) release();
		return open;
	};
}

/**
 * On PostgreSQL every caller gets its own connection and all transactions are lined up at a
 * barrier after `BEGIN` + claims, so the inserts really race. PGlite has one connection: the same
 * requests are serialized by its queue (no barrier, it would deadlock), which must give the same
 * outcome.
 */
export async function race(
	db: Db,
	url: string | undefined,
	attempts: { caller: { id: string }; sql: string; params: unknown[] }[]
): Promise<string[]> {
	if (url) await expectConnections(db, attempts.length + 10);
	const racer = url ? await openPostgres(url, { max: attempts.length }) : db;
	const arrive = url ? barrier(attempts.length) : async () => {};
	try {
		return await Promise.all(
			attempts.map(({ caller, sql, params }) =>
				outcome(
					asCaller(racer, caller, async (tx) => {
						await arrive();
						return tx.query(sql, params);
					})
				)
			)
		);
	} finally {
		if (racer !== db) await racer.close();
	}
}

/** Fails with the fix instead of a pile of 53300 "too many clients" outcomes. */
async function expectConnections(db: Db, needed: number) {
	const { rows } = await db.query<{ max: number }>(
		`select current_setting('max_connections')::int as max`
	);
	if (rows[0].max < needed) {
		throw new Error(
			`PostgreSQL allows ${rows[0].max} connections, this test needs ${needed}: ` +
				`run "alter system set max_connections = 1000" and restart the server (two test files race at once)`
		);
	}
}
