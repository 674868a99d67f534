/**
 * The PostgREST filter grammar both the REST query string and realtime's `postgres_changes`
 * filters are written in: `[not.]op[(modifier)].value`, comma-separated lists that respect double
 * quotes and brackets, and double-quoted items with backslash escapes. Syntax only: REST renders
 * the result as SQL (`sql.ts`), realtime evaluates it against captured rows (`realtime/filters.ts`);
 * each turns a GrammarError into its own error.
 */

export class GrammarError extends Error {
	readonly details: string | null;
	constructor(message: string, details: string | null = null) {
		super(message);
		this.name = 'GrammarError';
		this.details = details;
	}
}

/** Every operator PostgREST knows, with the SQL it stands for. */
export const OPERATORS = {
	eq: '=',
	neq: '<>',
	gt: '>',
	gte: '>=',
	lt: '<',
	lte: '<=',
	like: 'LIKE',
	ilike: 'ILIKE',
	match: '~',
	imatch: '~*',
	cs: '@>',
	cd: '<@',
	ov: '&&',
	sl: '<<',
	sr: '>>',
	// "does not extend to the left/right of": nxl is &>, nxr is &< (supabase-js rangeGte/rangeLte).
	nxl: '&>',
	nxr: '&<',
	adj: '-|-',
	isdistinct: 'IS DISTINCT FROM',
	is: 'IS',
	in: 'IN',
	fts: 'to_tsquery',
	plfts: 'plainto_tsquery',
	phfts: 'phraseto_tsquery',
	wfts: 'websearch_to_tsquery'
} as const;

export type Operator = keyof typeof OPERATORS;

/** Operators that take `(any)`/`(all)` and a `{a,b}` list. */
export const QUANTIFIABLE: ReadonlySet<Operator> = new Set<Operator>([
	'eq',
	'gt',
	'gte',
	'lt',
	'lte',
	'like',
	'ilike',
	'match',
	'imatch'
]);
/** Full-text operators, whose modifier is the text-search configuration. */
export const FTS: ReadonlySet<Operator> = new Set<Operator>(['fts', 'plfts', 'phfts', 'wfts']);
export const IS_VALUES = ['null', 'true', 'false', 'unknown'] as const;

/**
 * Splits on `sep` outside double quotes and parentheses/braces; inside quotes a backslash escapes
 * the next character. Unbalanced quotes or brackets are a GrammarError.
 */
export function splitTopLevel(text: string, sep = ','): string[] {
	const parts: string[] = [];
	let depth = 0;
	let quoted = false;
	let start = 0;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '\\') i++;
			else if (ch === '"') quoted = false;
		} else if (ch === '"') quoted = true;
		else if (ch === '(' || ch === '{') depth++;
		else if (ch === ')' || ch === '}') depth--;
		else if (ch === sep && depth === 0) {
			parts.push(text.slice(start, i));
			start = i + 1;
		}
		if (depth < 0) throw new GrammarError(`"failed to parse" unbalanced parentheses`, text);
	}
	if (quoted || depth !== 0) {
		throw new GrammarError('"failed to parse" unbalanced quotes or parentheses', text);
	}
	parts.push(text.slice(start));
	return parts;
}

/** `"a,b"` → `a,b` (with `\"` and `\\` unescaped); anything else as is. */
export function unquote(value: string): string {
	if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
		return value.slice(1, -1).replace(/\\(.)/g, '$1');
	}
	return value;
}

/** `(a,"b,c")` → `['a', 'b,c']`, between the given brackets; items trimmed and unquoted. */
export function parseList(value: string, open: string, close: string): string[] {
	if (!value.startsWith(open) || !value.endsWith(close)) {
		throw new GrammarError(`expected a list in ${open}${close}`);
	}
	const inner = value.slice(1, -1);
	if (inner.trim() === '') return [];
	return splitTopLevel(inner).map((v) => unquote(v.trim()));
}

export interface Operation {
	negate: boolean;
	op: Operator;
	/** `any`/`all` for quantified operators, the configuration for full-text ones. */
	modifier?: string;
	/** Everything after the operator's dot, as written. */
	value: string;
}

/** `[not.]op[(modifier)].value`: the right-hand side of `col=…`. */
export function parseOperation(text: string): Operation {
	let rest = text;
	let negate = false;
	if (rest.startsWith('not.')) {
		negate = true;
		rest = rest.slice(4);
	}
	const m = /^([a-z]+)(?:\(([A-Za-z0-9_]+)\))?\./.exec(rest);
	if (!m || !(m[1] in OPERATORS)) throw new GrammarError('unknown or missing operator');
	return { negate, op: m[1] as Operator, modifier: m[2], value: rest.slice(m[0].length) };
}
