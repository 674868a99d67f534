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

-- One column of a public.seat_map answer, decoded: each seat's value, in id order. Steps (id,
-- number) and runs (the rest) are [a, count, …]; x and y are differences in hundredths.
create or replace function tests.seat_map_column(p_map json, p_name text)
returns jsonb[]
language sql as $$
	with elements as (
		select e.value, e.ord
		from json_array_elements(
			case when p_name in ('id', 'number', 'x', 'y') then p_map -> p_name
			     else p_map -> p_name -> 'runs' end) with ordinality as e(value, ord)
	),
	pairs as (
		select (e.ord + 1) / 2 as k,
			(max(e.value::text) filter (where e.ord % 2 = 1))::bigint as a,
			(max(e.value::text) filter (where e.ord % 2 = 0))::bigint as n
		from elements e
		group by (e.ord + 1) / 2
	),
	dictionary as (
		select d.value, d.ord - 1 as k
		from jsonb_array_elements(p_map::jsonb -> p_name -> 'values') with ordinality as d(value, ord)
	)
	select case
		when p_name in ('x', 'y') then
			(select array_agg(to_jsonb(s.at / 100) order by s.ord)
			 from (select e.ord, sum(e.value::text::numeric) over (order by e.ord) as at from elements e) s)
		when p_name in ('id', 'number') then
			(select array_agg(to_jsonb(p.a + g.o) order by p.k, g.o)
			 from pairs p cross join lateral generate_series(0, p.n - 1) as g(o))
		else
			(select array_agg(d.value order by p.k, g.o)
			 from pairs p join dictionary d on d.k = p.a
			 cross join lateral generate_series(1, p.n) as g(o))
	end
$$;

-- The seats of a public.seat_map answer, one row each, in id order.
create or replace function tests.seat_map_seats(p_map json)
returns table (id bigint, section text, row_label text, number int, x numeric, y numeric,
	category text, price_cents int, accessibility text, restricted_view boolean)
language sql as $$
	select (u.id #>> '{}')::bigint, u.section #>> '{}', u.row_label #>> '{}',
		(u.number #>> '{}')::int, (u.x #>> '{}')::numeric, (u.y #>> '{}')::numeric,
		u.category #>> '{}', (u.price #>> '{}')::int, u.access #>> '{}',
		(u.restricted #>> '{}')::boolean
	from unnest(
		tests.seat_map_column(p_map, 'id'), tests.seat_map_column(p_map, 'section'),
		tests.seat_map_column(p_map, 'row_label'), tests.seat_map_column(p_map, 'number'),
		tests.seat_map_column(p_map, 'x'), tests.seat_map_column(p_map, 'y'),
		tests.seat_map_column(p_map, 'category'), tests.seat_map_column(p_map, 'price_cents'),
		tests.seat_map_column(p_map, 'accessibility'), tests.seat_map_column(p_map, 'restricted_view')
	) with ordinality as u(id, section, row_label, number, x, y, category, price, access, restricted, i)
	order by u.i
$$;

select plan(4);
select has_function('tests', 'act_as', array['text', 'uuid'], 'tests.act_as is installed for the other test files');
select has_function('tests', 'refusal', array['text'], 'tests.refusal is installed for the other test files');
select has_function('tests', 'seat_map_column', array['json', 'text'], 'tests.seat_map_column is installed for the other test files');
select has_function('tests', 'seat_map_seats', array['json'], 'tests.seat_map_seats is installed for the other test files');
select * from finish();
commit;
