import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/errors.ts';
import { parseOrder, parseQuery, parseSelect, splitTopLevel } from './query-string.ts';
import { Params, UNLIMITED, conditionSql, orderSql, selectSql } from './sql.ts';

const q = (qs: string) => parseQuery(new URLSearchParams(qs));

function render(qs: string) {
	const query = q(qs);
	const params = new Params();
	const where = query.conditions.map((c) => conditionSql(c, params, '"t"')).join(' AND ');
	return {
		where,
		select: selectSql(query.select, params, '"t"', UNLIMITED),
		order: orderSql(query.order, params),
		params: params.values
	};
}

function errorOf(fn: () => unknown): ApiError {
	try {
		fn();
	} catch (e) {
		if (e instanceof ApiError) return e;
		throw e;
	}
	throw new Error('did not throw');
}

describe('query string grammar', () => {
	it('splits on top-level commas only', () => {
		expect(splitTopLevel('a,b(c,d),"e,f",g')).toEqual(['a', 'b(c,d)', '"e,f"', 'g']);
	});

	it('parses select lists with aliases, casts and JSON paths', () => {
		expect(parseSelect('id,label:name,n::text,meta->a->>b,x:meta->>0')).toEqual([
			{ kind: 'column', column: { name: 'id', path: [] }, alias: undefined, cast: undefined },
			{ kind: 'column', column: { name: 'name', path: [] }, alias: 'label', cast: undefined },
			{ kind: 'column', column: { name: 'n', path: [] }, alias: undefined, cast: 'text' },
			{
				kind: 'column',
				column: {
					name: 'meta',
					path: [
						{ arrow: '->', key: 'a' },
						{ arrow: '->>', key: 'b' }
					]
				},
				alias: undefined,
				cast: undefined
			},
			{
				kind: 'column',
				column: { name: 'meta', path: [{ arrow: '->>', key: '0' }] },
				alias: 'x',
				cast: undefined
			}
		]);
		expect(render('select=meta->a->>b').select).toBe(`(("t"."meta"->$1::text)->>$2::text) AS "b"`);
	});

	it('parses embedded resources with alias, hint, join type, spread and nested selects', () => {
		const none = { conditions: [], order: [] };
		expect(parseSelect('id,writer:authors!author_id(name,books(title))')).toEqual([
			{ kind: 'column', column: { name: 'id', path: [] }, alias: undefined, cast: undefined },
			{
				kind: 'embed',
				relation: 'authors',
				alias: 'writer',
				hint: 'author_id',
				joinType: undefined,
				spread: false,
				params: none,
				select: [
					{ kind: 'column', column: { name: 'name', path: [] }, alias: undefined, cast: undefined },
					{
						kind: 'embed',
						relation: 'books',
						alias: undefined,
						hint: undefined,
						joinType: undefined,
						spread: false,
						params: none,
						select: [
							{
								kind: 'column',
								column: { name: 'title', path: [] },
								alias: undefined,
								cast: undefined
							}
						]
					}
				]
			}
		]);
		expect(parseSelect('shows!fk!inner(name),...venues!left()')).toMatchObject([
			{ relation: 'shows', hint: 'fk', joinType: 'inner', spread: false },
			{ relation: 'venues', hint: undefined, joinType: 'left', spread: true, select: [] }
		]);
		for (const bad of ['shows!a!b(name)', 'v:...venues(name)']) {
			const e = errorOf(() => parseSelect(bad));
			expect([e.status, e.body.code], bad).toEqual([400, 'PGRST100']);
		}
	});

	it('renders every filter with values as parameters', () => {
		const r = render(
			'a=eq.1&b=neq.x&c=gt.1&d=gte.1&e=lt.1&f=lte.1&g=like.*x*&h=ilike.A*&i=in.(1,"2,3")&j=is.null&k=not.eq.5&l=cs.{1,2}&m=isdistinct.z'
		);
		expect(r.where).toBe(
			[
				'"t"."a" = $1',
				'"t"."b" <> $2',
				'"t"."c" > $3',
				'"t"."d" >= $4',
				'"t"."e" < $5',
				'"t"."f" <= $6',
				'"t"."g" LIKE $7',
				'"t"."h" ILIKE $8',
				'"t"."i" IN ($9, $10)',
				'"t"."j" IS NULL',
				'NOT ("t"."k" = $11)',
				'"t"."l" @> $12',
				'"t"."m" IS DISTINCT FROM $13'
			].join(' AND ')
		);
		expect(r.params).toEqual([
			'1',
			'x',
			'1',
			'1',
			'1',
			'1',
			'%x%',
			'A%',
			'1',
			'2,3',
			'5',
			'{1,2}',
			'z'
		]);
	});

	it('parses nested or/and with quoted values', () => {
		const r = render('or=(a.eq.1,and(b.gt.2,c.not.is.true),d.eq."x,y)")&not.and=(e.eq.1,f.eq.2)');
		expect(r.where).toBe(
			'("t"."a" = $1 OR ("t"."b" > $2 AND NOT ("t"."c" IS TRUE)) OR "t"."d" = $3) AND NOT ("t"."e" = $4 AND "t"."f" = $5)'
		);
		expect(r.params).toEqual(['1', '2', 'x,y)', '1', '2']);
	});

	it('supports quantifiers and full-text search', () => {
		expect(render('a=like(any).{x*,y*}').where).toBe('("t"."a" LIKE $1 OR "t"."a" LIKE $2)');
		expect(render('a=fts(english).cat').where).toBe('"t"."a" @@ to_tsquery($1::regconfig, $2)');
		expect(render('a=in.()').where).toBe('FALSE');
	});

	it('parses order terms', () => {
		expect(parseOrder('a.desc.nullslast,b')).toEqual([
			{ column: { name: 'a', path: [] }, direction: 'desc', nulls: 'last' },
			{ column: { name: 'b', path: [] } }
		]);
		expect(render('order=a.desc.nullslast,b.asc').order).toBe(
			' ORDER BY "a" DESC NULLS LAST, "b" ASC'
		);
	});

	it('keeps hostile names and values out of the SQL text', () => {
		const r = render(`select=id&name=eq.x'; drop table items; --`);
		expect(r.where).not.toContain('drop');
		expect(r.params).toContain(`x'; drop table items; --`);
		for (const qs of [
			'select=id;drop table x',
			'select=id"x',
			'select=n::text;drop',
			'select=n::text from pg_roles',
			'a=zz.1',
			'a=eq1',
			'or=(a.eq.1',
			'limit=-1',
			'is=is.maybe'
		]) {
			const e = errorOf(() => q(qs));
			expect([e.status, e.body.code], qs).toEqual([400, 'PGRST100']);
		}
	});

	it('quotes any other name, so it can only ever name a column', () => {
		expect(render('x;drop=eq.1').where).toBe('"t"."x;drop" = $1');
		expect(render('order=id;drop').order).toBe(' ORDER BY "id;drop"');
	});

	it('quotes identifiers with embedded quotes', () => {
		expect(render('select="we""ird"').select).toBe('"t"."we""ird" AS "we""ird"');
	});
});
