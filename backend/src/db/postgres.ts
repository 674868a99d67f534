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
 * stop when the pool hands that connection to someone else. If that connection drops (server
 * restart, terminated backend), it reconnects and listens again; notifications sent in between
 * are lost, as with any LISTEN.
 */
class Listener {
	#url: string;
	#client: Promise<pg.Client> | undefined;
	#live: pg.Client | undefined;
	#handlers = new Map<string, Set<(payload: string) => void>>();
	#closed = false;

	constructor(url: string) {
		this.#url = url;
	}

	async listen(channel: string, onPayload: (payload: string) => void) {
		let handlers = this.#handlers.get(channel);
		if (!handlers) {
			handlers = new Set();
			this.#handlers.set(channel, handlers);
			try {
				await (await this.#connect()).query(`listen ${pg.escapeIdentifier(channel)}`);
			} catch (e) {
				this.#handlers.delete(channel);
				throw e;
			}
		}
		handlers.add(onPayload);
		return async () => {
			handlers.delete(onPayload);
			if (handlers.size === 0 && this.#handlers.get(channel) === handlers) {
				this.#handlers.delete(channel);
				// Without a connection nothing is listened to anyway.
				await this.#live?.query(`unlisten ${pg.escapeIdentifier(channel)}`).catch(() => {});
			}
		};
	}

	async close() {
		this.#closed = true;
		this.#handlers.clear();
		const client = this.#live;
		this.#live = undefined;
		this.#client = undefined;
		await client?.end();
	}

	#connect() {
		this.#client ??= this.#open();
		return this.#client;
	}

	async #open() {
		const client = new pg.Client({ connectionString: this.#url });
		client.on('notification', (n) => {
			for (const handler of this.#handlers.get(n.channel) ?? []) handler(n.payload ?? '');
		});
		client.on('error', () => this.#lost(client));
		client.on('end', () => this.#lost(client));
		try {
			await client.connect();
		} catch (e) {
			this.#client = undefined;
			throw e;
		}
		this.#live = client;
		return client;
	}

	#lost(client: pg.Client) {
		if (client !== this.#live || this.#closed) return;
		this.#live = undefined;
		this.#client = undefined;
		if (this.#handlers.size > 0) void this.#relisten(0);
	}

	async #relisten(attempt: number) {
		try {
			const client = await this.#connect();
			for (const channel of this.#handlers.keys()) {
				await client.query(`listen ${pg.escapeIdentifier(channel)}`);
			}
		} catch {
			if (this.#closed) return;
			this.#client = undefined;
			const delay = Math.min(100 * 2 ** attempt, 5_000);
			setTimeout(() => void this.#relisten(attempt + 1), delay).unref();
		}
	}
}
