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

select plan(1);
select has_function('tests', 'act_as', array['text', 'uuid'], 'tests.act_as is installed for the other test files');
select * from finish();
commit;
