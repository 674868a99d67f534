import type { Db } from '../db/types.ts';
import { BodyTooLarge, parseJson, readText } from '../http/body.ts';
import {
	apiKeyError,
	resolveCredentials,
	type CredentialFailure,
	type KeySet
} from '../http/credentials.ts';
import { ApiError } from '../http/errors.ts';
import { inRequestTransaction, type RequestPlan, type RestContext } from './context.ts';
import { resolveEmbeds } from './embed.ts';
import { toApiError } from './pg-errors.ts';
import { parsePrefer } from './prefer.ts';
import { parseQuery } from './query-string.ts';
import { pageOf, planRead } from './read.ts';
import { callRoutine, chooseRoutine, rpcReadOnly } from './rpc.ts';
import {
	findRelation,
	findRoutines,
	loadSchemaCache,
	type Relation,
	type SchemaCache
} from './schema-cache.ts';
import { Params, ident, qualified } from './sql.ts';
import { insert, remove, update } from './write.ts';

export interface RestOptions {
	db: Db;
	keys: KeySet;
	/** Exposed schemas (`[api] schemas`); the first is the default. */
	schemas: string[];
	/** Appended to `search_path` (`[api] extra_search_path`). */
	extraSearchPath: string[];
	/** `[api] max_rows`; null for no cap. */
	maxRows: number | null;
	maxBodyBytes: number;
	/** The largest response body (and embedded array) in bytes; null for no limit. */
	maxResponseBytes: number | null;
}

export interface RestService {
	handle(req: Request, path: string): Promise<Response>;
	/** Re-reads tables and functions from the catalog (after migrations), like `NOTIFY pgrst`. */
	reloadSchema(): Promise<void>;
	/** Stops listening for `NOTIFY pgrst`. */
	close(): Promise<void>;
}

const ANON_ROLE = 'anon';

