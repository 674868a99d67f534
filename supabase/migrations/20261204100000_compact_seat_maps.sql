-- Compact seat maps. A stadium's map was 3.6 MB of JSON, one entry per seat in every column, and
-- every viewer's first paint waited for the database to send it, the edge to compress it and the
-- phone to parse it. Its columns repeat themselves: a section's name, a row's label, a price and
-- a category run unchanged over hundreds of seats, ids and seat numbers count up one at a time,
-- and neighbouring seats stand a pitch apart. Sent as runs, steps and differences, the same map
-- is 0.53 MB of JSON and 68 kB compressed (brotli 1).
--
-- public.seat_map's answer, every column in seat id order:
-- - id, number: steps, [first, count, first, count, …]: count values from first, one apart.
-- - section, row_label, category, price_cents, accessibility, restricted_view: runs,
--   {"values": [v0, v1, …], "runs": [value index, count, …]}: values in order of first use.
-- - x, y: in hundredths of a map unit, each seat's as the difference from the seat before (the
--   first from 0).
-- Every column's counts add up to the number of seats.

-- One column's runs: `p_values[k]` runs from seat `p_starts[k]` up to the next run's start (the
-- last to seat `p_seats`). Each value once, in order of first use, then [value index, count, …].
create function private.seat_map_runs(p_values anyarray, p_starts bigint[], p_seats bigint)
returns json
language sql
immutable
set search_path = ''
as $$
	with dictionary as (
		select array_agg(d.v order by d.first) as list
		from (
			select u.v, min(u.k) as first
			from unnest(p_values) with ordinality as u(v, k)
			group by u.v
		) d
	)
	select json_build_object(
		'values', coalesce(to_json(dictionary.list), '[]'),
		'runs', coalesce(
			(select json_agg(p.v order by u.k, p.o)
			 from unnest(p_values, p_starts) with ordinality as u(v, start, k)
			 cross join lateral (values
				(1, array_position(dictionary.list, u.v) - 1),
				(2, coalesce(p_starts[u.k + 1], p_seats + 1) - u.start)) as p(o, v)),
			'[]')
	)
	from dictionary
$$;

-- One column's steps: from seat `p_starts[k]` up to the next run's start, values one apart from
-- `p_firsts[k]`, as [first, count, …].
create function private.seat_map_steps(p_firsts bigint[], p_starts bigint[], p_seats bigint)
returns json
language sql
immutable
set search_path = ''
as $$
	select coalesce(json_agg(p.v order by u.k, p.o), '[]')
	from unnest(p_firsts, p_starts) with ordinality as u(first, start, k)
	cross join lateral (values
		(1, u.first),
		(2, coalesce(p_starts[u.k + 1], p_seats + 1) - u.start)) as p(o, v)
$$;

-- One pass over the seats in id order marks where each column's runs start and takes the
-- positions' differences; one aggregate gathers the starts. (Built this way it costs about what
-- the plain columns did; a pass per column cost four times as much.)
create or replace function private.build_seat_map(p_event_id bigint)
returns json
language sql
stable
set search_path = ''
as $$
	with seat as (
		select s.id, s.number, s.section, s.row_label, s.category, s.price_cents, s.accessibility,
			s.restricted_view,
			row_number() over w as i,
			s.id - 1 is distinct from lag(s.id) over w as id_starts,
			s.number - 1 is distinct from lag(s.number) over w as number_starts,
			row_number() over w = 1 or s.section is distinct from lag(s.section) over w as section_starts,
			row_number() over w = 1 or s.row_label is distinct from lag(s.row_label) over w as row_starts,
			row_number() over w = 1 or s.category is distinct from lag(s.category) over w as category_starts,
			row_number() over w = 1 or s.price_cents is distinct from lag(s.price_cents) over w as price_starts,
			row_number() over w = 1 or s.accessibility is distinct from lag(s.accessibility) over w as access_starts,
			row_number() over w = 1 or s.restricted_view is distinct from lag(s.restricted_view) over w as view_starts,
			round(s.x::float8 * 100)::int - coalesce(round(lag(s.x::float8) over w * 100)::int, 0) as dx,
			round(s.y::float8 * 100)::int - coalesce(round(lag(s.y::float8) over w * 100)::int, 0) as dy
		from public.seats s
		where s.event_id = p_event_id
		window w as (order by s.id)
	),
	starts as (
		select count(*) as seats,
			array_agg(s.id order by s.i) filter (where s.id_starts) as id,
			array_agg(s.i order by s.i) filter (where s.id_starts) as id_at,
			array_agg(s.number::bigint order by s.i) filter (where s.number_starts) as number,
			array_agg(s.i order by s.i) filter (where s.number_starts) as number_at,
			array_agg(s.section order by s.i) filter (where s.section_starts) as section,
			array_agg(s.i order by s.i) filter (where s.section_starts) as section_at,
			array_agg(s.row_label order by s.i) filter (where s.row_starts) as row_label,
			array_agg(s.i order by s.i) filter (where s.row_starts) as row_at,
			array_agg(s.category order by s.i) filter (where s.category_starts) as category,
			array_agg(s.i order by s.i) filter (where s.category_starts) as category_at,
			array_agg(s.price_cents order by s.i) filter (where s.price_starts) as price_cents,
			array_agg(s.i order by s.i) filter (where s.price_starts) as price_at,
			array_agg(s.accessibility order by s.i) filter (where s.access_starts) as accessibility,
			array_agg(s.i order by s.i) filter (where s.access_starts) as access_at,
			array_agg(s.restricted_view order by s.i) filter (where s.view_starts) as restricted_view,
			array_agg(s.i order by s.i) filter (where s.view_starts) as view_at,
			coalesce(json_agg(s.dx order by s.i), '[]') as x,
			coalesce(json_agg(s.dy order by s.i), '[]') as y
		from seat s
	)
	select json_build_object(
		'id', private.seat_map_steps(a.id, a.id_at, a.seats),
		'section', private.seat_map_runs(a.section, a.section_at, a.seats),
		'row_label', private.seat_map_runs(a.row_label, a.row_at, a.seats),
		'number', private.seat_map_steps(a.number, a.number_at, a.seats),
		'x', a.x,
		'y', a.y,
		'category', private.seat_map_runs(a.category, a.category_at, a.seats),
		'price_cents', private.seat_map_runs(a.price_cents, a.price_at, a.seats),
		'accessibility', private.seat_map_runs(a.accessibility, a.access_at, a.seats),
		'restricted_view', private.seat_map_runs(a.restricted_view, a.view_at, a.seats)
	)
	from starts a
$$;

-- Only the triggers and public.seat_map (as its owner) run these; the API roles have no use of the
-- private schema either, and none of its functions.
revoke execute on function private.build_seat_map(bigint), private.store_seat_map(bigint),
	private.seat_map_runs(anyarray, bigint[], bigint), private.seat_map_steps(bigint[], bigint[], bigint)
	from public, anon, authenticated;

select private.store_seat_map(e.id) from public.events e;
