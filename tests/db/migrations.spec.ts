/**
 * setupDatabase applies the project's migrations and seed as hosted Supabase would: as a role with
 * hosted `postgres`'s attributes, not as the superuser the tests connect as, so a migration that
 * only a superuser could run fails here too instead of first failing on hosted.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { MIGRATIONS_DIR, MIGRATION_ROLE, setupDatabase } from '../../backend/src/migrate.ts';
import { ENGINES, dbTest } from './helpers.ts';

/** A copy of the project's migrations plus `extra` as the last one. */
async function migrationsWith(extra: string): Promise<{ dir: string; remove(): Promise<void> }> {
	const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
	await cp(MIGRATIONS_DIR, dir, { recursive: true });
	await writeFile(join(dir, '20261201999999_needs_a_superuser.sql'), extra);
	return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

describe.each(ENGINES)('migrations on %s', { timeout: 60_000 }, (engine) => {
	const it = dbTest(engine, { seed: true });

	it('run as a role with hosted postgres’s attributes that owns the schema but not auth', async ({
		db,
		expect
	}) => {
		const { rows: role } = await db.query(
			`select rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls
			 from pg_roles where rolname = $1`,
			[MIGRATION_ROLE]
		);
		expect(role).toEqual([
			{
				rolsuper: false,
				rolcreatedb: true,
				rolcreaterole: true,
				rolreplication: true,
				rolbypassrls: true
			}
		]);
		const { rows: owners } = await db.query<{ object: string; owner: string }>(
			`select c.oid::regclass::text as object, pg_get_userbyid(c.relowner) as owner
			 from pg_class c where c.oid in ('public.bookings'::regclass, 'auth.users'::regclass)
			 union all
			 select p.oid::regprocedure::text, pg_get_userbyid(p.proowner) from pg_proc p
			 where p.oid in ('public.best_available(bigint, text, int, boolean)'::regprocedure,
			                 'auth.uid()'::regprocedure)
			 union all
			 select pubname, pg_get_userbyid(pubowner) from pg_publication where pubname = 'supabase_realtime'`
		);
		owners.sort((a, b) => (a.object < b.object ? -1 : 1));
		expect(owners).toEqual([
			{ object: 'auth.uid()', owner: expect.not.stringMatching(MIGRATION_ROLE) },
			{ object: 'auth.users', owner: expect.not.stringMatching(MIGRATION_ROLE) },
			{ object: 'best_available(bigint,text,integer,boolean)', owner: MIGRATION_ROLE },
			{ object: 'bookings', owner: MIGRATION_ROLE },
			{ object: 'supabase_realtime', owner: MIGRATION_ROLE }
		]);
		// The seed ran too (as the same role: create_venue_event is executable by its owner only).
		expect((await db.query('select count(*)::int as n from events')).rows).toEqual([{ n: 4 }]);
	});

	it.for([
		[
			'takes over an auth table',
			'alter table auth.users owner to hosted_postgres;',
			/must be owner/
		],
		[
			'makes itself a superuser',
			'alter role hosted_postgres superuser;',
			/superuser|permission denied/
		],
		[
			'runs a program on the server',
			`copy (select 1) to program 'true';`,
			/pg_execute_server_program|superuser/
		]
	] as const)(
		'refuses a migration that %s, as hosted would, and records nothing of it',
		async ([, sql, message], { db, expect }) => {
			const migrations = await migrationsWith(sql);
			try {
				const setup = setupDatabase(db, { migrationsDir: migrations.dir });
				await expect(setup).rejects.toThrow(
					/migration 20261201999999_needs_a_superuser\.sql failed/
				);
				await expect(setup).rejects.toMatchObject({ cause: { message } });
			} finally {
				await migrations.remove();
			}
			const { rows } = await db.query(
				`select (select count(*)::int from supabase_migrations.schema_migrations
				         where version = '20261201999999') as recorded,
				        (select pg_get_userbyid(relowner) from pg_class where oid = 'auth.users'::regclass) as owner,
				        (select rolsuper from pg_roles where rolname = $1) as superuser`,
				[MIGRATION_ROLE]
			);
			expect(rows).toEqual([{ recorded: 0, owner: 'postgres', superuser: false }]);
		}
	);

	it('refuses a database that records migrations the directory no longer has', async ({
		db,
		expect
	}) => {
		await db.query(
			`insert into supabase_migrations.schema_migrations (version, name) values ('20260101000000', 'gone')`
		);
		await expect(setupDatabase(db)).rejects.toThrow(/20260101000000.*set up a new database/);
	});
});
