-- Who may read and write bookings, events and seats, acting exactly as PostgREST does: a
-- transaction-local role and request.jwt.claims.
begin;
select plan(22);

insert into auth.users (id, aud, role, is_anonymous) values
	('11111111-1111-1111-1111-111111111111', 'authenticated', 'authenticated', true),
	('22222222-2222-2222-2222-222222222222', 'authenticated', 'authenticated', true);
select public.create_venue_event('tap-access', 'Access', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 1, "seats": 4, "price_cents": 1000}]');
select public.create_venue_event('tap-other', 'Other', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 1, "seats": 1, "price_cents": 1000}]');
create temp table scene as
select (select id from public.events where slug = 'tap-access') as event_id,
	array(select s.id from public.seats s join public.events e on e.id = s.event_id
	      where e.slug = 'tap-access' order by s.id) as seat,
	(select s.id from public.seats s join public.events e on e.id = s.event_id
	 where e.slug = 'tap-other') as other_seat;
grant select on scene to anon, authenticated;

select tests.act_as('anon');
select isnt_empty($$ select * from public.seats $$, 'Anon can see seats');
select throws_ok($$ insert into public.bookings (event_id, seat_id)
	select event_id, seat[1] from scene $$,
	'42501', 'permission denied for table bookings', 'Anon cannot book a seat');
select throws_ok($$ delete from public.events $$,
	'42501', 'permission denied for table events', 'Nobody writes events through the API');

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select lives_ok($$ insert into public.bookings (event_id, seat_id) select event_id, seat[1] from scene $$,
	'A signed-in user can book a free seat');
select results_eq(
	$$ select user_id, status, created_at, released_at, expires_at from public.bookings
	   where seat_id = (select seat[1] from scene) $$,
	$$ values ('11111111-1111-1111-1111-111111111111'::uuid, 'booked', now(), null::timestamptz,
	           null::timestamptz) $$,
	'The booking is the caller''s, booked, with the database''s own timestamps');
select throws_ok($$ insert into public.bookings (event_id, seat_id, user_id)
	select event_id, seat[2], '22222222-2222-2222-2222-222222222222' from scene $$,
	'42501', 'permission denied for table bookings', 'A user cannot book in someone else''s name');
select throws_ok($$ insert into public.bookings (event_id, seat_id, created_at)
	select event_id, seat[2], now() - interval '1 day' from scene $$,
	'42501', 'permission denied for table bookings', 'A user cannot choose a booking''s timestamps');
select throws_ok($$ insert into public.bookings (event_id, seat_id, status)
	select event_id, seat[2], 'released' from scene $$,
	'42501', 'new row violates row-level security policy for table "bookings"',
	'A user cannot insert a booking that is already released (only booked or held)');
select throws_ok($$ insert into public.bookings (event_id, seat_id) select event_id, other_seat from scene $$,
	'23503', 'insert or update on table "bookings" violates foreign key constraint "bookings_seat_fkey"',
	'A seat of another event cannot be booked under this event');
select throws_ok($$ insert into public.bookings (event_id, seat_id) select event_id, -1 from scene $$,
	'23503', null, 'An unknown seat cannot be booked');
select throws_ok($$ update public.seats set price_cents = 0 $$,
	'42501', 'permission denied for table seats', 'Nobody writes seats through the API');

select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select throws_ok($$ insert into public.bookings (event_id, seat_id) select event_id, seat[1] from scene $$,
	'23505', 'duplicate key value violates unique constraint "bookings_one_current_per_seat"',
	'A booked seat cannot be booked again');
select throws_ok($$ insert into public.bookings (event_id, seat_id)
	select event_id, unnest(array[seat[3], seat[1]]) from scene $$,
	'23505', null, 'A multi-seat request that meets a booked seat books none of its seats');
select throws_ok($$ update public.bookings set status = 'released' $$,
	'42501', 'new row violates row-level security policy for table "bookings"',
	'A user cannot release someone else''s booking');
select throws_ok($$ delete from public.bookings $$,
	'42501', 'permission denied for table bookings', 'Nobody deletes bookings through the API');
select isnt_empty($$ select user_id from public.bookings $$,
	'Everyone sees who holds a seat, as an opaque user id');
select lives_ok($$ insert into public.bookings (event_id, seat_id)
	select event_id, unnest(seat[2:3]) from scene $$,
	'A signed-in user books several free seats in one request');

select tests.act_as('anon');
select throws_ok($$ update public.bookings set status = 'released' $$,
	'42501', 'permission denied for table bookings', 'Anon cannot release a booking');

-- What everyone reads is everything there is (no row is hidden from anon or signed-in users).
select tests.act_as('postgres');
create temp table everything as
select (select count(*)::int from public.events) as events, (select count(*)::int from public.seats) as seats,
	(select count(*)::int from public.bookings) as bookings;
grant select on everything to anon, authenticated;
select tests.act_as('anon');
select results_eq(
	$$ select (select count(*)::int from public.events), (select count(*)::int from public.seats),
	          (select count(*)::int from public.bookings) $$,
	$$ select * from everything $$,
	'Anon reads every event, seat and booking');
select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select results_eq(
	$$ select (select count(*)::int from public.events), (select count(*)::int from public.seats),
	          (select count(*)::int from public.bookings) $$,
	$$ select * from everything $$,
	'A signed-in user reads every event, seat and booking');

select tests.act_as('postgres');
select results_eq(
	$$ select user_id::text, count(*)::int from public.bookings group by 1 order by 1 $$,
	$$ values ('11111111-1111-1111-1111-111111111111', 1), ('22222222-2222-2222-2222-222222222222', 2) $$,
	'The refused attempts booked nothing: only the one booking and the two-seat request remain');
select is((select count(*)::int from public.bookings where status <> 'booked'), 0,
	'No refused attempt released anything');

select * from finish();
rollback;
