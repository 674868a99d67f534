-- Helpers the other files share. Unlike them this file commits, so it must sort first (as in
-- basejump's test setup): `supabase test db` and scripts/pg-prove.ts run the files in name order on
-- one fresh database.
begin;
create extension if not exists pgtap with schema extensions;
create schema if not exists tests;
grant usage on schema tests to public;

-- Acts exactly as PostgREST does for a request: a transaction-local role and request.jwt.claims.
create or replace function tests.act_as(p_role text, p_sub uuid default null) returns void
language sql as $$
	select set_config('role', p_role, true),
	       set_config('request.jwt.claims', json_build_object('role', p_role, 'sub', p_sub)::text, true);
$$;

-- How a statement is refused: 'SQLSTATE constraint: message' ('ok' when it is not). It runs in a
-- subtransaction that is rolled back either way, so it changes nothing. For the rules whose
-- constraint name clients read (throws_ok sees only the code and the message).
create or replace function tests.refusal(p_sql text) returns text
language plpgsql as $$
declare
	v_state text;
	v_constraint text;
	v_message text;
begin
	begin
		execute p_sql;
	exception when others then
		get stacked diagnostics v_state = returned_sqlstate, v_constraint = constraint_name,
			v_message = message_text;
		return v_state || ' ' || coalesce(nullif(v_constraint, ''), '-') || ': ' || v_message;
	end;
	raise exception using errcode = 'P0001', message = 'tests.refusal: rolled back';
exception when sqlstate 'P0001' then
	if sqlerrm = 'tests.refusal: rolled back' then
		return 'ok';
	end if;
	raise;
end
$$;

select plan(2);
select has_function('tests', 'act_as', array['text', 'uuid'], 'tests.act_as is installed for the other test files');
select has_function('tests', 'refusal', array['text'], 'tests.refusal is installed for the other test files');
select * from finish();
commit;
