import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP_FILE, setupDatabase } from '../migrate.ts';
import { DbError } from './errors.ts';
import { openDb } from './open.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import { createTestDatabase, type TestDatabase } from '../../test-support/test-database.ts';
import type { Db } from './types.ts';

let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'db-spec-'));
	await writeFile(
		join(dir, '20250101000000_things.sql'),
		`create table things (id int primary key, name text not null);
		 create function notify_thing() returns trigger language plpgsql as $$
		 begin perform pg_notify('things:changes', new.name); return new; end $$;
		 create trigger things_notify after insert on things for each row execute function notify_thing();`
	);
	await writeFile(join(dir, 'seed.sql'), `insert into things values (1, 'seeded');`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const engines: Record<Db['engine'], () => Promise<{ db: Db; done(): Promise<void> }>> = {
	async postgres() {
		const database: TestDatabase = await createTestDatabase();
		const db = await openPostgres(database.url);
		return {
			db,
			async done() {
				await db.close();
				await database.drop();
			}
		};
	},
	async pglite() {
		const db = await openPglite();
		return { db, done: () => db.close() };
	}
};

describe.each(Object.keys(engines) as Db['engine'][])('%s', (engine) => {
	let db: Db;
	let done: () => Promise<void>;
	beforeAll(async () => {
		({ db, done } = await engines[engine]());
		await setupDatabase(db, { migrationsDir: dir, seedFile: join(dir, 'seed.sql') });
	}, 30_000);
	afterAll(() => done());

	it('applies bootstrap, migrations and seed once, recorded as the CLI records them', async () => {
		// The bootstrap is safe to run again (it only creates what is missing).
		await db.exec(await readFile(BOOTSTRAP_FILE, 'utf8'));
		const again = await setupDatabase(db, { migrationsDir: dir, seedFile: join(dir, 'seed.sql') });
		expect(again).toEqual({ bootstrapped: false, applied: [], seeded: false });
		const { rows } = await db.query(
			'select version, name, array_length(statements, 1) as n from supabase_migrations.schema_migrations'
		);
		expect(rows).toEqual([{ version: '20250101000000', name: 'things', n: 3 }]);
		expect((await db.query('select name from things')).rows).toEqual([{ name: 'seeded' }]);
		const roles = await db.query<{ rolname: string; rolbypassrls: boolean }>(
			`select rolname, rolbypassrls from pg_roles
			 where rolname in ('anon', 'authenticated', 'service_role', 'authenticator') order by 1`
		);
		expect(roles.rows.map((r) => [r.rolname, r.rolbypassrls])).toEqual([
			['anon', false],
			['authenticated', false],
			['authenticator', false],
			['service_role', true]
		]);
	});

	it('returns bigint as number and the same field shape on both engines', async () => {
		const r = await db.query('select 1::bigint as id, $1::text as t', ['x']);
		expect(r).toEqual({
			rows: [{ id: 1, t: 'x' }],
			fields: [
				{ name: 'id', dataTypeID: 20 },
				{ name: 't', dataTypeID: 25 }
			],
			rowCount: 1
		});
	});

	it('commits a transaction and rolls one back when it throws', async () => {
		await db.transaction((tx) => tx.query(`insert into things values (2, 'two')`));
		await expect(
			db.transaction(async (tx) => {
				await tx.query(`insert into things values (3, 'three')`);
				throw new Error('nope');
			})
		).rejects.toThrow('nope');
		const ids = await db.query('select id from things order by id');
		expect(ids.rows).toEqual([{ id: 1 }, { id: 2 }]);
	});

	it('raises server errors as DbError with the same fields on both engines', async () => {
		const error = await db.query(`insert into things values (1, 'dup')`).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DbError);
		expect({ ...(error as DbError), message: (error as DbError).message }).toEqual({
			name: 'DbError',
			code: '23505',
			message: 'duplicate key value violates unique constraint "things_pkey"',
			detail: 'Key (id)=(1) already exists.',
			constraint: 'things_pkey',
			schema: 'public',
			table: 'things',
			severity: 'ERROR'
		});
	});

	it('delivers notifications after commit, not after rollback, until unlisten', async () => {
		const received: string[] = [];
		let arrived: () => void;
		const delivered = new Promise<void>((resolve) => (arrived = resolve));
		const unlisten = await db.listen('things:changes', (payload) => {
			received.push(payload);
			arrived();
		});
		await db
			.transaction(async (tx) => {
				await tx.query(`insert into things values (10, 'rolled back')`);
				throw new Error('rollback');
			})
			.catch(() => {});
		await db.query(`insert into things values (11, 'eleven')`);
		await delivered;
		await unlisten();
		await db.query(`insert into things values (12, 'after unlisten')`);
		// A round trip after the insert: any notification for it would have been delivered by now.
		await db.query('select 1');
		expect(received).toEqual(['eleven']);
	});

	it('refuses (PGlite) or runs apart (Postgres) a db query issued inside a transaction', async () => {
		const inner = await db
			.transaction(() => db.query('select 1 as one'))
			.then(
				(r) => r.rows,
				(e: Error) => e.message
			);
		expect(inner).toEqual(
			engine === 'pglite'
				? 'PGlite: inside db.transaction(fn), query through fn’s argument, not db'
				: [{ one: 1 }]
		);
	});

	// PGlite has no connection to lose.
	if (engine === 'postgres')
		it('listens again after the listening connection is lost', async () => {
			let heard: () => void;
			const back = new Promise<void>((resolve) => (heard = resolve));
			const unlisten = await db.listen('reconnect', (payload) => {
				if (payload === 'after') heard();
			});
			const killed = await db.query<{ n: number }>(
				`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
				 where datname = current_database() and query ilike 'listen%'`
			);
			expect(killed.rows).toEqual([{ n: 1 }]);
			// Notify until the new connection hears it; the deadline is the test timeout.
			let waiting = true;
			void back.then(() => (waiting = false));
			while (waiting) {
				await db.query(`select pg_notify('reconnect', 'after')`);
				await Promise.race([back, new Promise((resolve) => setTimeout(resolve, 50))]);
			}
			await unlisten();
		}, 15_000);

	it('never interleaves a query into another caller’s open transaction', async () => {
		let release: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		const tx = db.transaction(async (t) => {
			await t.query(`insert into things values (20, 'in tx')`);
			await held;
			throw new Error('rollback');
		});
		const outside = db.query('select count(*)::int as n from things where id = 20');
		release!();
		await expect(tx).rejects.toThrow('rollback');
		expect((await outside).rows).toEqual([{ n: 0 }]);
	});

	it('runs a batch as one transaction: settings reach the next statement, a failure undoes all', async () => {
		const [set, seen, count] = await db.batch([
			{ sql: `select set_config('app.who', $1, true) as v`, params: ['batch'] },
			{ sql: `select current_setting('app.who', true) as who` },
			{ sql: `insert into things values (30, $1), (31, $1)`, params: ['b'] }
		]);
		expect([set.rows, seen.rows, count.rowCount]).toEqual([
			[{ v: 'batch' }],
			[{ who: 'batch' }],
			2
		]);
		// Transaction-local: gone once the batch committed ('' where the name was seen before).
		const [after] = await db.batch([{ sql: `select current_setting('app.who', true) as who` }]);
		expect(after.rows[0].who ?? '').toBe('');
		const error = await db
			.batch([
				{ sql: `insert into things values (32, $1)`, params: ['kept?'] },
				{ sql: `insert into things values (30, $1)`, params: ['dup'] },
				{ sql: `insert into things values (33, $1)`, params: ['never'] }
			])
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DbError);
		expect((error as DbError).code).toBe('23505');
		const ids = await db.query<{ id: number }>('select id from things where id >= 30 order by id');
		expect(ids.rows).toEqual([{ id: 30 }, { id: 31 }]);
	});

	it('reuses prepared statements, also after a batch failed before parsing one', async () => {
		const sql = 'select $1::int + 1 as n';
		for (let i = 0; i < 3; i++) {
			const [r] = await db.batch([{ sql, params: [String(i)], prepare: true }]);
			expect(r.rows).toEqual([{ n: i + 1 }]);
		}
		const fresh = 'select $1::text as t';
		await expect(
			db.batch([
				{ sql: 'select 1/0', prepare: true },
				{ sql: fresh, params: ['x'], prepare: true }
			])
		).rejects.toMatchObject({ code: '22012' });
		const [again] = await db.batch([{ sql: fresh, params: ['y'], prepare: true }]);
		expect(again.rows).toEqual([{ t: 'y' }]);
		// Someone drops every prepared statement of the connection(s): the next batch prepares anew.
		await db.batch([{ sql: 'deallocate all' }]);
		const [after] = await db.batch([{ sql: fresh, params: ['z'], prepare: true }]);
		expect(after.rows).toEqual([{ t: 'z' }]);
	});

	it('takes non-text parameters in a batch and in a transaction', async () => {
		const [r] = await db.batch([
			{ sql: 'select $1::int as n, $2::jsonb as j', params: [7, { a: 1 }] }
		]);
		expect(r.rows).toEqual([{ n: 7, j: { a: 1 } }]);
		const rows = await db.transaction(async (tx) => {
			await tx.query('insert into things values ($1, $2)', [40, 'forty']);
			return (await tx.query('select name from things where id = $1', [40])).rows;
		});
		expect(rows).toEqual([{ name: 'forty' }]);
	});

	it('opens a transaction with its first batch and rolls the batch back with it', async () => {
		await expect(
			db.transaction(async (tx) => {
				const [r] = await tx.batch([
					{ sql: `insert into things values (50, $1) returning name`, params: ['fifty'] }
				]);
				expect(r.rows).toEqual([{ name: 'fifty' }]);
				const [inside] = await tx.batch([
					{ sql: 'select count(*)::int as n from things where id = 50' }
				]);
				expect(inside.rows).toEqual([{ n: 1 }]);
				throw new Error('undo');
			})
		).rejects.toThrow('undo');
		expect((await db.query('select count(*)::int as n from things where id = 50')).rows).toEqual([
			{ n: 0 }
		]);
		// A transaction that ran nothing commits nothing and leaves the connection usable.
		expect(await db.transaction(async () => 'nothing')).toBe('nothing');
		expect((await db.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
	});
});

describe('openDb', () => {
	it('opens in-memory PGlite for "memory" and a pool for a postgres:// URL', async () => {
		const database = await createTestDatabase();
		const [memory, server] = await Promise.all([openDb('memory'), openDb(database.url)]);
		try {
			expect([memory.engine, server.engine]).toEqual(['pglite', 'postgres']);
			expect((await server.query('select current_database() as db')).rows).toEqual([
				{ db: database.name }
			]);
		} finally {
			await Promise.all([memory.close(), server.close()]);
			await database.drop();
		}
	}, 30_000);
});
