-- The RPCs the app loads a venue with, the seed, and the venue builder seeds and testers use.
begin;
select plan(35);

-- A small event with history: ann booked seats 3 and 1 and released 1, bob booked 1 and 2.
insert into auth.users (id, aud, role, is_anonymous) values
	('11111111-1111-1111-1111-111111111111', 'authenticated', 'authenticated', true),
	('22222222-2222-2222-2222-222222222222', 'authenticated', 'authenticated', true);
select public.create_venue_event('tap-read', 'Read', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 1, "seats": 5, "price_cents": 1000}]');
create temp table scene as
select e.id as event_id, array(select s.id from public.seats s where s.event_id = e.id order by s.id) as seat,
	'11111111-1111-1111-1111-111111111111'::uuid as ann, '22222222-2222-2222-2222-222222222222'::uuid as bob
from public.events e where e.slug = 'tap-read';
grant select on scene to anon, authenticated;
insert into public.bookings (event_id, seat_id, user_id)
select event_id, unnest(array[seat[3], seat[1]]), ann from scene;
update public.bookings set status = 'released' where seat_id = (select seat[1] from scene);
insert into public.bookings (event_id, seat_id, user_id) select event_id, unnest(seat[1:2]), bob from scene;

select is(
	(select array_agg(f || ' ' || r order by f, r)
	 from unnest(array['private.build_seat_map(bigint)', 'private.store_seat_map(bigint)',
	                   'private.seat_map_runs(anyarray, bigint[], bigint)',
	                   'private.seat_map_steps(bigint[], bigint[], bigint)']) as f,
	      unnest(array['anon', 'authenticated']) as r
	 where has_function_privilege(r, f, 'execute')),
	null,
	'The API roles cannot run what builds and stores the seat maps');

set local role anon;
select set_config('request.jwt.claims', '{"role": "anon"}', true);

create temp table stadium_map as
select row_number() over () as i, m.*
from public.events e, tests.seat_map_seats(public.seat_map(e.id)) m where e.slug = 'stadium-finale';
select is(
	(select count(*)::int from stadium_map),
	(select count(*)::int from public.seats s join public.events e on e.id = s.event_id
	 where e.slug = 'stadium-finale'),
	'seat_map returns every seat of the seeded stadium in one value');
select ok(
	(select count(*) from public.seats s join public.events e on e.id = s.event_id
	 where e.slug = 'stadium-finale') >= 50000,
	'The seeded stadium has at least 50,000 seats');
select is(
	(select array(select json_object_keys(public.seat_map(1)))),
	array['id', 'section', 'row_label', 'number', 'x', 'y', 'category', 'price_cents', 'accessibility',
		'restricted_view'],
	'seat_map answers one entry per seat column');
select is(
	(select array_agg(distinct n)
	 from (select public.seat_map(id) as map from public.events where slug = 'stadium-finale') m
	 cross join lateral json_object_keys(m.map) as k
	 cross join lateral (select cardinality(tests.seat_map_column(m.map, k)) as n) c),
	(select array[count(*)::int] from public.seats s join public.events e on e.id = s.event_id
	 where e.slug = 'stadium-finale'),
	'Every column of seat_map decodes to one value per seat');
select is(
	(select array_agg(id order by i) from stadium_map),
	(select array_agg(s.id order by s.id) from public.seats s join public.events e on e.id = s.event_id
	 where e.slug = 'stadium-finale'),
	'seat_map lists the seats by id');
select results_eq(
	$$ select section, row_label, number, category, price_cents,
	          accessibility, restricted_view from stadium_map order by i $$,
	$$ select s.section, s.row_label, s.number, s.category, s.price_cents, s.accessibility::text, s.restricted_view
	   from public.seats s join public.events e on e.id = s.event_id
	   where e.slug = 'stadium-finale' order by s.id $$,
	'Each seat of seat_map has its section, row, number, category, price and marks');
select is(
	(select count(*)::int from stadium_map m join public.seats s on s.id = m.id
	 where abs(m.x - s.x::numeric) > 0.005 or abs(m.y - s.y::numeric) > 0.005),
	0,
	'Each seat of seat_map is where the seat is, to the hundredth of a map unit');
select is(
	(select array[section, row_label, number::text] from stadium_map order by i limit 1),
	array['Stand 01', 'A', '1'],
	'The stadium''s first seat is Stand 01, row A, seat 1');
