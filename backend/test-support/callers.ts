/**
 * Acting as an API caller: the claims GoTrue puts in an anonymous user's access token, and a
 * request run exactly as PostgREST runs one (one transaction, transaction-local search_path, role,
 * request.jwt.claims and request.method, then the statements).
 */
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../src/db/types.ts';

/** The claims of an anonymous user's access token, as GoTrue issues it. */
export function anonymousClaims(
	sub: string,
	{ expiresIn = 3600, now = Math.floor(Date.now() / 1000) } = {}
): Record<string, unknown> {
	return {
		iss: 'http://127.0.0.1:54321/auth/v1',
		sub,
		aud: 'authenticated',
		exp: now + expiresIn,
		iat: now,
		email: '',
		phone: '',
		app_metadata: { provider: 'anonymous', providers: ['anonymous'] },
		user_metadata: {},
		role: 'authenticated',
		aal: 'aal1',
		amr: [{ method: 'anonymous', timestamp: now }],
		session_id: randomUUID(),
		is_anonymous: true
	};
}

export const ANON = 'anon' as const;
/** Someone without a session (the anon key alone), or a signed-in anonymous user. */
export type Caller = typeof ANON | { id: string };

export function claimsOf(caller: Caller): Record<string, unknown> {
	return caller === ANON ? { role: 'anon' } : anonymousClaims(caller.id);
}

/** Runs `fn` as one API request of `caller`; the transaction commits unless `fn` throws. */
export function asCaller<T>(
	db: Db,
	caller: Caller,
	fn: (tx: Queryable) => Promise<T>,
	method = 'POST'
): Promise<T> {
	const claims = claimsOf(caller);
	return db.transaction(async (tx) => {
		await tx.query(
			`select set_config('search_path', 'public, extensions', true),
			        set_config('role', $1, true),
			        set_config('request.jwt.claims', $2, true),
			        set_config('request.method', $3, true)`,
			[claims.role, JSON.stringify(claims), method]
		);
		return fn(tx);
	});
}

/** One statement as `caller` (a request with one query). */
export function request<Row = Record<string, unknown>>(
	db: Db,
	caller: Caller,
	sql: string,
	params?: unknown[]
) {
	return asCaller(db, caller, (tx) => tx.query<Row>(sql, params));
}
