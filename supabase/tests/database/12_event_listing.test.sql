-- What the events list reads beyond the event itself: the venue's time zone (an IANA name, or a
-- clear refusal) and the price range in event_availability.
begin;
select plan(14);

select col_not_null('public', 'events', 'time_zone', 'Every event has a time zone');
select col_default_is('public', 'events', 'time_zone', 'UTC', 'An event''s time zone is UTC unless given');

select public.create_venue_event('tap-list', 'List', 'Hall', now() + interval '1 day',
	'[{"name": "Main", "rows": 2, "seats": 3, "price_cents": 2500,
	   "tiers": [{"rows": 1, "category": "front", "price_cents": 12000}]}]');
select is((select time_zone from public.events where slug = 'tap-list'), 'UTC',
	'The venue builder makes an event in UTC');

update public.events set time_zone = 'America/New_York' where slug = 'tap-list';
select is((select time_zone from public.events where slug = 'tap-list'), 'America/New_York',
	'An event''s time zone can be set to an IANA name');

select is(
	tests.refusal($$ update public.events set time_zone = 'Mars/Olympus' where slug = 'tap-list' $$),
	'23514 events_time_zone_known: Unknown time zone: Mars/Olympus.',
	'An unknown time zone is refused with a message that names it');
select is(
	tests.refusal($$ update public.events set time_zone = '+05:00' where slug = 'tap-list' $$),
	'23514 events_time_zone_known: Unknown time zone: +05:00.',
	'An offset is refused although Postgres would read it: browsers know IANA names only');
select is(
	tests.refusal($$ update public.events set time_zone = 'europe/amsterdam' where slug = 'tap-list' $$),
	'23514 events_time_zone_known: Unknown time zone: europe/amsterdam.',
	'A zone name is matched exactly, as browsers match it');
select is(
	tests.refusal($$ insert into public.events (slug, name, venue, starts_at, time_zone)
		values ('tap-nowhere', 'Nowhere', 'Hall', now(), 'Nowhere/City') $$),
	'23514 events_time_zone_known: Unknown time zone: Nowhere/City.',
	'A new event with an unknown time zone is refused');
select is((select count(*)::int from public.events where slug = 'tap-nowhere'), 0,
	'and not created');
select is((select time_zone from public.events where slug = 'tap-list'), 'America/New_York',
	'A refused change leaves the stored time zone as it was');

select results_eq(
	$$ select slug, time_zone from public.events
	   where slug in ('jazz-night', 'hamlet', 'symphony-no-9', 'stadium-finale') order by slug $$,
	$$ values ('hamlet', 'Europe/London'), ('jazz-night', 'Europe/Amsterdam'),
	          ('stadium-finale', 'Asia/Tokyo'), ('symphony-no-9', 'America/New_York') $$,
	'The seeded venues have real time zones');

insert into public.events (slug, name, venue, starts_at) values ('tap-empty', 'Empty', 'Hall', now());

select tests.act_as('anon');
select results_eq(
	$$ select seats_total, price_min_cents, price_max_cents from public.event_availability()
	   where event_id = (select id from public.events where slug = 'tap-list') $$,
	$$ values (6, 2500, 12000) $$,
	'event_availability gives an event''s lowest and highest seat price, to anon too');
select results_eq(
	$$ select seats_total, price_min_cents, price_max_cents from public.event_availability()
	   where event_id = (select id from public.events where slug = 'tap-empty') $$,
	$$ values (0, null::int, null::int) $$,
	'An event with no seats has no price range');
select results_eq(
	$$ select price_min_cents, price_max_cents from public.event_availability()
	   where event_id = (select id from public.events where slug = 'stadium-finale') $$,
	$$ values (5500, 9500) $$,
	'The seeded stadium''s price range, from one call');

select * from finish();
rollback;