select cmp_ok(
	length((select public.seat_map(id)::text from public.events where slug = 'stadium-finale')),
	'<', 1000000,
	'The stadium''s map is under a megabyte of JSON (it was 3.6 MB at one entry per seat per column)');
select results_eq(
	$$ select e.slug, a.seats_total, a.seats_booked, a.seats_held
	   from public.event_availability() a join public.events e on e.id = a.event_id
	   where e.slug not like 'tap-%' order by a.seats_total $$,
	$$ values ('jazz-night', 100, 0, 0), ('hamlet', 1144, 0, 0), ('symphony-no-9', 4800, 0, 0),
	          ('stadium-finale', 54000, 0, 0) $$,
	'The seed lays out a small, two mid-size and a large event, all free');
select is(public.server_time(), now(), 'server_time is the database clock, readable by anon');
select is(public.seat_map(0)::jsonb,
	'{"id": [], "section": {"values": [], "runs": []}, "row_label": {"values": [], "runs": []}, "number": [],
	  "x": [], "y": [], "category": {"values": [], "runs": []}, "price_cents": {"values": [], "runs": []},
	  "accessibility": {"values": [], "runs": []}, "restricted_view": {"values": [], "runs": []}}'::jsonb,
	'seat_map of an event without seats is empty arrays');
select is(public.seat_bookings(-1)::jsonb - 'server_time',
	'{"booking_id": [], "seat_id": [], "user_id": [], "status": [], "expires_at": []}'::jsonb,
	'seat_bookings of an event without bookings is empty arrays');
select is((public.seat_bookings(-1) ->> 'server_time')::timestamptz, now(),
	'seat_bookings says the database''s time');
select is(
	(select public.seat_bookings(event_id)::jsonb - 'server_time' from scene),
	(select jsonb_build_object(
		'booking_id', (select jsonb_agg(b.id order by b.seat_id) from public.bookings b
		               where b.event_id = scene.event_id and b.status = 'booked'),
		'seat_id', to_jsonb(seat[1:3]),
		'user_id', jsonb_build_array(bob, bob, ann),
		'status', '["booked", "booked", "booked"]'::jsonb,
		'expires_at', '[null, null, null]'::jsonb) from scene),
	'seat_bookings lists the current bookings by seat id, not released ones');
select results_eq(
	$$ select seats_total, seats_booked, seats_held, next_lapse from public.event_availability()
	   where event_id = (select event_id from scene) $$,
	$$ values (5, 3, 0, null::timestamptz) $$,
	'event_availability counts the current bookings only');
select is(
	(select count(*)::int from public.event_availability()),
	(select count(*)::int from public.events),
	'event_availability has one row per event');

reset role;
select isnt(
	public.create_venue_event('tap-venue', 'Venue', 'Hall', now(),
		'[{"name": "A", "rows": 3, "seats": 4, "price_cents": 100,
		   "tiers": [{"rows": 1, "category": "front", "price_cents": 300}]},
		  {"name": "B", "rows": 2, "seats": 2, "x": 10, "price_cents": 50}]'),
	null,
	'create_venue_event returns the new event''s id');
select results_eq(
	$$ select section, count(*)::int, min(row_label), max(row_label) from public.seats
	   where event_id = (select id from public.events where slug = 'tap-venue') group by section order by section $$,
	$$ values ('A', 12, 'A', 'C'), ('B', 4, 'A', 'B') $$,
	'create_venue_event lays out rows × seats per section with lettered rows');
select results_eq(
	$$ select category, price_cents, count(*)::int from public.seats
	   where event_id = (select id from public.events where slug = 'tap-venue') and section = 'A'
	   group by 1, 2 order by 2 desc $$,
	$$ values ('front', 300, 4), ('standard', 100, 8) $$,
	'Tiers give the front rows their own category and price');
select public.create_venue_event(
	slug => 'tap-layout', name => 'Layout', venue => 'Hall', starts_at => now(),
	sections => '[
		{"name": "A", "rows": 28, "seats": 2, "x": 10, "y": 5, "dx": 2, "dy": 3, "price_cents": 100,
		 "tiers": [{"rows": 1, "category": "vip", "price_cents": 500}, {"rows": 2, "category": "good", "price_cents": 300}]},
		{"name": "B", "rows": 2, "seats": 1, "row_labels": "numbers", "price_cents": 0, "category": "free"}
	]');
