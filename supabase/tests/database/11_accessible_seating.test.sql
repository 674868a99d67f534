-- Accessible seating: wheelchair spaces, their companion seats and restricted-view seats, as the
-- venue builder lays them out and seat_map sends them; best_available for a wheelchair space with
-- its companions; and the rule that a companion seat goes with a wheelchair space. (Races:
-- tests/db/accessible-seating.spec.ts.)
begin;
select plan(49);

insert into auth.users (id, aud, role, is_anonymous) values
	('11111111-1111-1111-1111-111111111111', 'authenticated', 'authenticated', true),
	('22222222-2222-2222-2222-222222222222', 'authenticated', 'authenticated', true),
	('33333333-3333-3333-3333-333333333333', 'authenticated', 'authenticated', true);

-- The seats of an event that are not ordinary: wheelchair spaces, companions, restricted views.
create function pg_temp.marked(p_slug text)
returns table (row_label text, number int, accessibility text, restricted_view boolean)
language sql as $$
	select s.row_label, s.number, s.accessibility, s.restricted_view
	from public.seats s join public.events e on e.id = s.event_id
	where e.slug = p_slug and (s.accessibility is not null or s.restricted_view)
	order by s.id
$$;
-- A seat's id by its row and number.
create function pg_temp.seat(p_slug text, p_row text, p_number int)
returns bigint
language sql as $$
	select s.id from public.seats s join public.events e on e.id = s.event_id
	where e.slug = p_slug and s.row_label = p_row and s.number = p_number
$$;
grant execute on function pg_temp.seat(text, text, int) to authenticated;

-- The columns -----------------------------------------------------------------------------------------

select col_is_null('public', 'seats', 'accessibility', 'A seat''s accessibility may be null (an ordinary seat)');
select col_default_is('public', 'seats', 'restricted_view', 'false', 'A seat''s view is unrestricted unless said');
select public.create_venue_event('tap-plain', 'Plain', 'Hall', now(),
	'[{"name": "Main", "rows": 1, "seats": 4, "price_cents": 100}]');
select throws_ok(
	$$ update public.seats set accessibility = 'ramp' where id = pg_temp.seat('tap-plain', 'A', 3) $$,
	'23514', null, 'A seat is a wheelchair space, a companion seat or neither, nothing else');
select is((select count(*)::int from pg_temp.marked('tap-plain')), 0,
	'A section without the new options lays out ordinary seats, as before');

-- The venue builder -----------------------------------------------------------------------------------

-- Rows A–C of 8 seats with an aisle after seat 4.
select public.create_venue_event('tap-access', 'Access', 'Hall', now(),
	'[{"name": "Main", "rows": 3, "seats": 8, "gaps_after": [4], "price_cents": 100,
	   "wheelchair": [{"row": "C", "seats": "ends"}, {"row": "A", "seats": [4]},
	                  {"row": "A", "seats": [1], "companions": 0}, {"row": "B", "seats": [6], "companions": 2}],
	   "restricted_view": [{"row": "B"}, {"row": "A", "seats": [8]}]}]');
select results_eq(
	$$ select row_label, number, accessibility, restricted_view from pg_temp.marked('tap-access') $$,
	$$ values ('A', 1, 'wheelchair', false), ('A', 3, 'companion', false), ('A', 4, 'wheelchair', false),
		('A', 8, null, true),
		('B', 1, null, true), ('B', 2, null, true), ('B', 3, null, true), ('B', 4, null, true),
		('B', 5, 'companion', true), ('B', 6, 'wheelchair', true), ('B', 7, 'companion', true), ('B', 8, null, true),
		('C', 1, 'wheelchair', false), ('C', 2, 'companion', false), ('C', 7, 'companion', false),
		('C', 8, 'wheelchair', false) $$,
	'The builder marks wheelchair spaces (listed, or a row''s ends), a companion beside each towards the row''s middle (never across an aisle; two, or none, when asked) and restricted views (listed seats or whole rows)');
select is(
	(select m.accessibility from public.events e, tests.seat_map_seats(public.seat_map(e.id)) m
	 where e.slug = 'tap-access' offset 16 limit 1),
	'wheelchair',
	'seat_map sends each seat''s accessibility in seat order (row C seat 1 is the 17th seat)');
