import { describe, expect, it } from 'vitest';
import { splitStatements } from './sql-script.ts';

describe('splitStatements', () => {
	it('splits on top-level semicolons only, as the Supabase CLI records migrations', () => {
		const script = `-- leading comment; not a statement
create table t (a text default 'x;y', "b;c" int); /* block; comment */
create function f() returns text language plpgsql as $body$
begin return 'a;b'; end $body$;
select $$;$$, 'it''s; fine';
-- trailing comment;
`;
		expect(splitStatements(script)).toEqual([
			`-- leading comment; not a statement
create table t (a text default 'x;y', "b;c" int)`,
			`/* block; comment */
create function f() returns text language plpgsql as $body$
begin return 'a;b'; end $body$`,
			`select $$;$$, 'it''s; fine'`
		]);
	});
});