select results_eq(
	$$ select concat_ws(' ', section, row_label, number, x, y, category, price_cents) from public.seats
	   where event_id = (select id from public.events where slug = 'tap-layout')
	     and (section = 'B' or row_label in ('A', 'B', 'C', 'D', 'Z', 'AA', 'AB'))
	   order by id $$,
	$$ values ('A A 1 10 5 vip 500'), ('A A 2 12 5 vip 500'), ('A B 1 10 8 good 300'),
	          ('A B 2 12 8 good 300'), ('A C 1 10 11 good 300'), ('A C 2 12 11 good 300'),
	          ('A D 1 10 14 standard 100'), ('A D 2 12 14 standard 100'), ('A Z 1 10 80 standard 100'),
	          ('A Z 2 12 80 standard 100'), ('A AA 1 10 83 standard 100'), ('A AA 2 12 83 standard 100'),
	          ('A AB 1 10 86 standard 100'), ('A AB 2 12 86 standard 100'), ('B 1 1 0 0 free 0'),
	          ('B 2 1 0 1 free 0') $$,
	'Sections are laid out at x + (n - 1)·dx, y + (r - 1)·dy, tiers front first, rows A … Z, AA … or numbered');

-- The stored maps: built as the transaction that changed the seats commits (SET CONSTRAINTS …
-- IMMEDIATE stands in for the commit a test's rollback never reaches).
select is(
	(select count(*)::int from public.events e left join private.seat_maps m on m.event_id = e.id
	 where e.slug not like 'tap-%' and m.layout::text is distinct from private.build_seat_map(e.id)::text),
	0,
	'Every seeded event''s map is stored, equal to the map built from its seats');
select is(
	(select count(*)::int from private.seat_maps m join public.events e on e.id = m.event_id
	 where e.slug = 'tap-venue'),
	0,
	'A new event''s map is not stored before its transaction commits');
select is(
	(select count(*)::int from public.events e, tests.seat_map_seats(public.seat_map(e.id)) where e.slug = 'tap-venue'),
	16,
	'Before then, seat_map builds it from the seats the transaction laid out');
set constraints private.stale_seat_maps_rebuild immediate;
select is(
	(select m.layout::text from private.seat_maps m join public.events e on e.id = m.event_id
	 where e.slug = 'tap-venue'),
	(select private.build_seat_map(id)::text from public.events where slug = 'tap-venue'),
	'As it commits, the new event''s map is stored');
set constraints private.stale_seat_maps_rebuild deferred;
update public.seats set price_cents = 999
where event_id = (select id from public.events where slug = 'tap-venue') and section = 'B';
delete from public.seats
where id = (select max(id) from public.seats where event_id = (select id from public.events where slug = 'tap-venue'));
select is(
	(select (array_agg(m.price_cents))[13] || ' of ' || count(*)
	 from public.events e, tests.seat_map_seats(public.seat_map(e.id)) m where e.slug = 'tap-venue'),
	'999 of 15',
	'seat_map answers edited and removed seats at once inside the transaction that changed them');
select is(
	(select array_agg(s.event_id) from private.stale_seat_maps s),
	(select array[id] from public.events where slug = 'tap-venue'),
	'Many statements on an event''s seats queue one rebuild of its map');
set constraints private.stale_seat_maps_rebuild immediate;
select is(
	(select m.layout::text from private.seat_maps m join public.events e on e.id = m.event_id
	 where e.slug = 'tap-venue'),
	(select private.build_seat_map(id)::text from public.events where slug = 'tap-venue'),
	'As it commits, the edited event''s stored map is rebuilt from its seats');
delete from public.events where slug = 'tap-venue';
select is(
	(select count(*)::int from private.seat_maps m where not exists (select from public.events e where e.id = m.event_id)),
	0,
	'A deleted event takes its stored map with it');
set constraints private.stale_seat_maps_rebuild deferred;

select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(), '[{"name": "A", "rows": 0, "seats": 1, "price_cents": 1}]') $$,
	'22023', null, 'A malformed section is refused');
select throws_ok($$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(), '[]') $$,
	'22023', null, 'An empty list of sections is refused');
select throws_ok($$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(), '{}') $$,
	'22023', null, 'Sections that are not a list are refused');
select is((select count(*)::int from public.events where slug = 'tap-bad'), 0,
	'A refused layout creates no event');

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select throws_ok(
	$$ select public.create_venue_event('tap-api', 'API', 'Hall', now(), '[{"name": "A", "rows": 1, "seats": 1, "price_cents": 1}]') $$,
	'42501', null, 'API callers cannot lay out venues');

select * from finish();
rollback;
