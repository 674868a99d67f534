-- Orders: confirming holds makes one order per buyer and event, with a reference, each seat's price
-- from the seats table and the total; only the buyer reads it, nobody writes it through the API,
-- and releasing its seats keeps the history, recomputes the total and cancels an empty order.
begin;
select plan(66);

insert into auth.users (id, aud, role, is_anonymous) values
	('11111111-1111-1111-1111-111111111111', 'authenticated', 'authenticated', true),
	('22222222-2222-2222-2222-222222222222', 'authenticated', 'authenticated', true),
	('33333333-3333-3333-3333-333333333333', 'authenticated', 'authenticated', true);
select public.create_venue_event('tap-orders', 'Orders', 'Hall', now() + interval '1 day',
	'[{"name": "Floor", "rows": 1, "seats": 4, "price_cents": 2500},
	  {"name": "Balcony", "rows": 1, "seats": 4, "price_cents": 1500, "y": 3}]',
	max_seats_per_user => 4);
select public.create_venue_event('tap-orders-2', 'Orders 2', 'Hall', now() + interval '2 days',
	'[{"name": "Main", "rows": 1, "seats": 2, "price_cents": 900}]');
create temp table scene as
select (select id from public.events where slug = 'tap-orders') as event_id,
	(select id from public.events where slug = 'tap-orders-2') as other_event_id,
	array(select s.id from public.seats s join public.events e on e.id = s.event_id
	      where e.slug = 'tap-orders' order by s.id) as seat,
	array(select s.id from public.seats s join public.events e on e.id = s.event_id
	      where e.slug = 'tap-orders-2' order by s.id) as other_seat;
grant select on scene to anon, authenticated;
-- What each step made: booking and order ids, for later steps (the API roles may read it).
create temp table made (name text primary key, ids bigint[], reference text);
grant select, insert, update on made to anon, authenticated;

-- The shape of it ------------------------------------------------------------------------------------

select has_table('public', 'orders', 'There is an orders table');
select has_table('public', 'order_lines', 'There is an order_lines table');
select ok((select bool_and(relrowsecurity) from pg_class
	where oid in ('public.orders'::regclass, 'public.order_lines'::regclass)),
	'Row level security is on for orders and their lines');
select ok(not has_table_privilege('authenticated', 'public.orders', 'insert, update, delete, truncate')
	and not has_table_privilege('authenticated', 'public.order_lines', 'insert, update, delete, truncate')
	and not has_table_privilege('service_role', 'public.orders', 'insert, update, delete, truncate')
	and not has_table_privilege('service_role', 'public.order_lines', 'insert, update, delete, truncate'),
	'No API role may write orders or their lines');
select ok(not has_table_privilege('anon', 'public.orders', 'select')
	and not has_table_privilege('anon', 'public.order_lines', 'select'),
	'Anon may not read orders at all');
select is(
	(select count(*)::int from (select private.order_reference() as r from generate_series(1, 200)) x
	 where r ~ '^[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}$'),
	200, 'References are two groups of four characters without look-alikes (no 0, O, 1, I, L, U)');
select is((select count(distinct private.order_reference())::int from generate_series(1, 200)), 200,
	'References are random');
select is(tests.refusal($$ insert into public.orders (reference, user_id, event_id, total_cents)
		select 'K7QM-3XP0', '11111111-1111-1111-1111-111111111111', event_id, 0 from scene $$),
	'23514 orders_reference_check: new row for relation "orders" violates check constraint "orders_reference_check"',
	'Even the owner cannot store a reference with an ambiguous character');
select ok(not has_function_privilege('anon', 'public.confirm_order(bigint[])', 'execute')
	and not has_function_privilege('anon', 'public.release_from_order(text, bigint[])', 'execute')
	and has_function_privilege('authenticated', 'public.confirm_order(bigint[])', 'execute')
	and has_function_privilege('authenticated', 'public.release_from_order(text, bigint[])', 'execute'),
	'Signed-in users, not anon, may confirm orders and release from them');
select ok(not has_function_privilege('authenticated', 'private.create_orders(bigint[])', 'execute')
	and not has_function_privilege('authenticated', 'private.release_order_lines(bigint[])', 'execute')
	and not has_function_privilege('authenticated', 'private.broadcast_orders(bigint[])', 'execute'),
	'The order bookkeeping is not callable by API roles');

-- Confirming: refusals ---------------------------------------------------------------------------------