select is(
	(select array_agg(m.restricted_view) from public.events e, tests.seat_map_seats(public.seat_map(e.id)) m
	 where e.slug = 'tap-access'),
	(select array_agg(s.restricted_view order by s.id) from public.seats s
	 join public.events e on e.id = s.event_id where e.slug = 'tap-access'),
	'seat_map sends whether each seat''s view is restricted, in seat order');
select public.create_venue_event('tap-access-numbers', 'Access', 'Hall', now(),
	'[{"name": "Box", "rows": 2, "seats": 3, "row_labels": "numbers", "price_cents": 100,
	   "wheelchair": [{"row": 2, "seats": [3]}], "restricted_view": [{"row": "1", "seats": "ends"}]}]');
select results_eq(
	$$ select row_label, number, accessibility, restricted_view from pg_temp.marked('tap-access-numbers') $$,
	$$ values ('1', 1, null, true), ('1', 3, null, true), ('2', 2, 'companion', false), ('2', 3, 'wheelchair', false) $$,
	'Rows labelled with numbers are named by number or text');

-- Refusals: one clear error each, and no event.
select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(),
		'[{"name": "Main", "rows": 2, "seats": 4, "price_cents": 100, "wheelchair": [{"row": "Z", "seats": [1]}]}]') $$,
	'22023', 'section 1 (Main): "wheelchair" names row Z, which the section does not have (its rows: A, B)',
	'The builder refuses a wheelchair space in a row the section does not have');
select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(),
		'[{"name": "Main", "rows": 1, "seats": 4, "skip": [3], "price_cents": 100,
		   "wheelchair": [{"row": "A", "seats": [3]}]}]') $$,
	'22023', 'section 1 (Main): "wheelchair" names seat 3 of row A, which the row does not have (it has seats 1 to 4, less any left out)',
	'The builder refuses a wheelchair space on a seat the row does not have');
select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(),
		'[{"name": "Main", "rows": 1, "seats": 4, "price_cents": 100, "restricted_view": [{"row": "B"}]}]') $$,
	'22023', 'section 1 (Main): "restricted_view" names row B, which the section does not have (its rows: A)',
	'The builder refuses a restricted view in a row the section does not have');
select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(),
		'[{"name": "Main", "rows": 1, "seats": 4, "price_cents": 100, "wheelchair": [{"row": "A", "seats": [5]}]}]') $$,
	'22023', 'section 1 (Main): invalid "wheelchair" entry {"row": "A", "seats": [5]} (write {"row": "A", "seats": [1, 2] or "ends", "companions": 0, 1 or 2}, seat numbers from 1 to 4)',
	'The builder refuses seat numbers outside the row');
select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(),
		'[{"name": "Main", "rows": 1, "seats": 4, "price_cents": 100, "wheelchair": [{"row": "A"}]}]') $$,
	'22023', null, 'A wheelchair entry must say which seats (a whole row is no wheelchair row)');
select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(),
		'[{"name": "Main", "rows": 1, "seats": 4, "price_cents": 100,
		   "wheelchair": [{"row": "A", "seats": [1], "companions": 3}]}]') $$,
	'22023', null, 'A wheelchair space has at most two companion seats');
select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(),
		'[{"name": "Main", "rows": 1, "seats": 4, "price_cents": 100,
		   "restricted_view": [{"row": "A", "seats": "middle"}]}]') $$,
	'22023', null, 'Seats are a list of numbers or "ends"');
select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(),
		'[{"name": "Main", "rows": 1, "seats": 4, "price_cents": 100,
		   "wheelchair": [{"row": "A", "seats": [1], "side": "left"}]}]') $$,
	'22023', null, 'An unknown key in a wheelchair entry is refused');
select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(),
		'[{"name": "Main", "rows": 1, "seats": 4, "price_cents": 100, "wheelchair": {"row": "A", "seats": [1]}}]') $$,
	'22023', 'section 1 (Main): "wheelchair" must be a list of {"row": "A", "seats": [1, 2] or "ends", "companions": 0, 1 or 2}',
	'"wheelchair" is a list');
