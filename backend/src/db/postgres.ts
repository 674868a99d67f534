import pg from 'pg';
import { normalizeError } from './errors.ts';
import type { Db, Queryable, Result } from './types.ts';

export interface PostgresOptions {
	/** Pool size; 8 is the measured sweet spot on a 2-core machine. */
	max?: number;
}

export interface PostgresDb extends Db {
	readonly engine: 'postgres';
}

const INT8 = 20;
const INT8_ARRAY = 1016;

/**
 * node-postgres returns bigint as a string and PGlite as a number; ids here stay far below 2^53, so
 * both engines hand out numbers.
 */
const builtinParser = pg.types.getTypeParser as (oid: number, format?: string) => unknown;
const parseInt8Array = builtinParser(INT8_ARRAY, 'text') as (value: string) => (string | null)[];
const types = {
	getTypeParser(oid: number, format?: string) {
		if (oid === INT8) return (value: string) => Number(value);
		if (oid === INT8_ARRAY) {
			return (value: string) => parseInt8Array(value).map((v) => (v === null ? v : Number(v)));
		}
		return builtinParser(oid, format);
	}
} as pg.CustomTypesConfig;

export async function openPostgres(
	url: string,
	options: PostgresOptions = {}
): Promise<PostgresDb> {
	const pool = new pg.Pool({ connectionString: url, max: options.max ?? 8, types });
	// An idle client that loses its connection (server restart, dropped database) emits here; the
	// pool replaces it on next use, and without a listener the process would crash.
	pool.on('error', () => {});
	// Fail fast on a wrong URL instead of on the first request.
	await pool.query('select 1').catch((e: unknown) => {
		void pool.end();
		throw e;
	});

	const listener = new Listener(url);

	return {
		engine: 'postgres',
		query: (sql, params) => run(pool, sql, params),
		async exec(sql) {
			await run(pool, sql);
		},
		async transaction(fn) {
			const client = await pool.connect();
			const tx: Queryable = {
				query: (sql, params) => run(client, sql, params),
				async exec(sql) {
					await run(client, sql);
				}
			};
			try {
				await client.query('begin');
				const result = await fn(tx);
				await client.query('commit');
				client.release();
				return result;
			} catch (e) {
				try {
					await client.query('rollback');
					client.release();
				} catch (rollbackError) {
					// The connection is broken: throw it away rather than return it to the pool.
					client.release(rollbackError as Error);
				}
				throw normalizeError(e);
			}
		},
		listen: (channel, onPayload) => listener.listen(channel, onPayload),
		async close() {
			await listener.close();
			await pool.end();
		}
	};
}

async function run<Row>(
	target: pg.Pool | pg.PoolClient,
	sql: string,
	params?: unknown[]
): Promise<Result<Row>> {
	try {
		const r = await target.query(sql, params);
		// A multi-statement script answers with one result per statement.
		const last = Array.isArray(r) ? (r.at(-1) as pg.QueryResult) : r;
		return {
			rows: last.rows as Row[],
			fields: last.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
			rowCount: last.rowCount ?? last.rows.length
		};
	} catch (e) {
		throw normalizeError(e);
	}
}

/**
 * LISTEN needs a connection of its own that never goes back to the pool, or notifications would
 * stop when the pool hands that connection to someone else.
 */
class Listener {
	#url: string;
	#client: Promise<pg.Client> | undefined;
	#handlers = new Map<string, Set<(payload: string) => void>>();

	constructor(url: string) {
		this.#url = url;
	}

	async listen(channel: string, onPayload: (payload: string) => void) {
		const client = await this.#connect();
		let handlers = this.#handlers.get(channel);
		if (!handlers) {
			handlers = new Set();
			this.#handlers.set(channel, handlers);
			await client.query(`listen ${pg.escapeIdentifier(channel)}`);
		}
		handlers.add(onPayload);
		return async () => {
			handlers.delete(onPayload);
			if (handlers.size === 0 && this.#handlers.get(channel) === handlers) {
				this.#handlers.delete(channel);
				await client.query(`unlisten ${pg.escapeIdentifier(channel)}`);
			}
		};
	}

	async close() {
		const client = this.#client;
		this.#client = undefined;
		this.#handlers.clear();
		if (client) await (await client).end();
	}

	#connect() {
		this.#client ??= (async () => {
			const client = new pg.Client({ connectionString: this.#url });
			client.on('error', () => {
				// Reconnect on next listen; handlers registered so far are dropped with the connection.
				this.#client = undefined;
				this.#handlers.clear();
			});
			client.on('notification', (n) => {
				for (const handler of this.#handlers.get(n.channel) ?? []) handler(n.payload ?? '');
			});
			await client.connect();
			return client;
		})();
		return this.#client;
	}
}
