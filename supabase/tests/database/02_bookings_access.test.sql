-- Who may read and write bookings, acting exactly as PostgREST does: a transaction-local role and
-- request.jwt.claims.
begin;
select plan(13);

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

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select lives_ok($$ insert into public.bookings (event_id, seat_id) select event_id, seat[1] from scene $$,
	'A signed-in user can book a free seat');
select is((select user_id from public.bookings where seat_id = (select seat[1] from scene)),
	'11111111-1111-1111-1111-111111111111'::uuid, 'The booking belongs to the caller');
select throws_ok($$ insert into public.bookings (event_id, seat_id, user_id)
	select event_id, seat[2], '22222222-2222-2222-2222-222222222222' from scene $$,
	'42501', 'permission denied for table bookings', 'A user cannot book in someone else''s name');
select throws_ok($$ insert into public.bookings (event_id, seat_id, status)
	select event_id, seat[2], 'released' from scene $$,
	'42501', 'new row violates row-level security policy for table "bookings"',
	'A user cannot insert a booking that is already released (only booked or held)');
select throws_ok($$ insert into public.bookings (event_id, seat_id) select event_id, other_seat from scene $$,
	'23503', null, 'A seat of another event cannot be booked under this event');
select throws_ok($$ insert into public.bookings (event_id, seat_id) select event_id, -1 from scene $$,
	'23503', null, 'An unknown seat cannot be booked');

select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select throws_ok($$ insert into public.bookings (event_id, seat_id) select event_id, seat[1] from scene $$,
	'23505', 'duplicate key value violates unique constraint "bookings_one_current_per_seat"',
	'A booked seat cannot be booked again');
select throws_ok($$ update public.bookings set status = 'released' $$,
	'42501', 'new row violates row-level security policy for table "bookings"',
	'A user cannot release someone else''s booking');
select throws_ok($$ delete from public.bookings $$,
	'42501', 'permission denied for table bookings', 'Nobody deletes bookings through the API');
select isnt_empty($$ select user_id from public.bookings $$,
	'Everyone sees who holds a seat, as an opaque user id');

select tests.act_as('postgres');
select is((select count(*)::int from public.bookings where status = 'booked'), 1,
	'The refused attempts left only the one booking');

select * from finish();
rollback;