select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(),
		'[{"name": "Main", "rows": 1, "seats": 1, "price_cents": 100, "wheelchair": [{"row": "A", "seats": [1]}]}]') $$,
	'22023', 'section 1 (Main): the wheelchair space at row A seat 1 has no ordinary seat beside it for 1 companion seat',
	'The builder refuses a companion where no seat is beside the space');
select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(),
		'[{"name": "Main", "rows": 1, "seats": 4, "price_cents": 100,
		   "wheelchair": [{"row": "A", "seats": "ends", "companions": 2}]}]') $$,
	'22023', 'section 1 (Main): the wheelchair space at row A seat 1 has one ordinary seat beside it, not two for 2 companion seats',
	'The builder refuses two companions at a row''s end');
select throws_ok(
	$$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(),
		'[{"name": "Main", "rows": 1, "seats": 4, "gaps_after": [2], "price_cents": 100,
		   "wheelchair": [{"row": "A", "seats": [1, 2]}]}]') $$,
	'22023', 'section 1 (Main): the wheelchair space at row A seat 1 has no ordinary seat beside it for 1 companion seat',
	'A companion is never on another wheelchair space or across an aisle');
select is((select count(*)::int from public.events where slug = 'tap-bad'), 0,
	'A refused layout creates no event');

-- Best available: a wheelchair space with its companions ---------------------------------------------

-- Row A: wheelchair spaces at both ends, a companion beside each (1W 2C … 9C 10W); row B ordinary;
-- the default focal point is the top centre (x 4.5, row A). A second category has no spaces.
select public.create_venue_event('tap-wc', 'Wheelchair', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 2, "seats": 10, "price_cents": 1000, "wheelchair": [{"row": "A", "seats": "ends"}]},
	  {"name": "Side", "rows": 1, "seats": 4, "y": 3, "category": "side", "price_cents": 500}]',
	max_seats_per_user => 8);
-- One row of 6, the focal point at seats 1 and 2, whose view is restricted.
select public.create_venue_event('tap-view', 'View', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 1, "seats": 6, "price_cents": 1000, "restricted_view": [{"row": "A", "seats": [1, 2]}]}]');
update public.events set focal_x = 0.5, focal_y = 0 where slug = 'tap-view';
create temp table scene as
select (select id from public.events where slug = 'tap-wc') as wc, (select id from public.events where slug = 'tap-view') as view;
grant select on scene to authenticated;

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select results_eq(
	$$ select b.seat_id, b.status from public.best_available((select wc from scene), 'standard', 2, p_wheelchair => true) b $$,
	$$ values (pg_temp.seat('tap-wc', 'A', 1), 'held'), (pg_temp.seat('tap-wc', 'A', 2), 'held') $$,
	'best_available with p_wheelchair holds a wheelchair space and the companion beside it, nearest the stage');
select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select results_eq(
	$$ select b.seat_id from public.best_available((select wc from scene), null, 2, p_wheelchair => true) b $$,
	$$ values (pg_temp.seat('tap-wc', 'A', 9)), (pg_temp.seat('tap-wc', 'A', 10)) $$,
	'The next caller gets the other space and its companion (a null category means any)');
select throws_ok(
	$$ select public.best_available((select wc from scene), 'standard', 2, p_wheelchair => true) $$,
	'PT409', 'No wheelchair space with 1 companion seat beside it is free in category "standard".',
	'best_available says plainly when no wheelchair space with companions is free');
select throws_ok(
	$$ select public.best_available((select wc from scene), 'standard', 1, p_wheelchair => true) $$,
	'PT409', 'No wheelchair space is free in category "standard".',
	'… or no wheelchair space at all');
select throws_ok(
	$$ select public.best_available((select wc from scene), 'side', 1, p_wheelchair => true) $$,
	'22023', 'This event has no wheelchair spaces in category "side".',
	'best_available with p_wheelchair refuses a category without wheelchair spaces');
select tests.act_as('authenticated', '33333333-3333-3333-3333-333333333333');
select results_eq(
	$$ select b.seat_id from public.best_available((select wc from scene), 'standard', 7) b $$,
	$$ select s.id from public.seats s where s.event_id = (select wc from scene) and s.row_label = 'B'
	   and s.number between 1 and 7 order by s.id $$,
	'Without p_wheelchair, best_available offers ordinary seats only (row A has 6 between its spaces, so 7 go to row B)');
