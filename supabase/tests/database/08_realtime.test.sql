-- Who may follow which realtime topic, and what the database sends there. Realtime authorises a
-- private channel by reading (join) and inserting (broadcast, presence) rows of realtime.messages
-- whose topic is the channel's, as the joining user; these assertions do the same.
begin;
select plan(16);

insert into auth.users (id, aud, role, is_anonymous) values
	('11111111-1111-1111-1111-111111111111', 'authenticated', 'authenticated', true),
	('22222222-2222-2222-2222-222222222222', 'authenticated', 'authenticated', true);
select public.create_venue_event('tap-realtime', 'Realtime', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 1, "seats": 4, "price_cents": 1000}]');
create temp table scene as
select (select id from public.events where slug = 'tap-realtime') as event_id,
	array(select s.id from public.seats s join public.events e on e.id = s.event_id
	      where e.slug = 'tap-realtime' order by s.id) as seat;
grant select on scene to anon, authenticated;

-- Probe rows, as Realtime inserts them before asking.
insert into realtime.messages (topic, extension)
select t.topic, x.extension
from (values ('event:' || (select event_id from scene)), ('events'),
	('user:11111111-1111-1111-1111-111111111111'), ('somewhere')) as t (topic)
cross join (values ('broadcast'), ('presence')) as x (extension);

create function pg_temp.can_read(p_topic text, p_extension text) returns boolean
language sql as $$
	select exists (select from realtime.messages m where m.topic = p_topic and m.extension = p_extension)
$$;
create function pg_temp.send_as_client(p_topic text, p_extension text) returns void
language sql as $$
	insert into realtime.messages (topic, extension) values (p_topic, p_extension)
$$;

select tests.act_as('anon');
select ok(pg_temp.can_read('event:' || (select event_id from scene), 'broadcast'),
	'Anyone, signed in or not, can follow an event''s seat changes');
select ok(pg_temp.can_read('event:' || (select event_id from scene), 'presence'),
	'Anyone can see who else views an event');
select ok(pg_temp.can_read('events', 'broadcast'), 'Anyone can follow the events list''s counts');
select ok(not pg_temp.can_read('user:11111111-1111-1111-1111-111111111111', 'broadcast'),
	'Anon cannot follow a person''s bookings');
select ok(not pg_temp.can_read('somewhere', 'broadcast'), 'No topic is readable unless a policy names it');
select throws_ok(format($$ select pg_temp.send_as_client('event:%s', 'broadcast') $$,
	(select event_id from scene)), '42501', null, 'Anon cannot broadcast on an event''s topic');
select lives_ok(format($$ select pg_temp.send_as_client('event:%s', 'presence') $$,
	(select event_id from scene)), 'Anon viewers can be present on an event''s topic');

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select ok(pg_temp.can_read('user:11111111-1111-1111-1111-111111111111', 'broadcast'),
	'A user can follow their own bookings');
select throws_ok(format($$ select pg_temp.send_as_client('event:%s', 'broadcast') $$,
	(select event_id from scene)), '42501', null, 'A signed-in user cannot broadcast on an event''s topic');
select throws_ok($$ select pg_temp.send_as_client('user:11111111-1111-1111-1111-111111111111', 'broadcast') $$,
	'42501', null, 'A user cannot broadcast on their own topic either (only the database writes there)');
select throws_ok($$ select pg_temp.send_as_client('events', 'broadcast') $$,
	'42501', null, 'Nobody but the database broadcasts on the events list''s topic');
select lives_ok($$ select realtime.send('{"changes": []}', 'INSERT', 'event:1', true) $$,
	'realtime.send refused by policy only warns, so it never fails the caller');

select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select ok(not pg_temp.can_read('user:11111111-1111-1111-1111-111111111111', 'broadcast'),
	'A user cannot follow someone else''s bookings');

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select lives_ok($$ insert into public.bookings (event_id, seat_id, status)
	select event_id, s, 'held' from scene, unnest(seat[1:3]) s $$, 'A user holds three seats at once');
reset role;
select results_eq(
	$$ select topic, event, jsonb_array_length(coalesce(payload -> 'changes', payload -> 'events'))
	   from realtime.messages where payload is not null order by inserted_at, topic $$,
	$$ values ('event:' || (select event_id from scene), 'INSERT', 3),
	          ('events', 'availability', 1),
	          ('user:11111111-1111-1111-1111-111111111111', 'INSERT', 3) $$,
	'A three-seat hold is one message on the event''s topic, one on the person''s, one for the list');
select is((select payload -> 'events' -> 0 ->> 'held' from realtime.messages
		where topic = 'events' and payload is not null),
	'3', 'The list''s message says three more seats are held');

select * from finish();
rollback;
