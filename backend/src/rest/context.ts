import type { Db, Result, Statement } from '../db/types.ts';
import type { Credentials } from '../http/credentials.ts';
import type { ApiRequest } from './api-request.ts';
import type { SchemaCache } from './schema-cache.ts';
import { ident } from './sql.ts';

/**
 * Everything planning and execution read: the translated request, who makes it, the schema
 * cache, and the configured limits. Nothing here is the raw `Request`.
 */
export interface RestContext extends ApiRequest {
	credentials: Credentials;
	cache: SchemaCache;
	maxRows: number | null;
	/** The largest response body (and embedded array) in bytes; null for no limit. */
	maxResponseBytes: number | null;
	extraSearchPath: string[];
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
 * What a request runs: one statement, and the step that turns its result into the response. That
 * step may refuse the result (406 for a singular request that did not get one row, a strict
 * `max-affected`, `Prefer: tx=rollback`) by throwing, which must undo the statement.
 */
export interface RequestPlan {
	sql: string;
	params: unknown[];
	finish(result: Result): Response;
	/** Whether `finish` can throw, so the transaction must stay open until it has run. */
	mayUndo: boolean;
}

/**
 * One transaction per request, as PostgREST runs it: all request settings
 * transaction-local in one statement first, so the role, its claims and RLS apply to the main
 * statement and vanish at the end. Both go out together (one round trip, one call into PGlite),
 * prepared, as PostgREST prepares its statements. When `finish` cannot refuse the result they run
 * as one implicit transaction, committed as soon as the main statement succeeded; otherwise the
 * transaction stays open until `finish` has decided, and a refusal rolls it back.
 */
export async function inRequestTransaction(
	db: Db,
	ctx: RestContext,
	readOnly: boolean,
	plan: RequestPlan
): Promise<Response> {
	const statements: Statement[] = [
		settingsStatement(ctx, readOnly),
		{ sql: plan.sql, params: plan.params, prepare: true }
	];
	if (!plan.mayUndo) {
		const [, result] = await db.batch(statements);
		return plan.finish(result);
	}
	try {
		return await db.transaction(async (tx) => {
			const [, result] = await tx.batch(statements);
			return plan.finish(result);
		});
	} catch (e) {
		if (e instanceof Rollback) return e.response;
		throw e;
	}
}

/** `set_config(name, value, true)` for every request setting, in one statement. */
function settingsStatement(ctx: RestContext, readOnly: boolean): Statement {
	const { role, claims } = ctx.credentials;
	const settings: [string, string][] = [
		// Same as SET TRANSACTION READ ONLY (allowed at any point, unlike read-write), one statement less.
		...(readOnly ? [['transaction_read_only', 'on'] as [string, string]] : []),
		['search_path', [ctx.schema, ...ctx.extraSearchPath].map(ident).join(', ')],
		...Object.entries(ctx.cache.roleSettings.get(role) ?? {}).filter(([name]) =>
			ROLE_SETTINGS.has(name)
		),
		['role', role],
		['request.jwt.claims', JSON.stringify({ ...claims, role })],
		['request.method', ctx.method],
		['request.path', ctx.path],
		['request.headers', JSON.stringify(ctx.headers)],
		['request.cookies', JSON.stringify(ctx.cookies)],
		...(ctx.prefs.timezone ? [['timezone', ctx.prefs.timezone] as [string, string]] : [])
	];
	const params: string[] = [];
	for (const [name, value] of settings) params.push(name, value);
	return { sql: settingsSql(settings.length), params, prepare: true };
}

/** The text depends only on how many settings there are, so a handful of prepared statements. */
const settingsTexts: string[] = [];
function settingsSql(count: number): string {
	settingsTexts[count] ??= `SELECT ${Array.from(
		{ length: count },
		(_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`
	).join(', ')}`;
	return settingsTexts[count];
}

/** Role settings PostgREST re-applies per request (`SET ROLE` alone does not apply them). */
const ROLE_SETTINGS = new Set([
	'statement_timeout',
	'lock_timeout',
	'idle_in_transaction_session_timeout'
]);