select throws_ok(
	$$ select public.best_available((select wc from scene), 'standard', 4, p_wheelchair => true) $$,
	'PT409', 'No wheelchair space with 3 companion seats beside it is free in category "standard".',
	'A wheelchair space comes with only as many companions as are beside it');
select results_eq(
	$$ select b.seat_id from public.best_available((select view from scene), 'standard', 2) b $$,
	$$ values (pg_temp.seat('tap-view', 'A', 3)), (pg_temp.seat('tap-view', 'A', 4)) $$,
	'best_available prefers seats with a clear view, even farther from the stage');
select results_eq(
	$$ select b.seat_id from public.best_available((select view from scene), 'standard', 2) b $$,
	$$ values (pg_temp.seat('tap-view', 'A', 5)), (pg_temp.seat('tap-view', 'A', 6)) $$,
	'… as long as any are free');
select results_eq(
	$$ select b.seat_id from public.best_available((select view from scene), 'standard', 2) b $$,
	$$ values (pg_temp.seat('tap-view', 'A', 1)), (pg_temp.seat('tap-view', 'A', 2)) $$,
	'… and restricted-view seats when nothing else is free');

-- A companion seat goes with a wheelchair space ------------------------------------------------------

-- One row: 1W 2C 3 … 8 9C 10W.
select tests.act_as('postgres');
select public.create_venue_event('tap-rule', 'Rule', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 1, "seats": 10, "price_cents": 1000, "wheelchair": [{"row": "A", "seats": "ends"}]}]');
create temp table rule as select id as event_id from public.events where slug = 'tap-rule';
grant select on rule to authenticated;
-- The seats' current bookings (status and owner), for checking what a statement left.
create function pg_temp.current(p_number int)
returns text
language sql as $$
	select coalesce((select left(b.user_id::text, 1) || ' ' || b.status from public.bookings b
		where b.seat_id = pg_temp.seat('tap-rule', 'A', p_number) and b.status in ('held', 'booked')), 'free')
$$;

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select is(
	tests.refusal($$ insert into public.bookings (event_id, seat_id, status)
		values ((select event_id from rule), pg_temp.seat('tap-rule', 'A', 2), 'held') $$),
	'23514 bookings_companion_needs_wheelchair: Main · Row A · Seat 2 is a companion seat, for someone who comes with a wheelchair user.',
	'A companion seat alone is refused');
select is(
	tests.refusal($$ insert into public.bookings (event_id, seat_id, status)
		values ((select event_id from rule), pg_temp.seat('tap-rule', 'A', 2), 'held'),
		       ((select event_id from rule), pg_temp.seat('tap-rule', 'A', 3), 'held') $$),
	'23514 bookings_companion_needs_wheelchair: Main · Row A · Seat 2 is a companion seat, for someone who comes with a wheelchair user.',
	'… with ordinary seats too, and nothing of the request is held');
select is(pg_temp.current(3), 'free', 'The refused request held none of its seats');
select lives_ok(
	$$ insert into public.bookings (event_id, seat_id, status)
	   values ((select event_id from rule), pg_temp.seat('tap-rule', 'A', 9), 'held'),
	          ((select event_id from rule), pg_temp.seat('tap-rule', 'A', 10), 'held') $$,
	'A companion seat is held in the same request as a wheelchair space, whatever their order');
select lives_ok(
	$$ insert into public.bookings (event_id, seat_id, status)
	   values ((select event_id from rule), pg_temp.seat('tap-rule', 'A', 2), 'held') $$,
	'A companion seat is held by someone who already holds a wheelchair space in the event, not necessarily beside it');
select is(
	tests.refusal($$ update public.bookings set status = 'booked'
		where seat_id = pg_temp.seat('tap-rule', 'A', 9) and status = 'held' $$),
	'23514 bookings_companion_needs_wheelchair: Main · Row A · Seat 9 is a companion seat, for someone who comes with a wheelchair user.',
	'A companion seat is not booked while its wheelchair space is only held');
