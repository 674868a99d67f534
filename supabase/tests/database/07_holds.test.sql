-- Holds: held until expires_at, confirmed or released by the owner only, free to anyone once lapsed;
-- best_available holds adjacent seats. Inside one transaction now() stands still, so a lapsed hold
-- is one inserted (as the owner) with expires_at in the past.
begin;
select plan(26);

insert into auth.users (id, aud, role, is_anonymous) values
	('11111111-1111-1111-1111-111111111111', 'authenticated', 'authenticated', true),
	('22222222-2222-2222-2222-222222222222', 'authenticated', 'authenticated', true),
	('33333333-3333-3333-3333-333333333333', 'authenticated', 'authenticated', true);
select public.create_venue_event('tap-hold', 'Holds', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 2, "seats": 8, "price_cents": 1000}]', max_seats_per_user => 3);
select is((select hold_minutes from public.events where slug = 'tap-hold'), 10::numeric,
	'An event holds seats for 10 minutes unless it says otherwise');
update public.events set hold_minutes = 5 where slug = 'tap-hold';
create temp table scene as
select (select id from public.events where slug = 'tap-hold') as event_id,
	array(select s.id from public.seats s join public.events e on e.id = s.event_id
	      where e.slug = 'tap-hold' order by s.id) as seat;
grant select on scene to anon, authenticated;

-- A lapsed hold of user 3 on seat 4 and one on seat 5, inserted by the owner.
insert into public.bookings (event_id, seat_id, user_id, status, expires_at)
select event_id, unnest(seat[4:5]), '33333333-3333-3333-3333-333333333333', 'held', now() - interval '1 second'
from scene;

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select lives_ok($$ insert into public.bookings (event_id, seat_id, status)
	select event_id, unnest(seat[1:2]), 'held' from scene $$,
	'A signed-in user can hold seats by inserting them with status held');
select is(
	(select array_agg(expires_at - now()) from public.bookings where seat_id in (select unnest(seat[1:2]) from scene)),
	array[interval '5 minutes', interval '5 minutes'],
	'A hold expires after the event''s hold length, by the server''s clock');
select throws_ok($$ insert into public.bookings (event_id, seat_id, status)
	select event_id, seat[3], 'released' from scene $$,
	'42501', null, 'A client cannot insert a booking in any state but booked or held');

select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select throws_ok($$ insert into public.bookings (event_id, seat_id, status) select event_id, seat[1], 'held' from scene $$,
	'23505', null, 'Nobody else can hold a held seat');
select throws_ok($$ insert into public.bookings (event_id, seat_id) select event_id, seat[1] from scene $$,
	'23505', null, 'Nobody else can book a held seat');
select throws_ok($$ update public.bookings set status = 'booked' where seat_id = (select seat[1] from scene) $$,
	'42501', null, 'Nobody else can confirm someone''s hold');
select throws_ok($$ update public.bookings set status = 'released' where seat_id = (select seat[1] from scene) $$,
	'42501', null, 'Nobody else can release someone''s hold');

select lives_ok($$ insert into public.bookings (event_id, seat_id) select event_id, seat[4] from scene $$,
	'A lapsed hold is free: someone else can book the seat');
select is(
	(select status || ' ' || (released_at = expires_at) from public.bookings
	 where seat_id = (select seat[4] from scene) and user_id = '33333333-3333-3333-3333-333333333333'),
	'expired true',
	'Taking a lapsed hold marks it expired, released at its expiry');
select is(
	(select public.seat_bookings(event_id) -> 'status' from scene)::jsonb,
	'["held", "held", "booked"]'::jsonb,
	'seat_bookings lists active holds and bookings with their status, not lapsed holds');
select results_eq(
	$$ select seats_booked, seats_held, next_lapse from public.event_availability()
	   where event_id = (select event_id from scene) $$,
	$$ values (1, 2, now() + interval '5 minutes') $$,
	'event_availability counts active holds apart from bookings, not lapsed ones, and says when the next lapses');
select is(
	(select json_array_length(public.seat_bookings(event_id) -> 'expires_at') from scene), 3,
	'seat_bookings gives every listed seat its expires_at');

select tests.act_as('authenticated', '33333333-3333-3333-3333-333333333333');
select throws_ok($$ update public.bookings set status = 'booked' where seat_id = (select seat[5] from scene) $$,
	'23514', 'Your hold on this seat has expired.', 'A lapsed hold cannot be confirmed');

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select lives_ok($$ update public.bookings set status = 'booked' where seat_id = (select seat[1] from scene) $$,
	'The owner can confirm their hold');
select is(
	(select status || ' ' || coalesce(expires_at::text, 'none') from public.bookings where seat_id = (select seat[1] from scene)),
	'booked none',
	'A confirmed hold is booked and no longer expires');
select throws_ok($$ update public.bookings set status = 'held' where seat_id = (select seat[1] from scene) $$,
	'23514', 'A booked booking cannot become held.', 'A booking cannot go back to held');
select lives_ok($$ insert into public.bookings (event_id, seat_id, status) select event_id, seat[3], 'held' from scene $$,
	'A user can hold up to the limit, holds and bookings together');
select throws_ok($$ insert into public.bookings (event_id, seat_id, status) select event_id, seat[6], 'held' from scene $$,
	'23514', 'You can hold at most 3 seats for this event.', 'Active holds count toward the per-user limit');
select lives_ok($$ update public.bookings set status = 'released' where seat_id = (select seat[2] from scene) $$,
	'The owner can release a hold');
select isnt((select released_at from public.bookings where seat_id = (select seat[2] from scene)), null,
	'The database stamps released_at when a hold is released');

select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select is(
	(select array_agg(s.number order by s.number) || array[count(distinct s.row_label)::int]
	 from public.best_available((select event_id from scene), 'standard', 2) b
	 join public.seats s on s.id = b.seat_id),
	array[5, 6, 1],
	'best_available holds adjacent seats in one row nearest the stage, leaving no single seat stranded');
select throws_ok($$ select public.best_available((select event_id from scene), 'vip', 2) $$,
	'22023', 'This event has no seats in category "vip".', 'best_available refuses an unknown category');
select throws_ok($$ select public.best_available((select event_id from scene), 'standard', 4) $$,
	'22023', 'Ask for 1 to 3 seats.', 'best_available refuses more seats than the per-user limit');

select tests.act_as('anon');
select throws_ok($$ select public.best_available((select event_id from scene), 'standard', 1) $$,
	'42501', null, 'Anon cannot call best_available');
select throws_ok($$ select private.expire_holds() $$,
	'42501', null, 'API callers cannot run the hold clean-up');

select * from finish();
rollback;
