import type { Db, Queryable } from '../db/types.ts';
import type { Credentials } from '../http/credentials.ts';
import type { Preferences } from './prefer.ts';
import type { SchemaCache } from './schema-cache.ts';
import { ident } from './sql.ts';

/** Everything one REST request needs once it is authenticated and routed. */
export interface RestContext {
	req: Request;
	method: string;
	/** The path PostgREST sees (`/bookings`, `/rpc/fn`), without `/rest/v1`. */
	path: string;
	params: URLSearchParams;
	credentials: Credentials;
	schema: string;
	cache: SchemaCache;
	prefs: Preferences;
	/** `Accept: application/vnd.pgrst.object+json`: exactly one row or 406. */
	singular: boolean;
	maxRows: number | null;
	extraSearchPath: string[];
	/** Parsed body (POST/PATCH); undefined when there is none. */
	body: unknown;
}

/** Thrown to end the transaction with ROLLBACK while still answering with `response`. */
export class Rollback extends Error {
	readonly response: Response;
	constructor(response: Response) {
		super('rollback');
		this.response = response;
	}
}

/**
 * One transaction per request, as PostgREST runs it (contract §3.5): access mode first, then all
 * request settings transaction-local in one statement, so the role, its claims and RLS apply to
 * the main statement and vanish at COMMIT/ROLLBACK.
 */
export async function inRequestTransaction(
	db: Db,
	ctx: RestContext,
	readOnly: boolean,
	fn: (tx: Queryable) => Promise<Response>
): Promise<Response> {
	try {
		return await db.transaction(async (tx) => {
			const { role, claims } = ctx.credentials;
			const headers: Record<string, string> = {};
			ctx.req.headers.forEach((value, name) => {
				headers[name.toLowerCase()] = value;
			});
			const settings: [string, string][] = [
				// Same as SET TRANSACTION READ ONLY (allowed at any point, unlike read-write), one round trip less.
				...(readOnly ? [['transaction_read_only', 'on'] as [string, string]] : []),
				['search_path', [ctx.schema, ...ctx.extraSearchPath].map(ident).join(', ')],
				...Object.entries(ctx.cache.roleSettings.get(role) ?? {}).filter(([name]) =>
					ROLE_SETTINGS.has(name)
				),
				['role', role],
				['request.jwt.claims', JSON.stringify({ ...claims, role })],
				['request.method', ctx.method],
				['request.path', ctx.path],
				['request.headers', JSON.stringify(headers)],
				['request.cookies', JSON.stringify(parseCookies(ctx.req.headers.get('cookie')))],
				...(ctx.prefs.timezone ? [['timezone', ctx.prefs.timezone] as [string, string]] : [])
			];
			const params: string[] = [];
			const calls = settings.map(([name, value]) => {
				params.push(name, value);
				return `set_config($${params.length - 1}, $${params.length}, true)`;
			});
			await tx.query(`SELECT ${calls.join(', ')}`, params);
			return fn(tx);
		});
	} catch (e) {
		if (e instanceof Rollback) return e.response;
		throw e;
	}
}

/** Role settings PostgREST re-applies per request (`SET ROLE` alone does not apply them). */
const ROLE_SETTINGS = new Set([
	'statement_timeout',
	'lock_timeout',
	'idle_in_transaction_session_timeout'
]);

function parseCookies(header: string | null): Record<string, string> {
	const cookies: Record<string, string> = {};
	for (const part of (header ?? '').split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
	}
	return cookies;
}
