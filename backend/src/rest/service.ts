import type { Db } from '../db/types.ts';
import type { CredentialResult } from '../http/credentials.ts';
import { ApiError } from '../http/errors.ts';
import { callFunction, describeRoot, onRelation } from './actions.ts';
import { toApiRequest } from './api-request.ts';
import type { RestContext } from './context.ts';
import { jwtError, tableNotFound } from './errors.ts';
import { toApiError } from './pg-errors.ts';
import { findRelation, loadSchemaCache, type SchemaCache } from './schema-cache.ts';

export interface RestOptions {
	db: Db;
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
	/** A request below `/rest/v1` (at `path`), with what the gateway resolved its credentials to. */
	handle(req: Request, path: string, credentials: CredentialResult): Promise<Response>;
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

	/**
	 * Routing only: who is asking (resolved by the gateway step), whether PostgREST may switch to
	 * that role, the request translated once, then the action it names.
	 */
	async function handle(
		req: Request,
		path: string,
		credentials: CredentialResult
	): Promise<Response> {
		let authenticated = false;
		try {
			if (!credentials.ok) throw jwtError(credentials);
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
			const request = await toApiRequest(req, path, options);
			const ctx: RestContext = {
				...request,
				credentials,
				cache,
				maxRows: options.maxRows,
				maxResponseBytes: options.maxResponseBytes,
				extraSearchPath: options.extraSearchPath
			};
			const { target } = request;
			if (target.kind === 'root') return describeRoot(ctx);
			if (target.kind === 'routine') return await callFunction(db, ctx, target.name, afterMiss);
			let relation = findRelation(cache, ctx.schema, target.name);
			if (!relation) {
				ctx.cache = await afterMiss('relation', ctx.schema, target.name);
				relation = findRelation(ctx.cache, ctx.schema, target.name);
			}
			if (!relation) throw tableNotFound(ctx.schema, target.name);
			return await onRelation(db, ctx, relation);
		} catch (e) {
			return toApiError(e, authenticated).getResponse();
		}
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
