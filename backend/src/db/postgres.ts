import pg from 'pg';
import { normalizeError } from './errors.ts';
import { Pipeline } from './pg-pipeline.ts';
import { PreparedStatements, retryingUnknownStatement } from './prepared.ts';
import type { Db, Queryable, Result, Statement } from './types.ts';

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
		async batch(statements) {
			const client = await pool.connect();
			try {
				const results = await retryingUnknownStatement(() => pipeline(client, statements));
				client.release();
				return results;
			} catch (e) {
				// A server error leaves the connection usable (the Sync ended its transaction); a
				// broken connection must not go back to the pool.
				client.release(e instanceof pg.DatabaseError ? undefined : (e as Error));
				throw normalizeError(e);
			}
		},
		async transaction(fn) {
			const client = await pool.connect();
			// BEGIN goes out with the transaction's first statement, in the same write.
			let begun = false;
			const begin = async () => {
				if (!begun) {
					begun = true;
					await client.query('begin');
				}
			};
			const tx: Queryable = {
				async query(sql, params) {
					// With parameters the query is one Parse/Bind/Execute anyway, so BEGIN rides along;
					// without, it may be a script of several statements (simple protocol).
					if (!begun && params?.length) {
						const [result] = await tx.batch([{ sql, params }]);
						return result as Result<never>;
					}
					await begin();
					return run(client, sql, params);
				},
				async exec(sql) {
					await begin();
					await run(client, sql);
				},
				async batch(statements) {
					if (begun) return pipeline(client, statements).catch(rethrow);
					begun = true;
					const results = await pipeline(client, [{ sql: 'begin' }, ...statements]).catch(rethrow);
					return results.slice(1);
				}
			};
			try {
				const result = await fn(tx);
				if (begun) await client.query('commit');
				client.release();
				return result;
			} catch (e) {
				try {
					if (begun) await client.query('rollback');
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

/** Each pooled connection's prepared statements; they live and die with the connection. */
const preparedOf = new WeakMap<pg.PoolClient, PreparedStatements>();

function pipeline(client: pg.PoolClient, statements: Statement[]): Promise<Result[]> {
	let prepared = preparedOf.get(client);
	if (!prepared) {
		prepared = new PreparedStatements();
		preparedOf.set(client, prepared);
	}
	const p = new Pipeline(statements, prepared, types);
	client.query(p);
	return p.done;
}

const rethrow = (e: unknown): never => {
	throw normalizeError(e);
};

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