-- User 1 holds Floor 1, Floor 2 and Balcony 1; a hold on Floor 4 lapsed; a hold in event 2.
select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
with h as (
	insert into public.bookings (event_id, seat_id, status)
	select event_id, unnest(array[seat[1], seat[2], seat[5]]), 'held' from scene
	returning id
)
insert into made select 'holds', array_agg(id order by id), null from h;
with h as (
	insert into public.bookings (event_id, seat_id, status)
	select other_event_id, other_seat[1], 'held' from scene returning id
)
insert into made select 'other', array_agg(id), null from h;
reset role;
select set_config('request.jwt.claims', '', true);
with h as (
	insert into public.bookings (event_id, seat_id, user_id, status, expires_at)
	select event_id, seat[4], '11111111-1111-1111-1111-111111111111', 'held', now() - interval '1 second'
	from scene returning id
)
insert into made select 'lapsed', array_agg(id), null from h;

select tests.act_as('anon');
select throws_ok($$ select public.confirm_order((select ids from made where name = 'holds')) $$,
	'42501', 'permission denied for function confirm_order', 'Anon cannot confirm an order');

select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select throws_ok($$ select public.confirm_order((select ids from made where name = 'holds')) $$,
	'42501', 'You can only book your own holds.', 'Nobody can book someone else''s holds');
select throws_ok($$ select public.confirm_order((select ids from made where name = 'holds')[1:1]) $$,
	'42501', 'You can only book your own holds.', 'Not even one of them');

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select throws_ok($$ select public.confirm_order('{}') $$,
	'22023', 'Name the holds to book (booking ids, none null).', 'An empty request is refused');
select throws_ok($$ select public.confirm_order(null) $$,
	'22023', 'Name the holds to book (booking ids, none null).', 'A null request is refused');
select throws_ok($$ select public.confirm_order(array[(select ids[1] from made where name = 'holds'), null]) $$,
	'22023', 'Name the holds to book (booking ids, none null).', 'A null booking id is refused');
select throws_ok($$ select public.confirm_order(array[999999999]) $$,
	'22023', 'There is no booking 999999999.', 'An unknown booking is refused');
select throws_ok($$ select public.confirm_order((select ids from made where name = 'holds')
		|| (select ids from made where name = 'other')) $$,
	'22023', 'Book the holds of one event at a time.', 'One order is for one event');
select is(
	tests.refusal($$ select public.confirm_order((select ids from made where name = 'holds')
		|| (select ids from made where name = 'lapsed')) $$),
	'23514 bookings_hold_expired: Your hold on Floor · Row A · Seat 4 has expired.',
	'One lapsed hold refuses the whole request, naming the seat');
select is(
	(select array_agg(status order by id) from public.bookings
	 where id = any ((select ids from made where name = 'holds')::bigint[])),
	array['held', 'held', 'held'], 'The refused requests booked nothing');
reset role;
select set_config('request.jwt.claims', '', true);
select is((select count(*)::int from public.orders), 0, 'The refused requests made no order');

-- Confirming -----------------------------------------------------------------------------------------

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
insert into made
select 'order', array[(o).id], (o).reference
from (select public.confirm_order((select ids from made where name = 'holds')) as o) c;
select ok((select reference ~ '^[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}$'
	from made where name = 'order'), 'confirm_order returns the order with its reference');
select results_eq(
	$$ select o.user_id, o.event_id, o.status, o.total_cents, o.created_at, o.cancelled_at
	   from public.orders o where o.id = (select ids[1] from made where name = 'order') $$,
	$$ select '11111111-1111-1111-1111-111111111111'::uuid, event_id, 'active'::text, 6500,
	          now(), null::timestamptz from scene $$,
	'The order is the buyer''s, for the event, active, totalling its seats'' prices, made now');
select results_eq(
	$$ select l.booking_id, l.seat_id, l.price_cents, l.released_at from public.order_lines l
	   where l.order_id = (select ids[1] from made where name = 'order') order by l.booking_id $$,
	$$ select b.id, b.seat_id, s.price_cents, null::timestamptz from public.bookings b
	   join public.seats s on s.id = b.seat_id
	   where b.id = any ((select ids from made where name = 'holds')::bigint[]) order by b.id $$,
	'Each of its lines is one of the holds, with the seat''s price');
select is(
	(select array_agg(status || ' ' || coalesce(expires_at::text, 'none') order by id) from public.bookings
	 where id = any ((select ids from made where name = 'holds')::bigint[])),
	array['booked none', 'booked none', 'booked none'], 'Every hold in the request is booked');
select is(
	tests.refusal($$ select public.confirm_order((select ids from made where name = 'holds')[2:2]) $$),
	'23514 orders_already_booked: Floor · Row A · Seat 2 is already booked, in order '
		|| (select reference from made where name = 'order') || '.',
	'A seat already booked cannot be confirmed again (a second click), naming its order');

