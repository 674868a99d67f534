import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db, Queryable } from './db/types.ts';
import { splitStatements } from './sql-script.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const BOOTSTRAP_FILE = fileURLToPath(new URL('../sql/bootstrap.sql', import.meta.url));
export const MIGRATIONS_DIR = join(repoRoot, 'supabase/migrations');
export const SEED_FILE = join(repoRoot, 'supabase/seed.sql');
/** How the CLI names the seed in `supabase_migrations.seed_files`. */
const SEED_PATH = 'supabase/seed.sql';

/**
 * The role every migration and the seed run as: hosted Supabase's `postgres`, which is not a
 * superuser there (NOSUPERUSER CREATEDB CREATEROLE REPLICATION BYPASSRLS, owner of neither the auth
 * nor the realtime objects). Here `postgres` is the superuser this process connects as, so the
 * bootstrap creates this role under another name and grants it what hosted grants `postgres` (its
 * block "The migrations' role" in backend/sql/bootstrap.sql, which is also where anything hosted
 * allows `postgres` beyond grants is emulated). A migration that needs a superuser fails here as it
 * would on hosted; the bootstrap itself, Supabase's own setup, still runs as the superuser.
 */
export const MIGRATION_ROLE = 'hosted_postgres';

export interface SetupOptions {
	/** Default: the project's `supabase/migrations`. */
	migrationsDir?: string;
	/** Default: the project's `supabase/seed.sql`; a missing file is no seed. */
	seedFile?: string;
	/** Seed a brand-new database (default true). An existing database is never re-seeded. */
	seed?: boolean;
}

export interface SetupReport {
	bootstrapped: boolean;
	/** Versions applied by this call, in order. */
	applied: string[];
	seeded: boolean;
}

/**
 * Brings a database to the project's schema the way hosted Supabase plus `supabase db push` would:
 * the Supabase bootstrap if missing, then each pending migration in its own transaction, recorded
 * in `supabase_migrations.schema_migrations` exactly as the CLI records it (so the CLI and this
 * function agree on what is applied), then the seed, on a database that had no migrations yet.
 */
export async function setupDatabase(db: Db, options: SetupOptions = {}): Promise<SetupReport> {
	const { migrationsDir = MIGRATIONS_DIR, seedFile = SEED_FILE, seed = true } = options;

	// Ready: bootstrapped, including realtime.messages and the migration role's grants in this
	// database (a database bootstrapped before those existed gets the whole idempotent bootstrap
	// again).
	const { rows } = await db.query<{ ready: boolean }>(
		`select to_regclass('auth.users') is not null and to_regprocedure('auth.uid()') is not null
		        and to_regclass('realtime.messages') is not null
		        and coalesce((select has_database_privilege(r.oid, current_database(), 'CREATE')
		                      from pg_roles r where r.rolname = $1), false) as ready`,
		[MIGRATION_ROLE]
	);
	const bootstrapped = !rows[0].ready;
	if (bootstrapped) await db.exec(await readFile(BOOTSTRAP_FILE, 'utf8'));

	await db.exec(MIGRATION_HISTORY_DDL);
	const applied = new Set(
		(
			await db.query<{ version: string }>(
				'select version from supabase_migrations.schema_migrations'
			)
		).rows.map((r) => r.version)
	);
	const migrations = await listMigrations(migrationsDir);
	// As the CLI refuses "remote migration versions not found in local migrations directory": a
	// database set up from migrations that were since consolidated must be made again, not patched.
	const known = new Set(migrations.map((m) => m.version));
	const unknown = [...applied].filter((version) => !known.has(version)).sort();
	if (unknown.length > 0) {
		throw new Error(
			`the database has migrations applied that ${migrationsDir} does not have ` +
				`(${unknown.join(', ')}): set up a new database (npm start: delete .data/pglite)`
		);
	}
	const brandNew = applied.size === 0;
	// A first start cut short (Ctrl-C, a crash) after some migrations but before the seed committed
	// must still seed next time: a brand-new database records the seed as owed (empty hash) first.
	let seedOwed = brandNew;
	if (seed && brandNew) {
		await db.query(
			`insert into supabase_migrations.seed_files (path, hash) values ($1, '')
			 on conflict (path) do nothing`,
			[SEED_PATH]
		);
	} else if (seed) {
		const owed = await db.query(
			`select 1 from supabase_migrations.seed_files where path = $1 and hash = ''`,
			[SEED_PATH]
		);
		seedOwed = owed.rows.length > 0;
	}

	const appliedNow: string[] = [];
	for (const migration of migrations) {
		if (applied.has(migration.version)) continue;
		const script = await readFile(migration.path, 'utf8');
		await db
			.transaction(async (tx) => {
				await asMigrationRole(tx, script);
				await tx.query(
					`insert into supabase_migrations.schema_migrations (version, name, statements)
					 values ($1, $2, $3)`,
					[migration.version, migration.name, splitStatements(script)]
				);
			})
			.catch((e: unknown) => {
				throw new Error(`migration ${basename(migration.path)} failed: ${String(e)}`, { cause: e });
			});
		appliedNow.push(migration.version);
	}

	let seeded = false;
	if (seed && seedOwed) {
		const script = await readFile(seedFile, 'utf8').catch(() => undefined);
		if (script === undefined) {
			await db.query(`delete from supabase_migrations.seed_files where path = $1 and hash = ''`, [
				SEED_PATH
			]);
		} else {
			const seeding = db.transaction(async (tx) => {
				await asMigrationRole(tx, script);
				await tx.query(
					`insert into supabase_migrations.seed_files (path, hash) values ($1, $2)
					 on conflict (path) do update set hash = excluded.hash`,
					[SEED_PATH, createHash('sha256').update(script).digest('hex')]
				);
			});
			await seeding.catch((e: unknown) => {
				throw new Error(`seed ${basename(seedFile)} failed: ${String(e)}`, { cause: e });
			});
			seeded = true;
		}
	}

	return { bootstrapped, applied: appliedNow, seeded };
}

/**
 * Runs `script` as MIGRATION_ROLE inside the caller's transaction, then returns to the connecting
 * role for the history tables, which belong to the runner (as the CLI's do), not to the project.
 */
async function asMigrationRole(tx: Queryable, script: string) {
	await tx.exec(`set local role ${MIGRATION_ROLE}`);
	await tx.exec(script);
	await tx.exec('reset role');
}

export interface Migration {
	version: string;
	name: string;
	path: string;
}

/** `<version>_<name>.sql` files, in version order, as the CLI reads `supabase/migrations`. */
export async function listMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
	const files = await readdir(dir).catch(() => [] as string[]);
	return files
		.map((file) => /^(\d+)_(.*)\.sql$/.exec(file))
		.filter((m) => m !== null)
		.map((m) => ({ version: m[1], name: m[2], path: join(dir, m[0]) }))
		.sort((a, b) => a.version.localeCompare(b.version));
}

/** The Supabase CLI's own history tables (pkg/migration/history.go), created the same way. */
const MIGRATION_HISTORY_DDL = `
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
alter table supabase_migrations.schema_migrations add column if not exists statements text[];
alter table supabase_migrations.schema_migrations add column if not exists name text;
create table if not exists supabase_migrations.seed_files (path text not null primary key, hash text not null);
`;
