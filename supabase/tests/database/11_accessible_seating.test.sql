-- Accessible seating: wheelchair spaces, their companion seats and restricted-view seats, as the
-- seats table stores them and seat_map sends them.
begin;
select plan(5);

select col_is_null('public', 'seats', 'accessibility', 'A seat''s accessibility may be null (an ordinary seat)');
select col_default_is('public', 'seats', 'restricted_view', 'false', 'A seat''s view is unrestricted unless said');

select public.create_venue_event('tap-access', 'Access', 'Hall', now(),
	'[{"name": "Main", "rows": 1, "seats": 4, "price_cents": 100}]');
update public.seats set accessibility = 'wheelchair' where number = 1
	and event_id = (select id from public.events where slug = 'tap-access');
update public.seats set accessibility = 'companion', restricted_view = true where number = 2
	and event_id = (select id from public.events where slug = 'tap-access');
select throws_ok(
	$$ update public.seats set accessibility = 'ramp' where number = 3
	   and event_id = (select id from public.events where slug = 'tap-access') $$,
	'23514', null, 'A seat is a wheelchair space, a companion seat or neither, nothing else');
select is(
	(select public.seat_map(id) -> 'accessibility' from public.events where slug = 'tap-access')::jsonb,
	'["wheelchair", "companion", null, null]'::jsonb,
	'seat_map sends each seat''s accessibility, in seat order');
select is(
	(select public.seat_map(id) -> 'restricted_view' from public.events where slug = 'tap-access')::jsonb,
	'[false, true, false, false]'::jsonb,
	'seat_map sends whether each seat''s view is restricted, in seat order');

select * from finish();
rollback;
