import type { Result } from '../db/types.ts';
import { ApiError } from '../http/errors.ts';
import type { RequestPlan, RestContext } from './context.ts';
import { Rollback } from './context.ts';
import { PGRST, maxAffectedViolation } from './errors.ts';
import type { Query } from './query-string.ts';
import { pageOf, planRead, respond } from './read.ts';
import { closest } from './fuzzy.ts';
import { findRoutines, type RoutineInfo, type SchemaCache } from './schema-cache.ts';
import {
	Params,
	ident,
	jsonBodySql,
	limitSql,
	qualified,
	sizedRows,
	sizedValueSql
} from './sql.ts';

/**
 * `/rpc/<fn>`: the function is chosen by its name and the set of argument names, as PostgREST does
 * (overloads allowed, missing arguments need defaults). POST arguments
 * are decoded by Postgres from the JSON body (`json_to_record` with the parameter types from the
 * catalog); GET arguments are text literals cast to those types.
 */
export function chooseRoutine(
	cache: SchemaCache,
	schema: string,
	name: string,
	keys: string[],
	post: boolean
) {
	const candidates = findRoutines(cache, schema, name);
	const matches = candidates.filter(
		(r) =>
			// A function with an unnamed parameter cannot be called by parameter names.
			r.args.every((a) => a.name !== '') &&
			keys.every((k) => r.args.some((a) => a.name === k)) &&
			r.args.every((a) => a.hasDefault || keys.includes(a.name))
	);
	if (matches.length === 1) return matches[0];
	if (matches.length === 0) throw noFunction(cache, schema, name, keys, post, candidates);
	throw ApiError.rest(
		300,
		PGRST.ambiguousFunction,
		`Could not choose the best candidate function between: ${matches
			.map((r) => `${schema}.${name}(${r.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`)
			.join(', ')}`,
		{
			hint: 'Try renaming the parameters or the function itself in the database so function overloading can be resolved'
		}
	);
}

/** PGRST202 in PostgREST's words, with its "Perhaps you meant" from a fuzzy search. */
function noFunction(
	cache: SchemaCache,
	schema: string,
	name: string,
	keys: string[],
	post: boolean,
	overloads: RoutineInfo[]
): ApiError {
	const sorted = [...new Set(keys)].sort();
	const func = `${schema}.${name}`;
	const list = (names: string[]) => `(${names.join(', ')})`;
	const params = sorted.length
		? ` with parameter${sorted.length > 1 ? 's' : ''} ${sorted.join(', ')}`
		: ' without parameters';
	let perhaps: string | undefined;
	if (overloads.length) {
		const found = closest(
			list(sorted),
			overloads.map((r) => list(r.args.map((a) => a.name).sort()))
		);
		if (found) perhaps = `${name}${found.value}`;
	} else {
		const names = [...cache.routines.values()].flat().filter((r) => r.schema === schema);
		perhaps = closest(
			name,
			names.map((r) => r.name),
			0.75
		)?.value;
	}
	return ApiError.rest(
		404,
		PGRST.noFunction,
		`Could not find the function ${func}${sorted.length ? list(sorted) : ' without parameters'} in the schema cache`,
		{
			details: `Searched for the function ${func}${params}${
				post ? ' or with a single unnamed json/jsonb parameter' : ''
			}, but no matches were found in the schema cache.`,
			hint: perhaps ? `Perhaps you meant to call the function ${schema}.${perhaps}` : null
		}
	);
}

/** Whether the call may write (PostgREST runs non-volatile functions read-only). */
export function rpcReadOnly(ctx: RestContext, routine: RoutineInfo): boolean {
	return ctx.method === 'GET' || ctx.method === 'HEAD' || routine.volatility !== 'v';
}

export function callRoutine(
	ctx: RestContext,
	routine: RoutineInfo,
	args: Map<string, unknown>,
	query: Query
): RequestPlan {
	const params = new Params();
	const ctes: string[] = [];
	const from: string[] = [];
	const named: string[] = [];
	const supplied = routine.args.filter((a) => args.has(a.name));
	if (ctx.method === 'POST') {
		if (supplied.length) {
			const body = params.add(JSON.stringify(Object.fromEntries(args)));
			// Parameter types come from the catalog (format_type), never from the request.
			const columns = supplied.map((a) => `${ident(a.name)} ${a.type}`).join(', ');
			ctes.push(
				`pgrst_args AS (SELECT * FROM json_to_record(${body}::json) AS pgrst_a(${columns}))`
			);
			from.push('pgrst_args');
			for (const a of supplied) named.push(`${ident(a.name)} := pgrst_args.${ident(a.name)}`);
		}
	} else {
		for (const a of supplied)
			named.push(`${ident(a.name)} := CAST(${params.add(args.get(a.name))} AS ${a.type})`);
	}
	const call = `${qualified(routine.schema, routine.name)}(${named.join(', ')})`;
	const alias = ident(routine.name);
	const prefix = ctes.length ? `WITH ${ctes.join(', ')} ` : '';
	const fromArgs = from.length ? ` FROM ${from.join(', ')}` : '';

	// `handling=strict, max-affected=N` bounds the rows a set-returning function returns; on any
	// other function PostgREST refuses the preference (PGRST128).
	const { handling, maxAffected } = ctx.prefs;
	const strictMax = handling === 'strict' ? maxAffected : undefined;
	if (strictMax !== undefined && !routine.returnsSet) {
		throw ApiError.rest(
			400,
			PGRST.maxAffectedRpc,
			'Function must return SETOF or TABLE when max-affected preference is used with handling=strict'
		);
	}
	const checkAffected = (rows: number) => {
		if (strictMax !== undefined && rows > strictMax) throw maxAffectedViolation(rows);
	};

	let plan: RequestPlan;
	if (routine.returns === 'void') {
		plan = {
			sql: `${prefix}SELECT ${call}${fromArgs}`,
			params: params.values,
			mayUndo: false,
			finish: () => respond(ctx, 204, null)
		};
	} else if (routine.returns === 'scalar' && !routine.returnsSet) {
		plan = {
			sql: `${prefix}SELECT ${sizedValueSql(`coalesce(to_json(${call})::text, 'null')`, ctx.maxResponseBytes)} AS body${fromArgs}`,
			params: params.values,
			mayUndo: false,
			// One value is one row, which is what a count counts.
			finish: (result: Result) =>
				respond(ctx, 200, (result.rows[0] as { body: string } | undefined)?.body ?? 'null', {
					'Content-Range': `0-0/${ctx.prefs.count ? 1 : '*'}`
				})
		};
	} else if (routine.returns === 'scalar') {
		const page = pageOf(ctx, query, true);
		const source = [...from, `LATERAL ${call} AS pgrst_call(pgrst_value)`].join(', ');
		plan = {
			sql: `${prefix}SELECT ${jsonBodySql(false)} AS body, count(*)::int AS page_total FROM ${sizedRows(
				`(SELECT pgrst_value FROM ${source}${limitSql(page.limit, page.offset)})`,
				ctx.maxResponseBytes,
				'to_json(pgrst_r.pgrst_value)'
			)}`,
			params: params.values,
			mayUndo: strictMax !== undefined,
			finish: (result: Result) => {
				const row = result.rows[0] as { body: string; page_total: number };
				checkAffected(row.page_total);
				return respond(ctx, 200, row.body);
			}
		};
	} else {
		const source = {
			ctes,
			from: [...from, `LATERAL ${call} AS ${alias}`].join(', '),
			alias,
			materialize: true,
			params
		};
		plan = planRead(ctx, source, query, pageOf(ctx, query, routine.returnsSet), {
			object: !routine.returnsSet || ctx.singular,
			checkRows: strictMax === undefined ? undefined : checkAffected
		});
	}
	if (ctx.prefs.tx !== 'rollback') return plan;
	return {
		...plan,
		mayUndo: true,
		finish(result) {
			throw new Rollback(plan.finish(result));
		}
	};
}