/** The PostgREST subset, as a `Request → Response` handler for paths below `/rest/v1`. */
export function createRest(options: RestOptions): RestService {
	const { db } = options;
	let cache: Promise<SchemaCache> | undefined;

	const load = () => {
		const next = loadSchemaCache(db, options.schemas);
		cache = next;
		next.catch(() => {
			if (cache === next) cache = undefined;
		});
		return next;
	};
	const current = () => cache ?? load();
	/**
	 * A name missing from the cache may have been created since (a migration, a test's table).
	 * One cheap catalog lookup decides; only a name that now exists costs a full reload, so
	 * requests for unknown names cannot make every request a reload.
	 */
	const afterMiss = async (kind: 'relation' | 'routine', schema: string, name: string) => {
		const { rows } = await db.query<{ found: boolean }>(
			kind === 'relation' ? RELATION_EXISTS_SQL : ROUTINE_EXISTS_SQL,
			[schema, name]
		);
		return rows[0]?.found ? load() : current();
	};

	// PostgREST reloads its cache on `NOTIFY pgrst, 'reload schema'` (or an empty payload).
	const unlisten = db
		.listen('pgrst', (payload) => {
			if (payload === '' || payload === 'reload schema') load().catch(() => {});
		})
		.catch((e: unknown) => {
			console.error('[rest] cannot listen for schema reloads', e);
			return async () => {};
		});

	async function handle(req: Request, path: string): Promise<Response> {
		let authenticated = false;
		try {
			const url = new URL(req.url);
			const method = req.method.toUpperCase();
			const credentials = resolveCredentials(
				{
					apikey: req.headers.get('apikey') ?? url.searchParams.get('apikey'),
					authorization: req.headers.get('authorization')
				},
				options.keys
			);
			if (!credentials.ok) throw credentialError(credentials);
			authenticated = credentials.role !== ANON_ROLE;

			const cache = await current();
			if (!cache.apiRoles.has(credentials.role)) {
				// PostgREST's authenticator may only switch to its granted roles (not e.g. `postgres`).
				throw ApiError.rest(
					authenticated ? 403 : 401,
					'42501',
					`permission denied to set role "${credentials.role}"`
				);
			}
			if (!['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'].includes(method)) {
				throw ApiError.rest(405, 'PGRST117', `Unsupported HTTP method: ${method}`);
			}
			const params = new URLSearchParams(url.search);
			// The gateway accepts the key as a query parameter; it is not a filter.
			params.delete('apikey');
			const segments = path.split('/').filter(Boolean).map(decodePathSegment);
			const isRpc = segments[0] === 'rpc' && segments.length === 2;
			const ctx: RestContext = {
				req,
				method,
				path,
				params,
				credentials,
				schema: profile(req, method, options.schemas),
				cache,
				prefs: parsePrefer(req.headers.get('prefer')),
				singular: wantsObject(req.headers.get('accept')),
				maxRows: options.maxRows,
				maxResponseBytes: options.maxResponseBytes,
				extraSearchPath: options.extraSearchPath,
				body:
					method === 'POST' || method === 'PATCH'
						? await readJsonBody(req, options.maxBodyBytes, isRpc)
						: undefined
			};

			if (segments.length === 0) return root(ctx);
			if (isRpc) return await rpc(ctx, segments[1]);
			if (segments.length !== 1) {
				throw ApiError.rest(404, 'PGRST125', 'Invalid path specified in request URL');
			}
			let relation = findRelation(cache, ctx.schema, segments[0]);
			if (!relation) {
				ctx.cache = await afterMiss('relation', ctx.schema, segments[0]);
				relation = findRelation(ctx.cache, ctx.schema, segments[0]);
			}
			if (!relation) throw tableNotFound(ctx.schema, segments[0]);
			return await table(ctx, relation);
		} catch (e) {
			if (e instanceof BodyTooLarge) return ApiError.rest(413, 'PGRST102', e.message).getResponse();
			return toApiError(e, authenticated).getResponse();
		}
	}

	async function rpc(ctx: RestContext, name: string): Promise<Response> {
		if (!['GET', 'HEAD', 'POST'].includes(ctx.method)) {
			throw ApiError.rest(405, 'PGRST101', 'Only GET, HEAD and POST are allowed for functions');
		}
		let candidates = findRoutines(ctx.cache, ctx.schema, name);
		if (!candidates.length) {
			ctx.cache = await afterMiss('routine', ctx.schema, name);
			candidates = findRoutines(ctx.cache, ctx.schema, name);
		}
		let args: Map<string, unknown>;
		let query;
		if (ctx.method === 'POST') {
			if (typeof ctx.body !== 'object' || ctx.body === null || Array.isArray(ctx.body)) {
				throw ApiError.rest(400, 'PGRST102', 'Empty or invalid json', {
					details: 'Function arguments must be a JSON object'
				});
			}
			args = new Map(Object.entries(ctx.body));
			query = parseQuery(ctx.params);
			resolveEmbeds(query.select, undefined, ctx.cache);
		} else {
			// On GET/HEAD, parameters named like an argument are arguments; the rest filter the result.
			const argNames = new Set(candidates.flatMap((c) => c.args.map((a) => a.name)));
			query = parseQuery(ctx.params, argNames);
			resolveEmbeds(query.select, undefined, ctx.cache);
			args = new Map(query.other);
		}
		const routine = chooseRoutine(candidates, ctx.schema, name, [...args.keys()]);
		return inRequestTransaction(
			db,
			ctx,
			rpcReadOnly(ctx, routine),
			callRoutine(ctx, routine, args, query)
		);
	}

	async function table(ctx: RestContext, relation: Relation): Promise<Response> {
		const query = parseQuery(ctx.params);
		resolveEmbeds(query.select, relation, ctx.cache);
		const readOnly = ctx.method === 'GET' || ctx.method === 'HEAD';
		let plan: RequestPlan | Response;
		switch (ctx.method) {
			case 'POST':
				plan = insert(ctx, relation, query);
				break;
			case 'PATCH':
				plan = update(ctx, relation, query);
				break;
			case 'DELETE':
				plan = remove(ctx, relation, query);
				break;
			default: {
				const alias = ident(relation.name);
				const source = {
					ctes: [],
					from: `${qualified(relation.schema, relation.name)} AS ${alias}`,
					alias,
					materialize: false,
					params: new Params()
				};
				plan = planRead(ctx, source, query, pageOf(ctx, query, true));
			}
		}
		// A write with nothing to write (an empty array) answers without touching the database.
		if (plan instanceof Response) return plan;
		return inRequestTransaction(db, ctx, readOnly, plan);
	}

	return {
		handle,
		async reloadSchema() {
			await load();
		},
		async close() {
			await (
				await unlisten
			)();
		}
	};
}

