import pg from 'pg';
import {
	ADMIN_URL,
	createTestDatabase,
	type TestDatabase
} from '../../backend/test-support/test-database.ts';
import { Child } from './child.ts';

export type Engine = 'pglite' | 'postgres';

export interface Usage {
	cpuMs: number;
	rss: number;
	peakRss: number;
}

/** The embedded back end in a child process, on a fresh database. */
export interface BenchServer {
	engine: Engine;
	url: string;
	/** The PostgreSQL database's name (postgres engine only), for CPU readings. */
	database?: string;
	startMs: number;
	/** Owner SQL, for set-up only. */
	sql<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
	/** Server CPU time since the previous call, and its resident memory. */
	usage(): Promise<Usage>;
	rss(): Promise<number>;
	stop(): Promise<void>;
}

export async function postgresAvailable(): Promise<boolean> {
	const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
	try {
		await client.connect();
		await client.query('select 1');
		return true;
	} catch {
		return false;
	} finally {
		await client.end().catch(() => {});
	}
}

/** `profileDir`: write a V8 CPU profile of the server process there when it stops. */
export async function startServer(engine: Engine, profileDir?: string): Promise<BenchServer> {
	let database: TestDatabase | undefined;
	if (engine === 'postgres') database = await createTestDatabase();
	const child = new Child(
		new URL('./backend-child.ts', import.meta.url),
		[database?.url ?? 'memory'],
		{ execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] }
	);
	try {
		const ready = await child.waitFor<{ url: string; startMs: number }>('ready', 120_000);
		return {
			engine,
			url: ready.url,
			database: database?.name,
			startMs: ready.startMs,
			sql: (sql, params) => child.request('sql', { sql, params }),
			usage: () => child.request('usage'),
			rss: () => child.request('rss'),
			async stop() {
				await child.stop();
				await database?.drop();
			}
		};
	} catch (e) {
		await child.stop(0);
		await database?.drop();
		throw e;
	}
}
