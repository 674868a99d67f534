import { AsyncLocalStorage } from 'node:async_hooks';
import { PGlite, type Results } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { normalizeError } from './errors.ts';
import { runPipeline, textParams } from './pglite-pipeline.ts';
import { PreparedStatements, retryingUnknownStatement } from './prepared.ts';
import { SerialQueue } from './queue.ts';
import type { Db, Queryable, Result, Statement } from './types.ts';

export interface PgliteOptions {
	/** Directory to persist to; in memory when absent. */
	dataDir?: string;
	/** A tarball from `dumpDataDir()` to start from (a fast clone of a prepared database). */
	loadDataDir?: Blob;
}

export interface PgliteDb extends Db {
	readonly engine: 'pglite';
	/** A snapshot of the whole database, for `openPglite({ loadDataDir })`. */
	dumpDataDir(): Promise<Blob>;
}

/**
 * Which PGlite's transaction callback is running: a `db.query` from inside it would queue behind
 * the transaction that awaits it, a silent deadlock, so it fails loudly instead.
 */
const transactionOf = new AsyncLocalStorage<PGlite>();

/** Hosted Supabase has these extensions; migrations may `create extension … with schema extensions`. */
const extensions = { uuid_ossp, pgcrypto };

export async function openPglite(options: PgliteOptions = {}): Promise<PgliteDb> {
	const pg = await PGlite.create({
		dataDir: options.dataDir,
		loadDataDir: options.loadDataDir,
		extensions
	});
	// PGlite drops its server log unless created with `debug`, but Postgres still formats every
	// line (each failed statement with its full text), one character at a time through JS: a third
	// of what a refused booking costs. Clients still get their notices (client_min_messages).
	await pg.exec('set log_min_messages = fatal; set log_min_error_statement = panic');
	const serial = new SerialQueue();
	const queue = {
		run<T>(job: () => Promise<T>): Promise<T> {
			if (transactionOf.getStore() === pg) {
				return Promise.reject(
					new Error('PGlite: inside db.transaction(fn), query through fn’s argument, not db')
				);
			}
			return serial.run(job);
		}
	};
	const direct = queryable(pg, new PreparedStatements());
	// PGlite's own listen() folds or mangles channel names with ':' (its unlisten fails on them), so
	// LISTEN is issued here, quoted as on Postgres, and notifications are routed by exact name.
	const listeners = new Map<string, Set<(payload: string) => void>>();
	pg.onNotification((channel, payload) => {
		for (const handler of listeners.get(channel) ?? []) handler(payload);
	});

	return {
		engine: 'pglite',
		query: (sql, params) => queue.run(() => direct.query(sql, params)),
		exec: (sql) => queue.run(() => direct.exec(sql)),
		batch: (statements) =>
			queue.run(async () => {
				if (textParams(statements)) {
					return retryingUnknownStatement(() => direct.batch(statements));
				}
				// PGlite's own conversion of other parameters means a statement at a time.
				await direct.exec('begin');
				try {
					const results = await direct.batch(statements);
					await direct.exec('commit');
					return results;
				} catch (e) {
					await direct.exec('rollback');
					throw e;
				}
			}),
		transaction: (fn) =>
			queue.run(async () => {
				// BEGIN goes into PGlite with the transaction's first statement, in the same call.
				let begun = false;
				const begin = async () => {
					if (!begun) {
						begun = true;
						await direct.exec('begin');
					}
				};
				const tx: Queryable = {
					async query(sql, params) {
						const [result] = await tx.batch([{ sql, params }]);
						return result as Result<never>;
					},
					async exec(sql) {
						await begin();
						await direct.exec(sql);
					},
					async batch(statements) {
						if (begun || !textParams(statements)) {
							await begin();
							return direct.batch(statements);
						}
						begun = true;
						const results = await direct.batch([{ sql: 'begin' }, ...statements]);
						return results.slice(1);
					}
				};
				let result;
				try {
					result = await transactionOf.run(pg, () => fn(tx));
				} catch (e) {
					if (begun) await direct.exec('rollback');
					throw e;
				}
				if (begun) await direct.exec('commit');
				return result;
			}),
		async listen(channel, onPayload) {
			let handlers = listeners.get(channel);
			if (!handlers) {
				handlers = new Set();
				listeners.set(channel, handlers);
				await queue.run(() => direct.exec(`listen ${quoteIdent(channel)}`));
			}
			handlers.add(onPayload);
			return async () => {
				handlers.delete(onPayload);
				if (handlers.size === 0 && listeners.get(channel) === handlers) {
					listeners.delete(channel);
					await queue.run(() => direct.exec(`unlisten ${quoteIdent(channel)}`));
				}
			};
		},
		dumpDataDir: () => queue.run(() => pg.dumpDataDir('none')),
		close: () => queue.run(() => pg.close())
	};
}

/** Raw access to the single connection; only ever used from inside the queue. */
function queryable(pg: PGlite, prepared: PreparedStatements): Queryable {
	const viaPglite = async <Row>(sql: string, params?: unknown[]): Promise<Result<Row>> => {
		try {
			return toResult<Row>(await pg.query<Row>(sql, params));
		} catch (e) {
			throw normalizeError(e);
		}
	};
	const self: Queryable = {
		async query<Row>(sql: string, params?: unknown[]): Promise<Result<Row>> {
			if (!textParams([{ sql, params }])) return viaPglite<Row>(sql, params);
			const [result] = await self.batch([{ sql, params }]);
			return result as Result<Row>;
		},
		async exec(sql: string) {
			try {
				await pg.exec(sql);
			} catch (e) {
				throw normalizeError(e);
			}
		},
		async batch(statements: Statement[]) {
			if (!textParams(statements)) {
				const results: Result[] = [];
				for (const s of statements) results.push(await viaPglite(s.sql, s.params));
				return results;
			}
			try {
				return await runPipeline(pg, statements, prepared);
			} catch (e) {
				throw normalizeError(e);
			}
		}
	};
	return self;
}

function toResult<Row>(r: Results<Row>): Result<Row> {
	return {
		rows: r.rows,
		fields: r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
		rowCount: r.affectedRows || r.rows.length
	};
}

function quoteIdent(name: string) {
	return `"${name.replaceAll('"', '""')}"`;
}
