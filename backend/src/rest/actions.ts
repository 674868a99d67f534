import type { Db } from '../db/types.ts';
import { inRequestTransaction, type RequestPlan, type RestContext } from './context.ts';
import { resolveEmbeds } from './embed.ts';
import { invalidBody, invalidRpcMethod } from './errors.ts';
import { parseQuery, type Query } from './query-string.ts';
import { pageOf, planRead } from './read.ts';
import { callRoutine, chooseRoutine, rpcReadOnly } from './rpc.ts';
import { findRoutines, type Relation, type SchemaCache } from './schema-cache.ts';
import { Params, ident, qualified } from './sql.ts';
import { insert, remove, update } from './write.ts';

/**
 * The three things a REST request can ask for, each planned from the RestContext alone and run in
 * one request transaction: a table or view (read, insert, update, delete), a function call, or the
 * root's description of what is exposed.
 */

/** Looks a name up again after a schema-cache miss (see `service.ts`). */
export type AfterMiss = (kind: 'routine', schema: string, name: string) => Promise<SchemaCache>;

export async function callFunction(
	db: Db,
	ctx: RestContext,
	name: string,
	afterMiss: AfterMiss
): Promise<Response> {
	if (!['GET', 'HEAD', 'POST'].includes(ctx.method)) throw invalidRpcMethod();
	let candidates = findRoutines(ctx.cache, ctx.schema, name);
	if (!candidates.length) {
		ctx.cache = await afterMiss('routine', ctx.schema, name);
		candidates = findRoutines(ctx.cache, ctx.schema, name);
	}
	let args: Map<string, unknown>;
	let query: Query;
	if (ctx.method === 'POST') {
		if (typeof ctx.body !== 'object' || ctx.body === null || Array.isArray(ctx.body)) {
			throw invalidBody('Empty or invalid json', 'Function arguments must be a JSON object');
		}
		args = new Map(Object.entries(ctx.body));
		query = parseQuery(ctx.params);
	} else {
		// On GET/HEAD, parameters named like an argument are arguments; the rest filter the result.
		const argNames = new Set(candidates.flatMap((c) => c.args.map((a) => a.name)));
		query = parseQuery(ctx.params, argNames);
		args = new Map(query.other);
	}
	const routine = chooseRoutine(
		ctx.cache,
		ctx.schema,
		name,
		[...args.keys()],
		ctx.method === 'POST'
	);
	// A function returning rows of a table embeds what that table does.
	const table = routine.tableName ? { schema: routine.schema, name: routine.tableName } : undefined;
	resolveEmbeds(query.select, table, ctx.cache, query.embedded, query.conditions);
	return inRequestTransaction(
		db,
		ctx,
		rpcReadOnly(ctx, routine),
		callRoutine(ctx, routine, args, query)
	);
}

export async function onRelation(db: Db, ctx: RestContext, relation: Relation): Promise<Response> {
	const query = parseQuery(ctx.params);
	resolveEmbeds(query.select, relation, ctx.cache, query.embedded, query.conditions);
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
	return inRequestTransaction(db, ctx, ctx.method === 'GET' || ctx.method === 'HEAD', plan);
}

/** A short description of what is exposed (PostgREST serves OpenAPI here). */
export function describeRoot(ctx: RestContext): Response {
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
