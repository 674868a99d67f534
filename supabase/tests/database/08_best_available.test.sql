-- best_available(event, category, count): adjacent seats in one row, nearest the focal point,
-- avoiding single stranded seats, held for the caller; its refusals. (Concurrent callers on the
-- seeded stadium: tests/db/best-available.spec.ts.)
begin;
select plan(13);

insert into auth.users (id, aud, role, is_anonymous) values
	('11111111-1111-1111-1111-111111111111', 'authenticated', 'authenticated', true),
	('22222222-2222-2222-2222-222222222222', 'authenticated', 'authenticated', true);
-- One row of 6 seats at x = 0 … 5 with the stage nearest seats 2 and 3; 3 rows of 9 (x 0 … 8, rows
-- at y 0, 1, 2) with the default focal point; 5 seats with a limit of 4; 10 seats with a limit of 4.
select public.create_venue_event('tap-orphan', 'Orphan', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 1, "seats": 6, "price_cents": 1000}]');
update public.events set focal_x = 1.4, focal_y = 0 where slug = 'tap-orphan';
select public.create_venue_event('tap-focal', 'Focal', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 3, "seats": 9, "price_cents": 1000}]');
select public.create_venue_event('tap-refuse', 'Refuse', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 1, "seats": 5, "price_cents": 1000}]', max_seats_per_user => 4);
select public.create_venue_event('tap-limit', 'Limit', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 1, "seats": 10, "price_cents": 1000}]', max_seats_per_user => 4);
create temp table scene as
select e.slug, e.id as event_id, array(select s.id from public.seats s where s.event_id = e.id order by s.id) as seat
from public.events e where e.slug like 'tap-%';
grant select on scene to anon, authenticated;

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select results_eq(
	$$ select b.seat_id, b.status, b.user_id, b.expires_at
	   from public.best_available((select event_id from scene where slug = 'tap-orphan'), 'standard', 2) b $$,
	$$ select unnest(seat[1:2]), 'held', '11111111-1111-1111-1111-111111111111'::uuid, now() + interval '10 minutes'
	   from scene where slug = 'tap-orphan' $$,
	'Seats 2+3 are nearest but would strand seat 1, so seats 1+2 are held for the caller, for the hold length');
select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select is(
	(select array_agg(b.seat_id order by b.seat_id)
	 from public.best_available((select event_id from scene where slug = 'tap-orphan'), 'standard', 3) b),
	(select seat[3:5] from scene where slug = 'tap-orphan'),
	'When every block strands a seat, the nearest wins (3+4+5 over 4+5+6)');
select is(
	(select array_agg(b.seat_id order by b.seat_id)
	 from public.best_available((select event_id from scene where slug = 'tap-focal'), 'standard', 3) b),
	(select seat[4:6] from scene where slug = 'tap-focal'),
	'Without a focal point, the top centre of the seats is the stage: row A, seats 4-6');

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select throws_ok($$ select public.best_available((select event_id from scene where slug = 'tap-refuse'), 'vip', 2) $$,
	'22023', 'This event has no seats in category "vip".', 'best_available refuses an unknown category');
select throws_ok($$ select public.best_available((select event_id from scene where slug = 'tap-refuse'), 'standard', 0) $$,
	'22023', 'Ask for 1 to 4 seats.', 'best_available refuses to hold no seats');
select throws_ok($$ select public.best_available((select event_id from scene where slug = 'tap-refuse'), 'standard', 5) $$,
	'22023', 'Ask for 1 to 4 seats.', 'best_available refuses more seats than the per-user limit');
select throws_ok($$ select public.best_available(-1, 'standard', 1) $$,
	'22023', 'There is no event -1.', 'best_available refuses an unknown event');

select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
insert into public.bookings (event_id, seat_id) select event_id, seat[3] from scene where slug = 'tap-refuse';
select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select throws_ok($$ select public.best_available((select event_id from scene where slug = 'tap-refuse'), 'standard', 3) $$,
	'PT409', 'No 3 adjacent seats are free in category "standard".',
	'best_available answers PT409 when no block of that many adjacent seats is free');
select is(
	(select count(*)::int from public.best_available((select event_id from scene where slug = 'tap-refuse'), 'standard', 2)),
	2, 'A smaller block still fits beside the booked seat');
select is(
	(select count(*)::int from public.bookings b join scene on scene.event_id = b.event_id
	 where scene.slug = 'tap-refuse' and b.user_id = '11111111-1111-1111-1111-111111111111'),
	2, 'The refused calls held nothing');

select lives_ok($$ select public.best_available((select event_id from scene where slug = 'tap-limit'), 'standard', 3) $$,
	'best_available holds up to the per-user limit');
select is(
	tests.refusal($$ select public.best_available((select event_id from scene where slug = 'tap-limit'), 'standard', 2) $$),
	'23514 bookings_max_seats_per_user: You can hold at most 4 seats for this event.',
	'The per-user limit applies to best_available too');

select tests.act_as('anon');
select throws_ok($$ select public.best_available((select event_id from scene where slug = 'tap-refuse'), 'standard', 1) $$,
	'42501', 'permission denied for function best_available', 'Anon cannot call best_available');

select * from finish();
rollback;
