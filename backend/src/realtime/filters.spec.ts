import { describe, expect, it } from 'vitest';
import { parseFilterValue } from '../rest/query-string.ts';
import { FilterError, matches, parseFilter } from './filters.ts';

const types = new Map([
	['name', 'text'],
	['n', 'int4']
]);

/** Realtime filters and REST filters are one grammar: the same text means the same values. */
describe('postgres_changes filters in the PostgREST grammar', () => {
	it('reads quoted list items with escapes exactly as REST does', () => {
		const value = String.raw`in.("a,b","c\"d","e\\f",plain)`;
		const rest = parseFilterValue({ name: 'name', path: [] }, value, `name=${value}`, false);
		expect(rest.value).toEqual(['a,b', 'c"d', 'e\\f', 'plain']);
		const [realtime] = parseFilter(`name=${value}`, types);
		expect(realtime.values).toEqual(rest.value);
		expect(matches([realtime], { name: 'e\\f' }, types)).toBe(true);
		expect(matches([realtime], { name: 'e\\\\f' }, types)).toBe(false);
	});

	it('keeps commas inside braces and parentheses within one condition', () => {
		const conds = parseFilter('name=eq.{a,b},n=in.(1,2)', types);
		expect(conds.map((c) => [c.column, c.op, c.values])).toEqual([
			['name', 'eq', ['{a,b}']],
			['n', 'in', [1, 2]]
		]);
	});

	it('refuses unbalanced quotes and brackets, as REST does', () => {
		for (const filter of ['name=eq."abc', 'n=in.(1,2', 'name=eq.a)b']) {
			expect(() => parseFilter(filter, types), filter).toThrow(FilterError);
		}
	});

	it('refuses operators realtime does not evaluate, and modifiers', () => {
		for (const filter of ['n=cs.{1}', 'name=like(any).{a*}', 'n=nope.1', 'n=1']) {
			expect(() => parseFilter(filter, types), filter).toThrow(FilterError);
		}
	});
});
