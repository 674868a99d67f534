import type {
	ColumnRef,
	Condition,
	EmbedItem,
	Filter,
	OrderTerm,
	SelectItem
} from './query-string.ts';
import { OPERATORS } from './query-string.ts';
import { isToOne, type Relationship, type TableName } from './relationships.ts';

/**
 * Renders parsed queries as SQL. Identifiers are always double-quoted (never interpolated raw) and
 * every value is a bind parameter, which Postgres casts to the column's type itself — so a bad value
 * is a 22P02 from Postgres, never a syntax change.
 */
export function ident(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(schema: string, name: string): string {
	return `${ident(schema)}.${ident(name)}`;
}

export class Params {
	readonly values: unknown[] = [];
	private aliases = 0;

	/** A fresh suffix for a subquery's alias, unique within the statement. */
	nextAlias(): string {
		return `x${++this.aliases}`;
	}

	/** Adds a value; strings go as untyped literals so Postgres infers their type from context. */
	add(value: unknown): string {
		this.values.push(value);
		return `$${this.values.length}`;
	}
}

export function columnSql(ref: ColumnRef, params: Params, qualifier?: string): string {
	let sql = qualifier ? `${qualifier}.${ident(ref.name)}` : ident(ref.name);
	for (const step of ref.path) {
		// Integer keys index arrays; anything else is an object key, passed as a text parameter.
		const key = /^-?\d+$/.test(step.key) ? step.key : `${params.add(step.key)}::text`;
		sql = `(${sql}${step.arrow}${key})`;
	}
	return sql;
}

/** The name PostgREST gives a selected column: alias, else the last JSON key, else the column. */
export function outputName(ref: ColumnRef, alias?: string): string {
	return alias ?? (ref.path.length ? ref.path[ref.path.length - 1].key : ref.name);
}

/** What bounds the JSON a read renders: rows per embedded array, and bytes per array. */
export interface RenderLimits {
	/** `[api] max_rows` for each embedded array, as for the top level; null for none. */
	embedRows: number | null;
	/** The largest JSON array (top level or embedded) in bytes; null for none. */
	maxBytes: number | null;
	/** The columns of a relation, for `*` in a spread embed. */
	columnsOf?: (table: TableName) => string[];
}

export const UNLIMITED: RenderLimits = { embedRows: null, maxBytes: null };

/** One rendered select item: its SQL and, when it is a single named column, that name. */
interface Piece {
	sql: string;
	name?: string;
}

export function selectSql(
	items: SelectItem[],
	params: Params,
	qualifier: string | undefined,
	limits: RenderLimits,
	depth = 0
): string {
	return selectPieces(items, params, qualifier, limits, depth)
		.map((p) => (p.name === undefined ? p.sql : `${p.sql} AS ${ident(p.name)}`))
		.join(', ');
}

function selectPieces(
	items: SelectItem[],
	params: Params,
	qualifier: string | undefined,
	limits: RenderLimits,
	depth: number
): Piece[] {
	return items.flatMap((item): Piece[] => {
		if (item.kind === 'star') return [{ sql: qualifier ? `${qualifier}.*` : '*' }];
		if (item.kind === 'embed') return embedPieces(item, params, qualifier, limits, depth + 1);
		let sql = columnSql(item.column, params, qualifier);
		// The cast is checked against an identifier pattern (no spaces or punctuation) by the parser.
		if (item.cast) sql = `CAST(${sql} AS ${item.cast})`;
		return [{ sql, name: outputName(item.column, item.alias) }];
	});
}

/** The embedded relation joined to its parent row, with the embed's own filters. */
function embedSource(
	item: EmbedItem,
	params: Params,
	parent: string,
	limits: RenderLimits,
	depth: number | string
): { from: string; where: string; alias: string } {
	const rel = item.join;
	if (!rel) throw new Error(`embed ${item.relation} was not resolved`);
	const alias = embedAlias(rel, depth);
	let from = `${qualified(rel.foreignTable.schema, rel.foreignTable.name)} AS ${alias}`;
	const on: string[] = [];
	if (rel.computed) {
		// The parent's whole row, as the table's row type (a write's rows come as a plain record).
		const row = `${parent}::${qualified(rel.table.schema, rel.table.name)}`;
		from = `${qualified(rel.computed.schema, rel.computed.name)}(${row}) AS ${alias}`;
	} else if (rel.junction) {
		const j = rel.junction;
		const jAlias = ident(`${j.table.name}_j${depth}`);
		from += `, ${qualified(j.table.schema, j.table.name)} AS ${jAlias}`;
		for (const [jc, fc] of j.targetColumns)
			on.push(`${jAlias}.${ident(jc)} = ${alias}.${ident(fc)}`);
		for (const [jc, tc] of j.sourceColumns)
			on.push(`${jAlias}.${ident(jc)} = ${parent}.${ident(tc)}`);
	} else {
		for (const [tc, fc] of rel.columns) on.push(`${alias}.${ident(fc)} = ${parent}.${ident(tc)}`);
	}
	for (const c of item.params.conditions) on.push(conditionSql(c, params, alias));
	on.push(...innerJoinsSql(item.select, params, alias, limits));
	return { from, where: on.length ? ` WHERE ${on.join(' AND ')}` : '', alias };
}

const embedAlias = (rel: Relationship, depth: number | string) =>
	ident(`${rel.foreignTable.name}_${depth}`);

/**
 * `!inner` embeds among `items`, as conditions on the row at `qualifier`: it must have a matching
 * embedded row (PostgREST's INNER JOIN LATERAL).
 */
export function innerJoinsSql(
	items: SelectItem[],
	params: Params,
	qualifier: string,
	limits: RenderLimits
): string[] {
	return items.flatMap((item) => {
		if (item.kind !== 'embed' || item.joinType !== 'inner') return [];
		const { from, where } = embedSource(item, params, qualifier, limits, params.nextAlias());
		return [`EXISTS (SELECT 1 FROM ${from}${where})`];
	});
}

/**
 * A correlated subquery: the related row as an object (or null), or the related rows as an array;
 * for a spread, each of the related row's columns as the parent's own. An embed that selects
 * nothing (`users()`) only filters, and renders no key.
 */
function embedPieces(
	item: EmbedItem,
	params: Params,
	parent: string | undefined,
	limits: RenderLimits,
	depth: number
): Piece[] {
	const rel = item.join;
	if (!rel || !parent) throw new Error(`embed ${item.relation} was not resolved`);
	const alias = embedAlias(rel, depth);
	const toOne = isToOne(rel);
	const expanded: SelectItem[] = item.spread
		? item.select.flatMap((s): SelectItem[] =>
				s.kind === 'star'
					? (limits.columnsOf?.(rel.foreignTable) ?? []).map((name) => ({
							kind: 'column',
							column: { name, path: [] }
						}))
					: [s]
			)
		: item.select;
	const pieces = selectPieces(expanded, params, alias, limits, depth);
	// Rendered after the pieces, so an embed that renders nothing adds no unused parameters.
	if (!pieces.length) return [];
	const { from, where } = embedSource(item, params, parent, limits, depth);
	if (item.spread) {
		return pieces.map((p) => ({
			sql: `(SELECT ${p.sql} FROM ${from}${where} LIMIT 1)`,
			name: p.name
		}));
	}
	const list = pieces
		.map((p) => (p.name === undefined ? p.sql : `${p.sql} AS ${ident(p.name)}`))
		.join(', ');
	const inner = `SELECT ${list} FROM ${from}${where}`;
	const name = item.alias ?? item.relation;
	if (toOne) {
		return [{ sql: `(SELECT row_to_json(pgrst_e) FROM (${inner} LIMIT 1) AS pgrst_e)`, name }];
	}
	const order = orderSql(item.params.order, params, alias);
	const limit = Math.min(item.params.limit ?? Infinity, limits.embedRows ?? Infinity);
	const page = limitSql(limit === Infinity ? undefined : limit, item.params.offset);
	return [
		{
			sql: `(SELECT ${jsonArraySql()} FROM ${sizedRows(`(${inner}${order}${page})`, limits.maxBytes)})`,
			name
		}
	];
}

/**
 * The rows of `source` (a subquery or CTE) as JSON values `pgrst_j`, for `jsonArraySql` to
 * aggregate in order. With `maxBytes`, a running total of their sizes stops the statement at the
 * row that takes the array past the limit, so an oversized response is never built whole, neither
 * in the database nor here: plain SQL has no RAISE, so the refusal is a JSON path lookup that must
 * fail (SQLSTATE 2203A, its key naming the limit), which `pg-errors.ts` turns into the REST error.
 * `value` renders one row, `pgrst_r`.
 */
export function sizedRows(
	source: string,
	maxBytes: number | null,
	value = 'to_json(pgrst_r)'
): string {
	const rows = `(SELECT ${value} AS pgrst_j FROM ${source} AS pgrst_r)`;
	if (maxBytes === null) return `${rows} AS pgrst_s`;
	// +1 per row for the separator; both limits are validated integers, not request input.
	const total = 'sum(octet_length(pgrst_j::text) + 1) OVER (ROWS UNBOUNDED PRECEDING)';
	const refuse = `jsonb_path_query_first(jsonb_build_object('bytes', ${total}), 'strict $.${tooLargeKey(maxBytes)}')::json`;
	return `(SELECT CASE WHEN ${total} > ${maxBytes} THEN ${refuse} ELSE pgrst_j END AS pgrst_j FROM ${rows} AS pgrst_u) AS pgrst_s`;
}

/** One JSON text `value` (a scalar function's result), refused as `sizedRows` does past `maxBytes`. */
export function sizedValueSql(value: string, maxBytes: number | null): string {
	if (maxBytes === null) return value;
	const refuse = `jsonb_path_query_first(jsonb_build_object('bytes', octet_length(pgrst_v)), 'strict $.${tooLargeKey(maxBytes)}')::text`;
	return `(SELECT CASE WHEN octet_length(pgrst_v) > ${maxBytes} THEN ${refuse} ELSE pgrst_v END FROM (SELECT ${value} AS pgrst_v) AS pgrst_sv)`;
}

/** The aggregate over `sizedRows`: a JSON array. */
export function jsonArraySql(): string {
	return `coalesce(json_agg(pgrst_j), '[]')`;
}

/**
 * The response body over `sizedRows` as text: the array, or its one element (`object`); with
 * `stripNulls` (`nulls=stripped`) without the keys whose value is null.
 */
export function jsonBodySql(object: boolean, stripNulls = false): string {
	const body = object ? `(json_agg(pgrst_j)->0)` : `coalesce(json_agg(pgrst_j), '[]')`;
	const stripped = stripNulls ? `json_strip_nulls(${body})` : body;
	return `coalesce(${stripped}::text, '${object ? 'null' : '[]'}')`;
}

/** The JSON path key whose absence reports a response over `maxBytes`. */
export function tooLargeKey(maxBytes: number): string {
	return `response_exceeds_${maxBytes}_bytes`;
}

export function conditionSql(condition: Condition, params: Params, qualifier?: string): string {
	if (condition.kind === 'logic') {
		const joiner = condition.op === 'and' ? ' AND ' : ' OR ';
		const inner = condition.children.length
			? condition.children.map((c) => conditionSql(c, params, qualifier)).join(joiner)
			: condition.op === 'and'
				? 'TRUE'
				: 'FALSE';
		return condition.negate ? `NOT (${inner})` : `(${inner})`;
	}
	const sql = filterSql(condition, params, qualifier);
	return condition.negate ? `NOT (${sql})` : sql;
}

function filterSql(filter: Filter, params: Params, qualifier?: string): string {
	if (filter.embed && qualifier) {
		const { from, where } = embedSource(
			filter.embed,
			params,
			qualifier,
			UNLIMITED,
			params.nextAlias()
		);
		return `NOT EXISTS (SELECT 1 FROM ${from}${where})`;
	}
	const lhs = columnSql(filter.column, params, qualifier);
	const op = OPERATORS[filter.op];
	const value = filter.value;
	switch (filter.op) {
		case 'is':
			// One of four keywords, checked by the parser.
			return `${lhs} IS ${(value as string).toUpperCase()}`;
		case 'in': {
			const list = value as string[];
			return list.length ? `${lhs} IN (${list.map((v) => params.add(v)).join(', ')})` : 'FALSE';
		}
		case 'fts':
		case 'plfts':
		case 'phfts':
		case 'wfts': {
			const config = filter.language ? `${params.add(filter.language)}::regconfig, ` : '';
			return `${lhs} @@ ${op}(${config}${params.add(value)})`;
		}
	}
	if (filter.quantifier) {
		const list = value as string[];
		if (!list.length) return filter.quantifier === 'any' ? 'FALSE' : 'TRUE';
		const joiner = filter.quantifier === 'any' ? ' OR ' : ' AND ';
		return `(${list.map((v) => `${lhs} ${op} ${params.add(v)}`).join(joiner)})`;
	}
	return `${lhs} ${op} ${params.add(value)}`;
}

/** ` WHERE …` for the filters, and for `extra` conditions already rendered (`!inner` embeds). */
export function whereSql(
	conditions: Condition[],
	params: Params,
	qualifier?: string,
	extra: string[] = []
): string {
	const all = [...conditions.map((c) => conditionSql(c, params, qualifier)), ...extra];
	if (!all.length) return '';
	return ` WHERE ${all.join(' AND ')}`;
}

export function orderSql(order: OrderTerm[], params: Params, qualifier?: string): string {
	if (!order.length) return '';
	const terms = order.map((t) => {
		let sql = columnSql(t.column, params, qualifier);
		if (t.direction) sql += t.direction === 'asc' ? ' ASC' : ' DESC';
		if (t.nulls) sql += t.nulls === 'first' ? ' NULLS FIRST' : ' NULLS LAST';
		return sql;
	});
	return ` ORDER BY ${terms.join(', ')}`;
}

export function limitSql(limit: number | undefined, offset: number | undefined): string {
	// Both are validated non-negative integers.
	return (limit !== undefined ? ` LIMIT ${limit}` : '') + (offset ? ` OFFSET ${offset}` : '');
}
