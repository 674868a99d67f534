import { queryParamError as badQuery } from './errors.ts';
import {
	FTS,
	GrammarError,
	IS_VALUES,
	QUANTIFIABLE,
	parseList,
	parseOperation,
	splitTopLevel as split,
	unquote,
	type Operator
} from './grammar.ts';

import type { Relationship } from './relationships.ts';

export { OPERATORS, type Operator } from './grammar.ts';

/**
 * The PostgREST query-string grammar this back end understands (`select`, filters, `or`/`and`
 * trees, `order`, `limit`/`offset`, `columns`, `on_conflict`), parsed into plain
 * data. Nothing here touches SQL; `sql.ts` renders it with quoted identifiers and parameters.
 */

export interface JsonStep {
	arrow: '->' | '->>';
	/** An object key, or an array index when it is an integer. */
	key: string;
}

export interface ColumnRef {
	name: string;
	path: JsonStep[];
}

export type SelectItem =
	| { kind: 'star' }
	| { kind: 'column'; column: ColumnRef; alias?: string; cast?: string }
	| EmbedItem;

/**
 * `alias:relation!hint!inner(select)` or `...relation(select)` — a related table, resolved against
 * the schema cache's relationships later.
 */
export interface EmbedItem {
	kind: 'embed';
	relation: string;
	alias?: string;
	/** A constraint, column or junction table name that picks one of several relationships. */
	hint?: string;
	/** `!inner` keeps only parents with a matching embedded row; `!left` (the default) keeps all. */
	joinType?: 'inner' | 'left';
	/** `...relation(cols)`: the embedded columns become the parent's own. */
	spread: boolean;
	select: SelectItem[];
	/** `relation.col=op.value`, `relation.order`, `relation.limit`… from the query string. */
	params: EmbedParams;
	/** Filled in by `resolveEmbeds`: the relationship its rows join the parent's by. */
	join?: Relationship;
}

/** Filters, order and paging of one embedded resource. */
export interface EmbedParams {
	conditions: Condition[];
	order: OrderTerm[];
	limit?: number;
	offset?: number;
}

export const noEmbedParams = (): EmbedParams => ({ conditions: [], order: [] });

export interface Filter {
	kind: 'filter';
	column: ColumnRef;
	negate: boolean;
	op: Operator;
	/** `like(any)` etc.: the value is a list `{a,b}`, combined with OR (any) or AND (all). */
	quantifier?: 'any' | 'all';
	/** Text-search configuration for `fts(english)` etc. */
	language?: string;
	value: string | string[];
	/**
	 * Set by `resolveEmbeds` when the filter is `is.null` on an embed's name (`users=not.is.null`):
	 * it tests whether the parent has a matching embedded row.
	 */
	embed?: EmbedItem;
}

export interface Logic {
	kind: 'logic';
	op: 'and' | 'or';
	negate: boolean;
	children: Condition[];
}

export type Condition = Filter | Logic;

export interface OrderTerm {
	column: ColumnRef;
	direction?: 'asc' | 'desc';
	nulls?: 'first' | 'last';
}

/** The grammar's split, with its errors as PGRST100. */
export function splitTopLevel(text: string, sep = ','): string[] {
	return asQueryError(() => split(text, sep));
}

function asQueryError<T>(fn: () => T, raw?: string): T {
	try {
		return fn();
	} catch (e) {
		if (!(e instanceof GrammarError)) throw e;
		if (raw === undefined) throw badQuery(e.message, e.details);
		throw badQuery(`"failed to parse filter" (${raw})`, e.details ?? e.message);
	}
}

