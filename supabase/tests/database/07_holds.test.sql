-- Holds: held until expires_at, confirmed or released by the owner only, free to anyone once lapsed;
-- best_available holds adjacent seats around them (its own rules: 08_best_available). Inside one
-- transaction now() stands still, so a lapsed hold is one inserted (as the owner) with expires_at
-- in the past.
begin;
select plan(36);

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

-- Lapsed holds, inserted by the owner: user 3's on seats 4 and 5, user 1's on seat 9 (row B).
insert into public.bookings (event_id, seat_id, user_id, status, expires_at)
select event_id, unnest(seat[4:5]), '33333333-3333-3333-3333-333333333333', 'held', now() - interval '1 second'
from scene;
insert into public.bookings (event_id, seat_id, user_id, status, expires_at)
select event_id, seat[9], '11111111-1111-1111-1111-111111111111', 'held', now() - interval '1 second'
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
select throws_ok($$ insert into public.bookings (event_id, seat_id, status)
	select event_id, seat[3], 'expired' from scene $$,
	'42501', null, 'A client cannot insert an expired booking either');

select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select throws_ok($$ insert into public.bookings (event_id, seat_id, status) select event_id, seat[1], 'held' from scene $$,
	'23505', null, 'Nobody else can hold a held seat');
select throws_ok($$ insert into public.bookings (event_id, seat_id) select event_id, seat[1] from scene $$,
	'23505', null, 'Nobody else can book a held seat');
select throws_ok($$ update public.bookings set status = 'booked' where seat_id = (select seat[1] from scene) $$,
	'42501', null, 'Nobody else can confirm someone''s hold');
select throws_ok($$ update public.bookings set status = 'released' where seat_id = (select seat[1] from scene) $$,
	'42501', null, 'Nobody else can release someone''s hold');
select tests.act_as('anon');
select throws_ok($$ update public.bookings set status = 'booked' where seat_id = (select seat[1] from scene) $$,
	'42501', 'permission denied for table bookings', 'Anon cannot confirm a hold');
select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');

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
	(select array(select (value #>> '{}')::timestamptz
	              from json_array_elements(public.seat_bookings(event_id) -> 'expires_at')) from scene),
	array[now() + interval '5 minutes', now() + interval '5 minutes', null],
	'seat_bookings gives every listed seat its expires_at: the hold''s, or null for a booking');

select tests.act_as('authenticated', '33333333-3333-3333-3333-333333333333');
select throws_ok($$ update public.bookings set status = 'booked' where seat_id = (select seat[5] from scene) $$,
	'23514', 'Your hold on this seat has expired.', 'A lapsed hold cannot be confirmed');
select throws_ok($$ update public.bookings set status = 'booked'
	where seat_id = (select seat[4] from scene) and status = 'expired' $$,
	'23514', 'A expired booking cannot become booked.', 'A hold that was taken over cannot be confirmed');

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select is(
	tests.refusal($$ update public.bookings set status = 'booked'
		where seat_id in (select unnest(array[seat[1], seat[9]]) from scene) $$),
	'23514 bookings_hold_expired: Your hold on this seat has expired.',
	'Confirming holds is all or nothing: one lapsed hold fails the request');
select is((select status from public.bookings where seat_id = (select seat[1] from scene)), 'held',
	'The refused confirmation confirmed nothing');
select lives_ok($$ update public.bookings set status = 'booked' where seat_id = (select seat[1] from scene) $$,
	'The owner can confirm their hold');
select is(
	(select status || ' ' || coalesce(expires_at::text, 'none') from public.bookings where seat_id = (select seat[1] from scene)),
	'booked none',
	'A confirmed hold is booked and no longer expires');
select throws_ok($$ update public.bookings set status = 'held' where seat_id = (select seat[1] from scene) $$,
	'23514', 'A booked booking cannot become held.', 'A booking cannot go back to held');
select throws_ok($$ update public.bookings set status = 'expired' where seat_id = (select seat[1] from scene) $$,
	'23514', 'A booked booking cannot become expired.', 'A client cannot mark a booking expired');
select lives_ok($$ insert into public.bookings (event_id, seat_id, status) select event_id, seat[3], 'held' from scene $$,
	'A user can hold up to the limit, holds and bookings together (their lapsed hold does not count)');
select throws_ok($$ insert into public.bookings (event_id, seat_id, status) select event_id, seat[6], 'held' from scene $$,
	'23514', 'You can hold at most 3 seats for this event.', 'Active holds count toward the per-user limit');
select lives_ok($$ update public.bookings set status = 'released' where seat_id = (select seat[2] from scene) $$,
	'The owner can release a hold');
select is((select released_at from public.bookings where seat_id = (select seat[2] from scene)), now(),
	'The database stamps released_at when a hold is released');
select lives_ok($$ insert into public.bookings (event_id, seat_id, status) select event_id, seat[11], 'held' from scene $$,
	'A released hold no longer counts toward the limit');

select tests.act_as('authenticated', '33333333-3333-3333-3333-333333333333');
select lives_ok($$ insert into public.bookings (event_id, seat_id, status) select event_id, seat[9], 'held' from scene $$,
	'A lapsed hold is free to hold, too');
select is(
	(select status || ' ' || (released_at = expires_at) from public.bookings
	 where seat_id = (select seat[9] from scene) and user_id = '11111111-1111-1111-1111-111111111111'),
	'expired true',
	'Holding over a lapsed hold marks it expired, released at its expiry');

select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select is(
	(select array_agg(s.number order by s.number) || array[count(distinct s.row_label)::int]
	 from public.best_available((select event_id from scene), 'standard', 2) b
	 join public.seats s on s.id = b.seat_id),
	array[5, 6, 1],
	'best_available holds adjacent seats in one row nearest the stage, leaving no single seat stranded');

select tests.act_as('anon');
select throws_ok($$ select private.expire_holds() $$,
	'42501', null, 'API callers cannot run the hold clean-up');
select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select throws_ok($$ select private.expire_holds() $$,
	'42501', null, 'Signed-in users cannot run the hold clean-up either');

select tests.act_as('postgres');
insert into public.bookings (event_id, seat_id, user_id, status, expires_at)
select event_id, seat[16], '33333333-3333-3333-3333-333333333333', 'held', now() + interval '1 minute'
from scene;
select results_eq(
	$$ select next_lapse from public.event_availability() where event_id = (select event_id from scene) $$,
	$$ values (now() + interval '1 minute') $$,
	'event_availability''s next_lapse is the earliest expiry of the active holds');
-- best_available took seat 5 over its lapsed hold; one more lapses unnoticed on seat 15.
insert into public.bookings (event_id, seat_id, user_id, status, expires_at)
select event_id, seat[15], '33333333-3333-3333-3333-333333333333', 'held', now() - interval '1 second'
from scene;
select is(private.expire_holds(), 1, 'The clean-up marks the holds that lapsed unnoticed, and says how many');
select is(
	(select count(*)::int from public.bookings
	 where event_id = (select event_id from scene) and status = 'held' and expires_at <= now()),
	0, 'After the clean-up no lapsed hold is left held');

select * from finish();
rollback;
