-- The RPCs the app loads a venue with, and the venue builder seeds and testers use.
begin;
select plan(10);

set local role anon;
select set_config('request.jwt.claims', '{"role": "anon"}', true);

select is(
	(select json_array_length(public.seat_map(id) -> 'id') from public.events where slug = 'stadium-finale'),
	(select count(*)::int from public.seats s join public.events e on e.id = s.event_id
	 where e.slug = 'stadium-finale'),
	'seat_map returns every seat of the seeded stadium in one value');
select ok(
	(select count(*) from public.seats s join public.events e on e.id = s.event_id
	 where e.slug = 'stadium-finale') >= 50000,
	'The seeded stadium has at least 50,000 seats');
select is(
	(select array(select json_object_keys(public.seat_map(1)))),
	array['id', 'section', 'row_label', 'number', 'x', 'y', 'category', 'price_cents'],
	'seat_map answers one array per seat column');
select is(public.server_time(), now(), 'server_time is the database clock, readable by anon');
select is(public.seat_bookings(-1)::jsonb - 'server_time',
	'{"booking_id": [], "seat_id": [], "user_id": [], "status": [], "expires_at": []}'::jsonb,
	'seat_bookings of an event without bookings is empty arrays');
select is(
	(select count(*)::int from public.event_availability()),
	(select count(*)::int from public.events),
	'event_availability has one row per event');

reset role;
select isnt(
	public.create_venue_event('tap-venue', 'Venue', 'Hall', now(),
		'[{"name": "A", "rows": 3, "seats": 4, "price_cents": 100,
		   "tiers": [{"rows": 1, "category": "front", "price_cents": 300}]},
		  {"name": "B", "rows": 2, "seats": 2, "price_cents": 50}]'),
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
select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(), '[{"name": "A", "rows": 0, "seats": 1, "price_cents": 1}]') $$,
	'22023', null, 'A malformed section is refused');

select * from finish();
rollback;