const NAME = /^[^\s.,:()"'\-<>!*]+$|^"(?:[^"]|"")+"$/;

function parseName(text: string, context: string): string {
	const t = text.trim();
	if (!NAME.test(t))
		throw badQuery(`"failed to parse ${context}" (${text})`, `unexpected "${text}"`);
	return t.startsWith('"') ? t.slice(1, -1).replaceAll('""', '"') : t;
}

/** `col`, `col->a->>b`, `"odd name"->0`. */
export function parseColumnRef(text: string, context = 'column'): ColumnRef {
	const pieces = text.trim().split(/(->>|->)/);
	const name = parseName(pieces[0], context);
	const path: JsonStep[] = [];
	for (let i = 1; i < pieces.length; i += 2) {
		const key = pieces[i + 1]?.trim();
		if (!key) throw badQuery(`"failed to parse ${context}" (${text})`, 'empty JSON path key');
		path.push({ arrow: pieces[i] as JsonStep['arrow'], key: unquote(key) });
	}
	return { name, path };
}

const CAST = /^[A-Za-z_][A-Za-z0-9_]*(\[\])?$/;

/**
 * `select=` — columns, aliases, casts, JSON paths and embedded resources (`rel(cols)`,
 * `alias:rel!fk(cols)`); embeds are resolved against the schema cache's foreign keys by `embed.ts`.
 */
export function parseSelect(text: string | null): SelectItem[] {
	if (text === null || text.trim() === '') return [{ kind: 'star' }];
	return splitTopLevel(text).map((raw): SelectItem => {
		const item = raw.trim();
		if (item === '*') return { kind: 'star' };
		const embed = /^(?:([^:"(!.]+):(?!:))?(\.\.\.)?([^:"(!]+)((?:![^(!]+)*)\((.*)\)$/s.exec(item);
		if (embed) {
			const [, alias, spread, target, marks, inner] = embed;
			const bangs = marks ? marks.slice(1).split('!') : [];
			let joinType: EmbedItem['joinType'];
			if (bangs.length && (bangs.at(-1) === 'inner' || bangs.at(-1) === 'left')) {
				joinType = bangs.pop() as EmbedItem['joinType'];
			}
			if (bangs.length > 1 || (spread && alias !== undefined)) {
				throw badQuery(`"failed to parse select parameter" (${item})`, `unexpected "${item}"`);
			}
			return {
				kind: 'embed',
				relation: parseName(target, 'embedded resource'),
				alias: alias === undefined ? undefined : parseName(alias, 'select alias'),
				hint: bangs.length ? parseName(bangs[0], 'embed hint') : undefined,
				joinType,
				spread: spread !== undefined,
				select: inner.trim() === '' ? [] : parseSelect(inner),
				params: noEmbedParams()
			};
		}
		if (item.includes('(')) {
			throw badQuery(`"failed to parse select parameter" (${item})`, `unexpected "("`);
		}
		let rest = item;
		let alias: string | undefined;
		const aliasMatch = /^([^:"]+|"(?:[^"]|"")+"):(?!:)/.exec(rest);
		if (aliasMatch) {
			alias = parseName(aliasMatch[1], 'select alias');
			rest = rest.slice(aliasMatch[0].length);
		}
		let cast: string | undefined;
		const castAt = rest.lastIndexOf('::');
		if (castAt >= 0) {
			cast = rest.slice(castAt + 2).trim();
			rest = rest.slice(0, castAt);
			if (!CAST.test(cast))
				throw badQuery(`"failed to parse select parameter" (${item})`, `bad cast "${cast}"`);
		}
		return { kind: 'column', column: parseColumnRef(rest, 'select parameter'), alias, cast };
	});
}

/** `[not.]op[(modifier)].value` — the right-hand side of `col=…` or of `col.…` inside `or=()`. */
export function parseFilterValue(
	column: ColumnRef,
	text: string,
	raw: string,
	inTree: boolean
): Filter {
	const { negate, op, modifier, value: written } = asQueryError(() => parseOperation(text), raw);
	let value = written;
	const filter: Filter = { kind: 'filter', column, negate, op, value };

	if (modifier !== undefined) {
		if (FTS.has(op)) filter.language = modifier;
		else if (QUANTIFIABLE.has(op) && (modifier === 'any' || modifier === 'all')) {
			filter.quantifier = modifier;
			filter.value = asQueryError(() => parseList(value, '{', '}'), raw);
			return filter;
		} else throw badQuery(`"failed to parse filter" (${raw})`, `unexpected "(${modifier})"`);
	}
	if (op === 'in') {
		filter.value = asQueryError(() => parseList(value, '(', ')'), raw);
	} else if (op === 'is') {
		const v = value.toLowerCase();
		if (!(IS_VALUES as readonly string[]).includes(v)) {
			throw badQuery(
				`"failed to parse filter" (${raw})`,
				'is. accepts null, true, false or unknown'
			);
		}
		filter.value = v;
	} else {
		// Inside or=()/and=() a value may be double-quoted to carry commas or parentheses.
		if (inTree) value = unquote(value);
		if (op === 'like' || op === 'ilike') value = value.replaceAll('*', '%');
		filter.value = value;
	}
	return filter;
}

/** `or=(a.eq.1,and(b.gt.2,c.lt.3))`, given the key (`or`, `not.and`) and the value. */
export function parseLogic(key: string, value: string): Logic {
	const negate = key.startsWith('not.');
	const op = (negate ? key.slice(4) : key) as 'and' | 'or';
	return { kind: 'logic', op, negate, children: parseLogicBody(value, `${key}=${value}`) };
}

function parseLogicBody(value: string, raw: string): Condition[] {
	if (!value.startsWith('(') || !value.endsWith(')')) {
		throw badQuery(`"failed to parse logic tree" (${raw})`, 'expected parentheses');
	}
	return splitTopLevel(value.slice(1, -1)).map((part) => {
		const item = part.trim();
		const nested = /^(not\.)?(and|or)\(/.exec(item);
		if (nested) {
			return {
				kind: 'logic',
				op: nested[2] as 'and' | 'or',
				negate: nested[1] !== undefined,
				children: parseLogicBody(item.slice(nested[0].length - 1), raw)
			};
		}
		const dot = item.indexOf('.');
		if (dot <= 0) throw badQuery(`"failed to parse logic tree" (${raw})`, `unexpected "${item}"`);
		return parseFilterValue(
			parseColumnRef(item.slice(0, dot), 'logic tree'),
			item.slice(dot + 1),
			raw,
			true
		);
	});
}

function hasOperator(value: string): boolean {
	try {
		parseOperation(value);
		return true;
	} catch {
		return false;
	}
}

/** `order=a.desc.nullslast,b` */
export function parseOrder(text: string): OrderTerm[] {
	return splitTopLevel(text).map((raw) => {
		const pieces = raw.trim().split('.');
		const term: OrderTerm = { column: parseColumnRef(pieces[0], 'order') };
		for (const modifier of pieces.slice(1)) {
			if (modifier === 'asc' || modifier === 'desc') term.direction = modifier;
			else if (modifier === 'nullsfirst') term.nulls = 'first';
			else if (modifier === 'nullslast') term.nulls = 'last';
			else throw badQuery(`"failed to parse order" (${raw})`, `unexpected "${modifier}"`);
		}
		return term;
	});
}

export function parseNonNegative(name: string, text: string | null): number | undefined {
	if (text === null || text === '') return undefined;
	if (!/^\d{1,15}$/.test(text))
		throw badQuery(`"failed to parse ${name}" (${text})`, 'expected a non-negative integer');
	return Number(text);
}

/** `columns="a","b"` or `columns=a,b` on POST. */
export function parseColumns(text: string): string[] {
	return splitTopLevel(text).map((c) => parseName(c, 'columns parameter'));
}

export interface Query {
	select: SelectItem[];
	conditions: Condition[];
	order: OrderTerm[];
	limit?: number;
	offset?: number;
	columns?: string[];
	onConflict?: string[];
	/** Parameters that are neither reserved nor filters, e.g. RPC arguments on GET. */
	other: Map<string, string>;
	/** Filters, order and paging of embedded resources, by their path (`messages.users`). */
	embedded: Map<string, EmbedParams>;
}

const RESERVED = new Set(['select', 'order', 'limit', 'offset', 'columns', 'on_conflict']);

/**
 * Parses the whole query string. `argNames` are the RPC argument names of a GET call: parameters
 * with those names, or without an operator, are arguments (PostgREST's RPC params), not
 * filters.
 */
export function parseQuery(params: URLSearchParams, argNames?: Set<string>): Query {
	const query: Query = {
		select: parseSelect(params.get('select')),
		conditions: [],
		order: params.has('order') ? parseOrder(params.get('order')!) : [],
		limit: parseNonNegative('limit', params.get('limit')),
		offset: parseNonNegative('offset', params.get('offset')),
		other: new Map(),
		embedded: new Map()
	};
	const embedded = (path: string[]) => {
		const key = path.join('.');
		let found = query.embedded.get(key);
		if (!found) query.embedded.set(key, (found = noEmbedParams()));
		return found;
	};
	if (params.has('columns')) query.columns = parseColumns(params.get('columns')!);
	if (params.has('on_conflict')) query.onConflict = parseColumns(params.get('on_conflict')!);

	for (const [key, value] of params) {
		if (RESERVED.has(key)) continue;
		// On an RPC GET a parameter is an argument when it is named like one or has no operator.
		if (argNames && (argNames.has(key) || (!key.includes('.') && !hasOperator(value)))) {
			query.other.set(key, value);
			continue;
		}
		if (key === 'or' || key === 'and' || key === 'not.or' || key === 'not.and') {
			query.conditions.push(parseLogic(key, value));
			continue;
		}
		// `messages.users.username=eq.x`: everything before the last dot (outside a JSON path) is
		// the path of embedded resources the filter, order or limit applies to.
		const arrow = key.indexOf('->');
		const head = arrow >= 0 ? key.slice(0, arrow) : key;
		const segments = head.split('.');
		if (segments.length > 1) {
			const last = segments.at(-1)!;
			const negatedLogic = segments.length > 2 && segments.at(-2) === 'not';
			if ((last === 'or' || last === 'and') && arrow < 0) {
				const path = segments.slice(0, negatedLogic ? -2 : -1);
				embedded(path).conditions.push(parseLogic(negatedLogic ? `not.${last}` : last, value));
			} else if (last === 'order' && arrow < 0) {
				embedded(segments.slice(0, -1)).order = parseOrder(value);
			} else if ((last === 'limit' || last === 'offset') && arrow < 0) {
				embedded(segments.slice(0, -1))[last] = parseNonNegative(last, value);
			} else {
				const field = last + (arrow >= 0 ? key.slice(arrow) : '');
				embedded(segments.slice(0, -1)).conditions.push(
					parseFilterValue(parseColumnRef(field, 'filter'), value, `${key}=${value}`, false)
				);
			}
			continue;
		}
		query.conditions.push(
			parseFilterValue(parseColumnRef(key, 'filter'), value, `${key}=${value}`, false)
		);
	}
	return query;
}