const RELATION_EXISTS_SQL = `select exists (
	select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
	where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'v', 'm', 'f', 'p')) as found`;
const ROUTINE_EXISTS_SQL = `select exists (
	select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
	where n.nspname = $1 and p.proname = $2) as found`;

function decodePathSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		throw ApiError.rest(404, 'PGRST125', 'Invalid path specified in request URL');
	}
}

function tableNotFound(schema: string, name: string): ApiError {
	return ApiError.rest(
		404,
		'PGRST205',
		`Could not find the table '${schema}.${name}' in the schema cache`
	);
}

/** A short description of what is exposed (PostgREST serves OpenAPI here). */
function root(ctx: RestContext): Response {
	const paths: Record<string, object> = {};
	for (const r of ctx.cache.relations.values())
		if (r.schema === ctx.schema) paths[`/${r.name}`] = {};
	for (const list of ctx.cache.routines.values()) {
		for (const r of list) if (r.schema === ctx.schema) paths[`/rpc/${r.name}`] = {};
	}
	return new Response(
		JSON.stringify({ swagger: '2.0', info: { title: 'PostgREST subset', version: '12' }, paths }),
		{
			status: 200,
			headers: { 'Content-Type': 'application/openapi+json; charset=utf-8' }
		}
	);
}

/** `Accept-Profile` (reads) / `Content-Profile` (writes) pick the schema; others → 406. */
function profile(req: Request, method: string, schemas: string[]): string {
	const header = method === 'GET' || method === 'HEAD' ? 'accept-profile' : 'content-profile';
	const wanted = req.headers.get(header);
	if (wanted === null) return schemas[0];
	if (!schemas.includes(wanted)) {
		throw ApiError.rest(
			406,
			'PGRST106',
			`The schema must be one of the following: ${schemas.join(', ')}`
		);
	}
	return wanted;
}

const OBJECT_TYPES = ['application/vnd.pgrst.object+json', 'application/vnd.pgrst.object'];
const ARRAY_TYPES = [
	'application/json',
	'application/vnd.pgrst.array+json',
	'application/*',
	'*/*'
];

/** Content negotiation: the first acceptable media type wins; unknown ones → 406 PGRST107. */
function wantsObject(accept: string | null): boolean {
	if (!accept || accept.trim() === '') return false;
	const types = accept.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
	for (const t of types) {
		if (OBJECT_TYPES.includes(t)) return true;
		if (ARRAY_TYPES.includes(t)) return false;
	}
	throw ApiError.rest(
		406,
		'PGRST107',
		`None of these media types are available: ${types.join(', ')}`
	);
}

async function readJsonBody(req: Request, limit: number, rpc: boolean): Promise<unknown> {
	const text = await readText(req, limit);
	if (text.trim() === '') {
		// supabase-js sends `{}` for argument-less calls; an empty body means the same.
		if (rpc) return {};
		return undefined;
	}
	const type = (req.headers.get('content-type') ?? 'application/json')
		.split(';')[0]
		.trim()
		.toLowerCase();
	if (type !== 'application/json' && type !== 'text/plain' && type !== '*/*') {
		throw ApiError.rest(415, 'PGRST107', `None of these media types are available: ${type}`);
	}
	const parsed = parseJson(text);
	if (!parsed.ok)
		throw ApiError.rest(400, 'PGRST102', 'Empty or invalid json', { details: parsed.message });
	return parsed.value;
}

export function credentialError(failure: CredentialFailure): ApiError {
	switch (failure.reason) {
		case 'no_apikey':
		case 'invalid_apikey':
			return apiKeyError(failure.reason);
		case 'expired':
			return ApiError.rest(401, 'PGRST303', failure.message, {
				headers: {
					'WWW-Authenticate': `Bearer error="invalid_token", error_description="${failure.message}"`
				}
			});
		default:
			return ApiError.rest(401, 'PGRST301', failure.message, {
				headers: {
					'WWW-Authenticate': `Bearer error="invalid_token", error_description="${failure.message}"`
				}
			});
	}
}