select lives_ok(
	$$ select public.confirm_order(array(select b.id from public.bookings b
	   where b.seat_id in (pg_temp.seat('tap-rule', 'A', 9), pg_temp.seat('tap-rule', 'A', 10)) and b.status = 'held')) $$,
	'A companion seat and its wheelchair space are booked together');
select lives_ok(
	$$ update public.bookings set status = 'released' where seat_id = pg_temp.seat('tap-rule', 'A', 10) and status = 'booked' $$,
	'The wheelchair space''s owner releases it');
select is(array[pg_temp.current(9), pg_temp.current(10), pg_temp.current(2)], array['free', 'free', 'free'],
	'Releasing one''s last wheelchair space releases one''s companion seats in the event, booked and held');
select is(
	(select o.status from public.orders o join public.order_lines l on l.order_id = o.id
	 where l.seat_id = pg_temp.seat('tap-rule', 'A', 9) order by o.id desc limit 1),
	'cancelled', 'The released companion leaves its order too (here the order''s last seat)');

-- Two spaces: the companions stay while one of them does.
select lives_ok(
	$$ insert into public.bookings (event_id, seat_id, status)
	   select (select event_id from rule), pg_temp.seat('tap-rule', 'A', n), 'held' from unnest(array[1, 2, 9, 10]) n $$,
	'Two wheelchair spaces with their companions are held at once');
update public.bookings set status = 'released' where seat_id = pg_temp.seat('tap-rule', 'A', 1) and status = 'held';
select is(array[pg_temp.current(2), pg_temp.current(9)], array['1 held', '1 held'],
	'The companions stay while another wheelchair space of the person remains');
update public.bookings set status = 'released' where seat_id = pg_temp.seat('tap-rule', 'A', 10) and status = 'held';
select is(array[pg_temp.current(2), pg_temp.current(9)], array['free', 'free'],
	'… and go with the last one');

-- Someone else's wheelchair space is no one's licence.
select lives_ok($$ select public.best_available((select event_id from rule), 'standard', 1, true) $$,
	'A wheelchair space alone is held by anyone');
select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select is(
	tests.refusal($$ insert into public.bookings (event_id, seat_id, status)
		values ((select event_id from rule), pg_temp.seat('tap-rule', 'A', 2), 'held') $$),
	'23514 bookings_companion_needs_wheelchair: Main · Row A · Seat 2 is a companion seat, for someone who comes with a wheelchair user.',
	'A companion seat beside someone else''s wheelchair space is refused');
select is(
	tests.refusal($$ insert into public.bookings (event_id, seat_id)
		values ((select event_id from rule), pg_temp.seat('tap-rule', 'A', 9)),
		       ((select event_id from rule), pg_temp.seat('tap-rule', 'A', 10)) $$),
	'ok', 'A companion seat is booked outright together with a wheelchair space');
select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
update public.bookings set status = 'released' where seat_id = pg_temp.seat('tap-rule', 'A', 1) and status = 'held';

-- A lapsed hold on a wheelchair space licenses nothing (the owner inserts one already lapsed).
select tests.act_as('postgres');
insert into public.bookings (event_id, seat_id, user_id, status, expires_at)
values ((select event_id from rule), pg_temp.seat('tap-rule', 'A', 1), '33333333-3333-3333-3333-333333333333', 'held',
	now() - interval '1 minute');
select tests.act_as('authenticated', '33333333-3333-3333-3333-333333333333');
select is(
	tests.refusal($$ insert into public.bookings (event_id, seat_id, status)
		values ((select event_id from rule), pg_temp.seat('tap-rule', 'A', 2), 'held') $$),
	'23514 bookings_companion_needs_wheelchair: Main · Row A · Seat 2 is a companion seat, for someone who comes with a wheelchair user.',
	'A lapsed hold on a wheelchair space does not let one hold a companion seat');
select throws_ok(
	$$ insert into public.bookings (event_id, seat_id, status)
	   values ((select event_id from rule), pg_temp.seat('tap-rule', 'A', 2), 'held') $$,
	'23514', null, 'The refusal is a check violation (HTTP 400 through the API)');

select * from finish();
rollback;
