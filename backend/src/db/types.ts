/**
 * One database interface with two engines behind it (PGlite and node-postgres), so every
 * service of the embedded back end and every database test is written once.
 */

export interface Field {
	name: string;
	/** Postgres type OID, as both engines report it. */
	dataTypeID: number;
}

export interface Result<Row = Record<string, unknown>> {
	rows: Row[];
	fields: Field[];
	/** Rows touched by INSERT/UPDATE/DELETE, or returned by SELECT. */
	rowCount: number;
}

/** One statement of a `batch`. */
export interface Statement {
	sql: string;
	params?: unknown[];
	/**
	 * Keep it parsed and planned on the connection and reuse that for the same text (a named
	 * prepared statement, as PostgREST prepares its own). Plans follow schema changes, the role
	 * and search_path by themselves; each connection keeps the most recently used ones.
	 */
	prepare?: boolean;
}

/** Queries inside one open transaction (or on one checked-out connection). */
export interface Queryable {
	query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Result<Row>>;
	/** Runs a script of several statements without parameters (migrations, seed). */
	exec(sql: string): Promise<void>;
	/**
	 * Sends the statements together and answers with one result per statement: one round trip
	 * (one call into PGlite) however many there are. Inside a transaction they run in it; on a
	 * `Db` they are one transaction of their own, committed when the last succeeds, and the first
	 * failure rolls them all back and is thrown (the protocol's implicit transaction up to Sync).
	 */
	batch(statements: Statement[]): Promise<Result[]>;
}

export interface Db extends Queryable {
	readonly engine: 'pglite' | 'postgres';
	/**
	 * BEGIN … COMMIT around `fn`, ROLLBACK if it throws. Runs on one connection; on PGlite it
	 * holds the single connection, so keep transactions short.
	 */
	transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
	/** LISTEN on a channel; resolves to an unlisten function. Notifications arrive after commit. */
	listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
	close(): Promise<void>;
}

/** A Postgres error as both engines raise it, narrowed to the fields the services use. */
export interface PgError extends Error {
	code: string;
	detail?: string;
	hint?: string;
	constraint?: string;
}

export function isPgError(e: unknown): e is PgError {
	return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}
