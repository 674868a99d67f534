-- A booking's life: booked, released (stamped by the database), never back; the per-user limit.
begin;
select plan(14);

insert into auth.users (id, aud, role, is_anonymous) values
	('11111111-1111-1111-1111-111111111111', 'authenticated', 'authenticated', true),
	('22222222-2222-2222-2222-222222222222', 'authenticated', 'authenticated', true);
select public.create_venue_event('tap-life', 'Life', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 1, "seats": 5, "price_cents": 1000}]', max_seats_per_user => 2);
create temp table scene as
select (select id from public.events where slug = 'tap-life') as event_id,
	array(select s.id from public.seats s join public.events e on e.id = s.event_id
	      where e.slug = 'tap-life' order by s.id) as seat;
grant select on scene to anon, authenticated;

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
insert into public.bookings (event_id, seat_id) select event_id, seat[1] from scene;

select lives_ok($$ update public.bookings set status = 'released' where seat_id = (select seat[1] from scene) $$,
	'The owner can release their booking');
select is((select released_at from public.bookings where seat_id = (select seat[1] from scene)), now(),
	'The database stamps released_at on release');
select throws_ok($$ update public.bookings set released_at = now() - interval '1 day' $$,
	'42501', 'permission denied for table bookings', 'A user cannot stamp released_at themselves');
select throws_ok($$ update public.bookings set status = 'booked' where seat_id = (select seat[1] from scene) $$,
	'23514', 'A released booking cannot become booked.', 'A released booking cannot be booked again');
select throws_ok($$ update public.bookings set seat_id = (select seat[2] from scene) $$,
	'42501', 'permission denied for table bookings', 'A booking cannot move to another seat');

select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select lives_ok($$ insert into public.bookings (event_id, seat_id) select event_id, seat[1] from scene $$,
	'Someone else can book a released seat');
select is((select count(*)::int from public.bookings where seat_id = (select seat[1] from scene)), 2,
	'Both the released and the new booking remain');

select lives_ok($$ insert into public.bookings (event_id, seat_id) select event_id, seat[2] from scene $$,
	'A user can book up to the event''s limit');
select is(
	tests.refusal($$ insert into public.bookings (event_id, seat_id) select event_id, seat[3] from scene $$),
	'23514 bookings_max_seats_per_user: You can hold at most 2 seats for this event.',
	'A user cannot book beyond the limit');
select throws_ok($$ insert into public.bookings (event_id, seat_id)
	select event_id, unnest(seat[3:4]) from scene $$,
	'23514', 'You can hold at most 2 seats for this event.', 'A multi-seat request over the limit books nothing');
select is((select count(*)::int from public.bookings where status = 'booked'), 2,
	'The refused requests booked none of their seats');
update public.bookings set status = 'released' where seat_id = (select seat[2] from scene);
select lives_ok($$ insert into public.bookings (event_id, seat_id) select event_id, seat[3] from scene $$,
	'A released seat no longer counts toward the limit');
select throws_ok($$ update public.bookings set status = 'lost' where seat_id = (select seat[3] from scene) $$,
	'23514', null, 'An unknown status is refused');

select tests.act_as('postgres');
select throws_ok($$ update public.bookings set user_id = '11111111-1111-1111-1111-111111111111' $$,
	'23514', 'Only the status of a booking can change.', 'Not even the owner role can rewrite a booking''s owner');

select * from finish();
rollback;
