import type {
	ColumnRef,
	Condition,
	EmbedItem,
	Filter,
	OrderTerm,
	SelectItem
} from './query-string.ts';
import { OPERATORS } from './query-string.ts';

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

export function selectSql(
	items: SelectItem[],
	params: Params,
	qualifier?: string,
	depth = 0
): string {
	return items
		.map((item) => {
			if (item.kind === 'star') return qualifier ? `${qualifier}.*` : '*';
			if (item.kind === 'embed') return embedSql(item, params, qualifier, depth + 1);
			let sql = columnSql(item.column, params, qualifier);
			// The cast is checked against an identifier pattern (no spaces or punctuation) by the parser.
			if (item.cast) sql = `CAST(${sql} AS ${item.cast})`;
			return `${sql} AS ${ident(outputName(item.column, item.alias))}`;
		})
		.join(', ');
}

/** A correlated subquery: the related row as an object (or null), or the related rows as an array. */
function embedSql(
	item: EmbedItem,
	params: Params,
	parent: string | undefined,
	depth: number
): string {
	const join = item.join;
	if (!join || !parent) throw new Error(`embed ${item.relation} was not resolved`);
	const alias = ident(`${join.table}_${depth}`);
	const on = join.on
		.map(([child, ofParent]) => `${alias}.${ident(child)} = ${parent}.${ident(ofParent)}`)
		.join(' AND ');
	const inner = `SELECT ${selectSql(item.select, params, alias, depth)} FROM ${qualified(join.schema, join.table)} AS ${alias} WHERE ${on}`;
	const value = join.toOne
		? `(SELECT row_to_json(pgrst_e) FROM (${inner} LIMIT 1) AS pgrst_e)`
		: `(SELECT coalesce(json_agg(pgrst_e), '[]') FROM (${inner}) AS pgrst_e)`;
	return `${value} AS ${ident(item.alias ?? item.relation)}`;
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

export function whereSql(conditions: Condition[], params: Params, qualifier?: string): string {
	if (!conditions.length) return '';
	return ` WHERE ${conditions.map((c) => conditionSql(c, params, qualifier)).join(' AND ')}`;
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