-- The client never says a price: changing one later changes no order.
reset role;
select set_config('request.jwt.claims', '', true);
update public.seats set price_cents = 99 where id = (select seat[1] from scene);
select is((select total_cents from public.orders where id = (select ids[1] from made where name = 'order')),
	6500, 'A later price change does not change the order''s total');
select is((select price_cents from public.order_lines
	where booking_id = (select ids[1] from made where name = 'holds')),
	2500, 'nor the price of its seat');

-- Other ways to book a seat make orders too --------------------------------------------------------

select tests.act_as('authenticated', '33333333-3333-3333-3333-333333333333');
select lives_ok($$ insert into public.bookings (event_id, seat_id) select event_id, seat[6] from scene $$,
	'A straight booking insert still works');
select results_eq(
	$$ select o.status, o.total_cents, (select count(*)::int from public.order_lines l where l.order_id = o.id)
	   from public.orders o where o.user_id = '33333333-3333-3333-3333-333333333333' $$,
	$$ values ('active'::text, 1500, 1) $$,
	'and makes an order of its seat');
select lives_ok($$ insert into public.bookings (event_id, seat_id, status) select event_id, seat[7], 'held' from scene $$,
	'A hold');
select lives_ok($$ update public.bookings set status = 'booked' where seat_id = (select seat[7] from scene) $$,
	'confirmed by updating it');
select is((select count(*)::int from public.orders where user_id = '33333333-3333-3333-3333-333333333333'), 2,
	'is an order of its own as well');
reset role;
select set_config('request.jwt.claims', '', true);
select is(
	(select count(*)::int from public.bookings b where b.status = 'booked'
	 and (select count(*) from public.order_lines l where l.booking_id = b.id and l.released_at is null) <> 1),
	0, 'Every booked seat is in exactly one order');

-- Reading -------------------------------------------------------------------------------------------

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select is((select count(*)::int from public.orders), 1, 'A buyer reads their own orders only');
select is((select count(*)::int from public.order_lines), 3, 'and only their lines');
select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select is((select count(*)::int from public.orders), 0, 'Someone else reads none of them');
select is((select count(*)::int from public.orders where reference = (select reference from made where name = 'order')),
	0, 'not even by reference');
select is((select count(*)::int from public.order_lines), 0, 'nor any of their lines');
select tests.act_as('anon');
select throws_ok($$ select * from public.orders $$, '42501', 'permission denied for table orders',
	'Anon reads no orders');

-- Nobody changes an order directly --------------------------------------------------------------------

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select throws_ok($$ update public.orders set total_cents = 1 $$, '42501', 'permission denied for table orders',
	'The buyer cannot change the total');
select throws_ok($$ update public.order_lines set price_cents = 1 $$, '42501',
	'permission denied for table order_lines', 'nor a seat''s price');
select throws_ok($$ delete from public.order_lines $$, '42501', 'permission denied for table order_lines',
	'nor remove a seat from the order');
select throws_ok($$ insert into public.order_lines (order_id, booking_id, seat_id, price_cents)
		select ids[1], 1, 1, 0 from made where name = 'order' $$,
	'42501', 'permission denied for table order_lines', 'nor add one');
select throws_ok($$ insert into public.orders (reference, user_id, event_id, total_cents)
		select 'AAAA-AAAA', '11111111-1111-1111-1111-111111111111', event_id, 0 from scene $$,
	'42501', 'permission denied for table orders', 'nor make an order of their own');
select throws_ok($$ delete from public.orders $$, '42501', 'permission denied for table orders',
	'nor delete one');
reset role;
select set_config('request.jwt.claims', '', true);
select is(tests.refusal($$ update public.order_lines set price_cents = 1
		where booking_id = (select ids[1] from made where name = 'holds') $$),
	'23514 order_lines_immutable: A seat of an order can only be released, once.',
	'Even the owner cannot change a seat''s price after the fact');
select is(tests.refusal($$ update public.orders set reference = 'AAAA-AAAA'
		where id = (select ids[1] from made where name = 'order') $$),
	'23514 orders_immutable: Only the status and total of an order change, by releasing its seats.',
	'nor an order''s reference, buyer or event');

-- Releasing -----------------------------------------------------------------------------------------

select tests.act_as('anon');
select throws_ok($$ select public.release_from_order((select reference from made where name = 'order'),
		(select ids[1:1] from made where name = 'holds')) $$,
	'42501', 'permission denied for function release_from_order', 'Anon cannot release from an order');
select tests.act_as('authenticated', '22222222-2222-2222-2222-222222222222');
select throws_ok($$ select public.release_from_order((select reference from made where name = 'order'),
		(select ids[1:1] from made where name = 'holds')) $$,
	'PT404', 'There is no order ' || (select reference from made where name = 'order') || '.',
	'Someone else''s order is not there for anyone else');

