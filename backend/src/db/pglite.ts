import { AsyncLocalStorage } from 'node:async_hooks';
import { textParams } from './pglite-pipeline.ts';
import { PgliteThread } from './pglite-thread.ts';
import { retryingUnknownStatement } from './prepared.ts';
import { SerialQueue } from './queue.ts';
import type { Db, Queryable, Result } from './types.ts';

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
const transactionOf = new AsyncLocalStorage<PgliteThread>();

/**
 * PGlite on a worker thread of its own (pglite-thread.ts), so that a long statement stops neither
 * the server's event loop nor its other work, and statement_timeout cancels it as on PostgreSQL
 * (statement-timeout.ts). Its one connection is shared through one queue.
 */
export async function openPglite(options: PgliteOptions = {}): Promise<PgliteDb> {
	// PGlite's own listen() folds or mangles channel names with ':' (its unlisten fails on them), so
	// LISTEN is issued here, quoted as on Postgres, and notifications are routed by exact name.
	const listeners = new Map<string, Set<(payload: string) => void>>();
	const direct = await PgliteThread.start({
		...options,
		onNotification(channel, payload) {
			for (const handler of listeners.get(channel) ?? []) handler(payload);
		}
	});
	const serial = new SerialQueue();
	const queue = {
		run<T>(job: () => Promise<T>): Promise<T> {
			if (transactionOf.getStore() === direct) {
				return Promise.reject(
					new Error('PGlite: inside db.transaction(fn), query through fn’s argument, not db')
				);
			}
			return serial.run(job);
		}
	};

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
					result = await transactionOf.run(direct, () => fn(tx));
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
		dumpDataDir: () => queue.run(() => direct.dumpDataDir()),
		close: () => queue.run(() => direct.close())
	};
}

function quoteIdent(name: string) {
	return `"${name.replaceAll('"', '""')}"`;
}
