import { mkdir } from 'node:fs/promises';
import { createBackend, type Backend, type BackendOptions } from './backend.ts';
import { openDb } from './db/open.ts';
import type { Db } from './db/types.ts';
import { setupDatabase, type SetupReport } from './migrate.ts';
import { readProjectConfig } from './project-config.ts';

export interface Embedded {
	backend: Backend;
	db: Db;
	setup: SetupReport;
	/** Stops the back end (in-flight requests finish), then closes the database. */
	close(): Promise<void>;
}

export const DEFAULT_DATA_DIR = '.data/pglite';

const isPostgresUrl = (spec: string) => /^postgres(ql)?:\/\//.test(spec);

export function describeDb(spec: string): string {
	if (spec === 'memory') return 'an in-memory PGlite database';
	return isPostgresUrl(spec) ? 'PostgreSQL' : `PGlite (${spec})`;
}

/**
 * Opens the database named by `spec` ('memory', a PGlite data directory or a postgres:// URL),
 * applies the bootstrap, pending migrations and (on a new database) the seed, and starts the back
 * end on it, configured by `supabase/config.toml` like the CLI stack. The one way every entry point
 * (CLI, Vite dev server, production server) starts it.
 */
export async function startEmbedded(
	spec: string = DEFAULT_DATA_DIR,
	options: Omit<BackendOptions, 'db'> = {}
): Promise<Embedded> {
	if (spec !== 'memory' && !isPostgresUrl(spec)) await mkdir(spec, { recursive: true });
	const db = await openDb(spec);
	try {
		const setup = await setupDatabase(db);
		// supabase/config.toml first, so explicit options win over the project's file.
		const backend = createBackend({ ...(await readProjectConfig()), ...options, db });
		await backend.ready;
		return {
			backend,
			db,
			setup,
			async close() {
				await backend.close();
				await db.close();
			}
		};
	} catch (e) {
		await db.close();
		throw e;
	}
}
