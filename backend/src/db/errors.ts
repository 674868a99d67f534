import type { PgError } from './types.ts';

/**
 * Both engines raise a `DatabaseError` with the server's error fields, but absent fields differ in
 * shape between versions and PGlite adds its own (query, params). Services and tests match on one
 * plain shape: absent fields are left out, so `{ code, message }` compares equal on both engines.
 */
export class DbError extends Error implements PgError {
	code: string;
	declare detail?: string;
	declare hint?: string;
	declare constraint?: string;
	declare schema?: string;
	declare table?: string;
	declare column?: string;
	declare where?: string;
	declare severity?: string;

	constructor(source: PgErrorFields) {
		super(source.message);
		this.name = 'DbError';
		this.code = source.code;
		for (const key of OPTIONAL_FIELDS) {
			const value = source[key];
			if (typeof value === 'string' && value !== '') this[key] = value;
		}
	}
}

type PgErrorFields = Pick<DbError, 'code' | 'message'> &
	Partial<Record<(typeof OPTIONAL_FIELDS)[number], unknown>>;

const OPTIONAL_FIELDS = [
	'detail',
	'hint',
	'constraint',
	'schema',
	'table',
	'column',
	'where',
	'severity'
] as const;

/** Rethrows a server error as a DbError; anything else (network, closed db) passes unchanged. */
export function normalizeError(e: unknown): unknown {
	if (e instanceof DbError) return e;
	if (!(e instanceof Error)) return e;
	const code = (e as { code?: unknown }).code;
	// Node's own errors carry codes too (ECONNREFUSED); only five-character SQLSTATEs are the server's.
	if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
		const error = new DbError(e as unknown as PgErrorFields);
		error.stack = e.stack;
		return error;
	}
	return e;
}
