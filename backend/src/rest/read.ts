import type { Result } from '../db/types.ts';
import type { RequestPlan, RestContext } from './context.ts';
import { invalidRange, singularityError } from './errors.ts';
import type { Query } from './query-string.ts';
import type { SchemaCache } from './schema-cache.ts';
import { findRelation } from './schema-cache.ts';
import {
	Params,
	innerJoinsSql,
	jsonBodySql,
	limitSql,
	orderSql,
	selectSql,
	sizedRows,
	whereSql,
	type RenderLimits
} from './sql.ts';

/**
 * A read: rows of `from` (a table, or a function call) filtered, ordered and paged, rendered by
 * Postgres as one JSON text, with the counts the Content-Range header needs.
 */
export interface ReadSource {
	/** CTEs the source needs first (e.g. the RPC's decoded arguments). */
	ctes: string[];
	/** `"public"."t" AS "t"` or `pgrst_args, LATERAL "public"."fn"(…) AS "fn"`. */
	from: string;
	/** The quoted alias rows are qualified with. */
	alias: string;
	/**
	 * When the source has side effects or is expensive (a function), it is evaluated once into a
	 * materialized CTE that both the page and the count read.
	 */
	materialize: boolean;
	params: Params;
}

export interface Page {
	offset: number;
	limit?: number;
}

/** limit/offset from the query string and the `Range` header, capped at max_rows. */
export function pageOf(ctx: RestContext, query: Query, capped: boolean): Page {
	let offset = query.offset ?? 0;
	let limit = query.limit;
	if (ctx.range) {
		const { first, last } = ctx.range;
		if (last !== undefined && last < first) {
			throw invalidRange(
				'The lower boundary must be lower than or equal to the upper boundary in the Range header.'
			);
		}
		if (query.offset === undefined) offset = first;
		if (last !== undefined) limit = Math.min(limit ?? Infinity, last - first + 1);
	}
	if (capped && ctx.maxRows !== null) limit = Math.min(limit ?? Infinity, ctx.maxRows);
	return { offset, limit: limit === Infinity ? undefined : limit };
}

export function planRead(
	ctx: RestContext,
	source: ReadSource,
	query: Query,
	page: Page,
	options: {
		object?: boolean;
		/** Refuses (and so rolls back) a result of this many rows, e.g. past a strict max-affected. */
		checkRows?: (rows: number) => void;
	} = {}
): RequestPlan {
	const { params, alias } = source;
	const limits = renderLimits(ctx.cache, ctx.maxRows, ctx.maxResponseBytes);
	const where = whereSql(
		query.conditions,
		params,
		alias,
		innerJoinsSql(query.select, params, alias, limits)
	);
	const select = selectSql(query.select, params, alias, limits);
	const order = orderSql(query.order, params, alias);
	const counting = ctx.prefs.count !== undefined;
	const ctes = [...source.ctes];
	let from = source.from;
	let total = 'NULL::int';
	if (source.materialize) {
		ctes.push(`pgrst_base AS MATERIALIZED (SELECT ${alias}.* FROM ${from}${where})`);
		from = `pgrst_base AS ${alias}`;
		if (counting) total = '(SELECT count(*)::int FROM pgrst_base)';
		ctes.push(
			`pgrst_source AS (SELECT ${select} FROM ${from}${order}${limitSql(page.limit, page.offset)})`
		);
	} else {
		if (counting) total = `(SELECT count(*)::int FROM ${from}${where})`;
		ctes.push(
			`pgrst_source AS (SELECT ${select} FROM ${from}${where}${order}${limitSql(page.limit, page.offset)})`
		);
	}
	const object = options.object ?? ctx.singular;
	const lower = page.offset;
	return {
		sql: `WITH ${ctes.join(', ')} SELECT ${total} AS total, count(*)::int AS page_total, ${jsonBodySql(object, ctx.stripNulls)} AS body FROM ${sizedRows('pgrst_source', ctx.maxResponseBytes)}`,
		params: params.values,
		// The refusals below undo what a function called by the read may have written.
		mayUndo: ctx.singular || (counting && lower > 0) || options.checkRows !== undefined,
		finish(result: Result) {
			const row = result.rows[0] as { total: number | null; page_total: number; body: string };
			const { total: count, page_total: pageTotal, body: text } = row;
			options.checkRows?.(pageTotal);
			if (ctx.singular && pageTotal !== 1) throw singularityError(pageTotal);
			if (count !== null && lower > count && lower > 0) {
				throw invalidRange(
					`An offset of ${lower} was requested, but there are only ${count} rows.`
				);
			}
			const range = pageTotal > 0 ? `${lower}-${lower + pageTotal - 1}` : '*';
			const status = count !== null && pageTotal < count && !ctx.singular ? 206 : 200;
			return respond(ctx, status, text, {
				'Content-Range': `${range}/${count ?? '*'}`
			});
		}
	};
}

/** How a read renders: embedded arrays capped at `maxRows`, every array at `maxBytes`. */
export function renderLimits(
	cache: SchemaCache,
	maxRows: number | null,
	maxBytes: number | null
): RenderLimits {
	return {
		embedRows: maxRows,
		maxBytes,
		columnsOf: (t) => [...(findRelation(cache, t.schema, t.name)?.columns.keys() ?? [])]
	};
}

/** A JSON response in the negotiated media type; HEAD gets the headers only. */
export function respond(
	ctx: RestContext,
	status: number,
	body: string | null,
	headers: Record<string, string> = {}
): Response {
	const out = new Headers(headers);
	if (body !== null) {
		const type = ctx.singular
			? 'application/vnd.pgrst.object+json'
			: ctx.stripNulls
				? 'application/vnd.pgrst.array+json'
				: 'application/json';
		out.set('Content-Type', `${type}${ctx.stripNulls ? ';nulls=stripped' : ''}; charset=utf-8`);
	}
	if (ctx.prefs.applied.length) out.set('Preference-Applied', ctx.prefs.applied.join(', '));
	return new Response(ctx.method === 'HEAD' || status === 204 ? null : body, {
		status,
		headers: out
	});
}
