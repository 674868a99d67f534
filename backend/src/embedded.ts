import { mkdir } from 'node:fs/promises';
import { createBackend, type Backend, type BackendOptions } from './backend.ts';
import { openDb } from './db/open.ts';
import type { Db } from './db/types.ts';
import type { KeySet } from './http/credentials.ts';
import { localDevelopmentKeys } from './keys.ts';
import { setupDatabase, type SetupReport } from './migrate.ts';
import { readProjectConfig } from './project-config.ts';
import { keysFromEnvironment, productionKeys } from './secrets.ts';

export interface Embedded {
	backend: Backend;
	db: Db;
	setup: SetupReport;
	/** Where the JWT secret came from, for the start-up message (never the secret). */
	keySource: string;
	/** Stops the back end (in-flight requests finish), then closes the database. */
	close(): Promise<void>;
}

export interface EmbeddedOptions extends Omit<BackendOptions, 'db' | 'jwtSecret' | 'keys'> {
	/**
	 * Which secret signs tokens, with no default so that no entry point ends up on a published one
	 * by omission: `'local-development'` for the CLI's well-known local keys (`npm run dev`,
	 * `npm run backend`, tests), `'production'` for the environment's or a generated secret kept
	 * with the data (`npm start`; see secrets.ts), or a key set of the caller's own.
	 */
	keys: 'local-development' | 'production' | KeySet;
	/** Where `'production'` keys and `GOTRUE_*` overrides are read. Default `process.env`. */
	env?: Record<string, string | undefined>;
}

export const DEFAULT_DATA_DIR = '.data/pglite';

/** GoTrue's default `GOTRUE_RATE_LIMIT_ANONYMOUS_USERS`: anonymous sign-ins per IP and hour. */
export const DEFAULT_ANONYMOUS_SIGN_INS_PER_HOUR = 30;

const isPostgresUrl = (spec: string) => /^postgres(ql)?:\/\//.test(spec);

export function describeDb(spec: string): string {
	if (spec === 'memory') return 'an in-memory PGlite database';
	return isPostgresUrl(spec) ? 'PostgreSQL' : `PGlite (${spec})`;
}

/**
 * Opens the database named by `spec` ('memory', a PGlite data directory or a postgres:// URL),
 * applies the bootstrap, pending migrations and (on a new database) the seed, and starts the back
 * end on it, configured by `supabase/config.toml` like the CLI stack (then `GOTRUE_*` environment
 * overrides, then `options`). The one way every entry point (CLI, Vite dev server, production
 * server) starts it.
 */
export async function startEmbedded(
	spec: string = DEFAULT_DATA_DIR,
	{ keys: choice, env = process.env, ...options }: EmbeddedOptions
): Promise<Embedded> {
	// A bad secret in the environment stops the start before any data is touched.
	const fromEnv = choice === 'production' ? keysFromEnvironment(env) : undefined;
	if (spec !== 'memory' && !isPostgresUrl(spec)) await mkdir(spec, { recursive: true });
	const db = await openDb(spec);
	try {
		const setup = await setupDatabase(db);
		let keys: KeySet;
		let keySource: string;
		if (choice === 'local-development') {
			keys = localDevelopmentKeys();
			keySource = "the CLI's local development keys";
		} else if (choice === 'production') {
			({ keys, source: keySource } = fromEnv ?? (await productionKeys(spec, db, env)));
		} else {
			keys = choice;
			keySource = 'keys given by the caller';
		}
		const { jwtSecret, ...apiKeys } = keys;
		const backend = createBackend({
			anonymousSignInsPerHour: DEFAULT_ANONYMOUS_SIGN_INS_PER_HOUR,
			...(await readProjectConfig(undefined, env)),
			...options,
			jwtSecret,
			keys: apiKeys,
			db
		});
		await backend.ready;
		return {
			backend,
			db,
			setup,
			keySource,
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
