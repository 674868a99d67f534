import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, jsonDepthExceeds, parseJson } from './body.ts';

describe('parseJson', () => {
	it('parses JSON and says where invalid text stops being JSON', () => {
		expect(parseJson('{"a":[1,{"b":null}]}')).toEqual({ ok: true, value: { a: [1, { b: null }] } });
		expect(parseJson('{"a":')).toMatchObject({ ok: false });
	});

	it('refuses nesting beyond the limit without recursing, at any depth', () => {
		const at = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
		expect(parseJson(at(MAX_JSON_DEPTH))).toMatchObject({ ok: true });
		expect(parseJson(at(MAX_JSON_DEPTH + 1))).toEqual({
			ok: false,
			message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`
		});
		expect(parseJson('{"a":' + at(1_000_000) + '}')).toMatchObject({ ok: false });
	});

	it('does not count brackets inside strings, escaped quotes included', () => {
		const text = JSON.stringify({ s: '['.repeat(10_000) + '\\"[' + '{'.repeat(500) });
		expect(parseJson(text)).toMatchObject({ ok: true });
		expect(jsonDepthExceeds(text, 1)).toBe(false);
		expect(jsonDepthExceeds('{"a":{"b":1}}', 1)).toBe(true);
		expect(jsonDepthExceeds('{"a":{"b":1}}', 2)).toBe(false);
	});
});
