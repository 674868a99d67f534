import {
	GrammarError,
	parseList,
	parseOperation,
	splitTopLevel,
	unquote,
	type Operation
} from '../rest/grammar.ts';

/**
 * `postgres_changes` filters (`column=op.value`, comma-joined = AND, optional `not.`), written in
 * the PostgREST grammar REST reads too (`rest/grammar.ts`), parsed once at subscribe time and
 * evaluated in JS against each captured row. Values compare by the column's type so
 * `event_id=eq.5` matches the JSON number 5, as Realtime's casts do.
 */

export type Op =
	| 'eq'
	| 'neq'
	| 'lt'
	| 'lte'
	| 'gt'
	| 'gte'
	| 'in'
	| 'is'
	| 'isdistinct'
	| 'like'
	| 'ilike'
	| 'match'
	| 'imatch';

export interface Condition {
	column: string;
	op: Op;
	negate: boolean;
	/** Normalized comparison keys (one, or several for `in`); `is` keeps the literal. */
	values: Key[];
	pattern?: RegExp;
}

type Key = string | number | boolean | null;

const OPS = new Set<string>([
	'eq',
	'neq',
	'lt',
	'lte',
	'gt',
	'gte',
	'in',
	'is',
	'isdistinct',
	'like',
	'ilike',
	'match',
	'imatch'
]);
const NUMERIC = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'oid', 'money']);
const TIME = new Set(['timestamptz', 'timestamp', 'date']);
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const MAX_IN_VALUES = 100;

export class FilterError extends Error {}

/** Comparison key of a value of column type `type`; `undefined` when it cannot be cast. */
export function keyOf(value: unknown, type: string): Key | undefined {
	if (value === null || value === undefined) return null;
	if (typeof value === 'object' && 'rawJSON' in value)
		value = (value as { rawJSON: string }).rawJSON;
	if (NUMERIC.has(type)) {
		const n = typeof value === 'number' ? value : Number(String(value).trim());
		return typeof value === 'string' && value.trim() === ''
			? undefined
			: Number.isNaN(n)
				? undefined
				: n;
	}
	if (type === 'bool') {
		if (typeof value === 'boolean') return value;
		const s = String(value).toLowerCase();
		if (['t', 'true', 'y', 'yes', 'on', '1'].includes(s)) return true;
		if (['f', 'false', 'n', 'no', 'off', '0'].includes(s)) return false;
		return undefined;
	}
	if (TIME.has(type)) {
		const t = Date.parse(String(value));
		return Number.isNaN(t) ? undefined : t;
	}
	if (type === 'uuid') {
		const s = String(value);
		return UUID.test(s) ? s.replace(/-/g, '').toLowerCase() : undefined;
	}
	return typeof value === 'string' ? value : JSON.stringify(value);
}

function likeToRegExp(pattern: string, insensitive: boolean): RegExp {
	let src = '';
	for (let i = 0; i < pattern.length; i++) {
		const c = pattern[i];
		if (c === '\\' && i + 1 < pattern.length)
			src += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
		else if (c === '%' || c === '*') src += '.*';
		else if (c === '_') src += '.';
		else src += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	}
	return new RegExp(`^${src}$`, insensitive ? 'is' : 's');
}

/**
 * Parses a filter string against the table's columns (`types`: column name → typname, only the
 * columns the subscriber may select). Throws FilterError on anything Realtime would refuse.
 */
export function parseFilter(filter: string, types: ReadonlyMap<string, string>): Condition[] {
	return grammar(() => splitTopLevel(filter, ',')).map((part) => {
		const eq = part.indexOf('=');
		if (eq <= 0) throw new FilterError(`invalid filter: ${part}`);
		const column = unquote(part.slice(0, eq).trim());
		const { op, negate, value: raw } = operationOf(part.slice(eq + 1));
		const type = types.get(column);
		if (type === undefined) throw new FilterError(`unknown or unselectable column: ${column}`);
		const cast = (v: string) => {
			const k = keyOf(v, type);
			if (k === undefined || k === null) throw new FilterError(`invalid value for ${column}: ${v}`);
			return k;
		};
		const cond: Condition = { column, op, negate, values: [] };
		if (op === 'in') {
			if (!raw.startsWith('(') || !raw.endsWith(')'))
				throw new FilterError(`invalid in list: ${raw}`);
			const items = grammar(() => parseList(raw, '(', ')'));
			if (items.length > MAX_IN_VALUES) throw new FilterError('too many values in in filter');
			cond.values = items.map(cast);
		} else if (op === 'is') {
			const v = raw.toLowerCase();
			if (v === 'null' || (type === 'bool' && (v === 'true' || v === 'false' || v === 'unknown'))) {
				cond.values = [v === 'null' || v === 'unknown' ? null : v === 'true'];
			} else throw new FilterError(`invalid is value: ${raw}`);
		} else if (op === 'like' || op === 'ilike') {
			cond.pattern = likeToRegExp(unquote(raw), op === 'ilike');
		} else if (op === 'match' || op === 'imatch') {
			// POSIX regular expressions; the common subset reads the same in JS
			try {
				cond.pattern = new RegExp(unquote(raw), op === 'imatch' ? 'i' : '');
			} catch {
				throw new FilterError(`invalid regular expression: ${raw}`);
			}
		} else if (op === 'isdistinct') {
			const v = unquote(raw);
			cond.values = [v.toLowerCase() === 'null' ? null : cast(v)];
		} else {
			cond.values = [cast(unquote(raw))];
		}
		return cond;
	});
}

/** The grammar's parse, with its errors as FilterError. */
function grammar<T>(parse: () => T): T {
	try {
		return parse();
	} catch (e) {
		if (e instanceof GrammarError) throw new FilterError(`invalid filter: ${e.message}`);
		throw e;
	}
}

/** The operation, limited to the operators realtime evaluates. */
function operationOf(text: string): Omit<Operation, 'op'> & { op: Op } {
	let operation: Operation;
	try {
		operation = parseOperation(text);
	} catch {
		const op = text.replace(/^not\./, '').split('.')[0];
		throw new FilterError(`unsupported operator: ${op}`);
	}
	if (!OPS.has(operation.op) || operation.modifier !== undefined) {
		throw new FilterError(`unsupported operator: ${operation.op}`);
	}
	return operation as Omit<Operation, 'op'> & { op: Op };
}

/** SQL three-valued result of one condition; `null` = unknown (fails the filter). */
function test(c: Condition, record: Record<string, unknown>, type: string): boolean | null {
	if (!(c.column in record)) return false; // a record missing the column fails closed
	const v = keyOf(record[c.column], type);
	if (c.op === 'is') return v === c.values[0];
	if (c.op === 'isdistinct') return (v ?? null) !== c.values[0];
	if (v === null || v === undefined) return null;
	switch (c.op) {
		case 'eq':
			return v === c.values[0];
		case 'neq':
			return v !== c.values[0];
		case 'lt':
			return v < (c.values[0] as number | string);
		case 'lte':
			return v <= (c.values[0] as number | string);
		case 'gt':
			return v > (c.values[0] as number | string);
		case 'gte':
			return v >= (c.values[0] as number | string);
		case 'in':
			return c.values.includes(v);
		case 'like':
		case 'ilike':
		case 'match':
		case 'imatch':
			return c.pattern!.test(String(record[c.column]));
	}
}

export function matches(
	conds: readonly Condition[],
	record: Record<string, unknown>,
	types: ReadonlyMap<string, string>
): boolean {
	for (const c of conds) {
		const r = test(c, record, types.get(c.column) ?? 'text');
		if (r === null || r === c.negate) return false;
	}
	return true;
}