select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select throws_ok($$ select public.release_from_order((select reference from made where name = 'order'), '{}') $$,
	'22023', 'Name the seats to release (booking ids, none null).', 'Releasing nothing is refused');
select throws_ok($$ select public.release_from_order(null, (select ids[1:1] from made where name = 'holds')) $$,
	'22023', 'Name the order (its reference).', 'Releasing from no order is refused');
select throws_ok($$ select public.release_from_order((select reference from made where name = 'order'),
		(select ids[1:1] from made where name = 'holds') || (select ids from made where name = 'other')) $$,
	'22023', format('Booking %s is not a seat of order %s.', (select ids[1] from made where name = 'other'),
		(select reference from made where name = 'order')),
	'A seat that is not in the order is refused, and the whole request with it');
select is((select status from public.bookings where id = (select ids[1] from made where name = 'holds')),
	'booked', 'The refused release released nothing');

select is(
	(select row(r.status, r.total_cents, r.cancelled_at)::text
	 from public.release_from_order(lower((select reference from made where name = 'order')),
		(select ids[1:1] from made where name = 'holds')) r),
	'(active,4000,)',
	'Releasing a seat (by the reference in any case) returns the order with the new total');
select results_eq(
	$$ select l.booking_id, l.released_at from public.order_lines l
	   where l.order_id = (select ids[1] from made where name = 'order') order by l.booking_id $$,
	$$ select id, case when id = (select ids[1] from made where name = 'holds') then now() end
	   from unnest((select ids from made where name = 'holds')) as id order by id $$,
	'The order keeps the released seat, marked with when');
select is((select status from public.bookings where id = (select ids[1] from made where name = 'holds')),
	'released', 'and the seat is free again');
select is(
	tests.refusal($$ select public.release_from_order((select reference from made where name = 'order'),
		(select ids[1:2] from made where name = 'holds')) $$),
	'23514 order_lines_released: Floor · Row A · Seat 1 was already released from order '
		|| (select reference from made where name = 'order') || '.',
	'A seat already released cannot be released again, and the request releases nothing');

select lives_ok($$ update public.bookings set status = 'released'
		where id = (select ids[2] from made where name = 'holds') $$,
	'Releasing a booked seat the plain way');
select results_eq(
	$$ select o.status, o.total_cents from public.orders o where o.id = (select ids[1] from made where name = 'order') $$,
	$$ values ('active'::text, 1500) $$,
	'releases it from its order as well');

select is(
	(select row(r.status, r.total_cents, r.cancelled_at = now())::text
	 from public.release_from_order((select reference from made where name = 'order'),
		(select ids[3:3] from made where name = 'holds')) r),
	'(cancelled,0,t)',
	'Releasing the last seat cancels the order');
select is((select count(*)::int from public.order_lines l
	where l.order_id = (select ids[1] from made where name = 'order') and l.released_at is not null),
	3, 'A cancelled order still lists every seat it had');
select throws_ok($$ select public.confirm_order((select ids[1:1] from made where name = 'holds')) $$,
	'23514', 'Floor · Row A · Seat 1 was released; hold it again to book it.',
	'A released booking cannot be booked again');

-- Realtime --------------------------------------------------------------------------------------------

reset role;
select set_config('request.jwt.claims', '', true);
select results_eq(
	$$ select m.payload -> 'orders' -> 0 ->> 'status', (m.payload -> 'orders' -> 0 ->> 'total_cents')::int,
	          (m.payload -> 'orders' -> 0 ->> 'seats')::int
	   from realtime.messages m
	   where m.topic = 'user:11111111-1111-1111-1111-111111111111' and m.event = 'order'
	   order by (m.payload -> 'orders' -> 0 ->> 'seats')::int desc $$,
	$$ values ('active', 6500, 3), ('active', 4000, 2), ('active', 1500, 1), ('cancelled', 0, 0) $$,
	'The buyer''s topic hears of the new order and of every change to it');
select is(
	(select count(*)::int from realtime.messages m
	 where m.event = 'order' and m.payload -> 'orders' -> 0 ->> 'reference' = (select reference from made where name = 'order')),
	4, 'and no other topic hears of it');
select is(
	(select count(*)::int from realtime.messages m
	 where m.event = 'order' and m.payload -> 'orders' -> 0 ->> 'order_id' = (select ids[1]::text from made where name = 'order')
	 and m.payload -> 'orders' -> 0 ->> 'reference' = (select reference from made where name = 'order')
	 and m.payload -> 'orders' -> 0 ->> 'event_id' = (select event_id::text from scene)),
	4, 'Each message names the order, its reference and its event');

select * from finish();
rollback;
