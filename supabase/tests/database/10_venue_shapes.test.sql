-- The venue builder's shapes: arcs around a stage, a bowl of arcs around a pitch, aisles, left-out
-- seats, numbering direction, rotated blocks, the stage itself, and how bad input is refused (one
-- clear error, nothing created). Rectangular sections as they always were: 05_read_models.
begin;
select plan(37);

create function pg_temp.seats_of(p_slug text)
returns table (section text, row_label text, number int, x numeric, y numeric)
language sql as $$
	select s.section, s.row_label, s.number, round(s.x::numeric, 2), round(s.y::numeric, 2)
	from public.seats s join public.events e on e.id = s.event_id
	where e.slug = p_slug order by s.id
$$;

-- Arcs: two rows of two seats around (0, 0), 10 and 11 from it, between bearings 170 and 190 (just
-- below the centre). Each seat takes an equal share of the span, so they sit at 175 and 185.
select public.create_venue_event('tap-arc', 'Arc', 'Hall', now(),
	'[{"name": "Stalls", "shape": "arc", "cx": 0, "cy": 0, "radius": 10, "start_angle": 170,
	   "end_angle": 190, "rows": 2, "seats": 2, "price_cents": 100}]');
select results_eq(
	$$ select row_label, number, x, y from pg_temp.seats_of('tap-arc') $$,
	$$ values ('A', 1, -0.87, 9.96), ('A', 2, 0.87, 9.96), ('B', 1, -0.96, 10.96), ('B', 2, 0.96, 10.96) $$,
	'An arc''s rows curve around its centre, row A innermost; seat 1 is on the left of someone facing the centre');
select public.create_venue_event('tap-arc-rtl', 'Arc', 'Hall', now(),
	'[{"name": "Stalls", "shape": "arc", "cx": 0, "cy": 0, "radius": 10, "start_angle": 170,
	   "end_angle": 190, "rows": 1, "seats": 2, "numbering": "right-to-left", "price_cents": 100}]');
select results_eq(
	$$ select number, x from pg_temp.seats_of('tap-arc-rtl') $$,
	$$ values (1, 0.87), (2, -0.87) $$,
	'numbering right-to-left starts a row at the other end');
select public.create_venue_event('tap-arc-step', 'Arc', 'Hall', now(),
	'[{"name": "Stalls", "shape": "arc", "cx": 50, "cy": 0, "radius": 20, "start_angle": 120,
	   "end_angle": 240, "rows": 4, "seats": 30, "seats_step": 2, "dy": 1.5, "price_cents": 100}]');
select results_eq(
	$$ select row_label, count(*)::int, min(round(sqrt(power(x - 50, 2) + power(y, 2)), 1)),
	          max(round(sqrt(power(x - 50, 2) + power(y, 2)), 1))
	   from pg_temp.seats_of('tap-arc-step') group by row_label order by row_label $$,
	$$ values ('A', 30, 20.0, 20.0), ('B', 32, 21.5, 21.5), ('C', 34, 23.0, 23.0), ('D', 36, 24.5, 24.5) $$,
	'seats_step lengthens each row behind the first; row r lies at radius + (r - 1)·dy');
select ok(
	(select bool_and(degrees(atan2(x - 50, -y)) + case when x < 50 then 360 else 0 end between 120 and 240)
	 from pg_temp.seats_of('tap-arc-step')),
	'Every seat of an arc lies within its start and end angles');

-- A bowl: four quarter arcs around one pitch, with a degree between them.
select public.create_venue_event('tap-bowl', 'Bowl', 'Stadium', now(),
	(select jsonb_agg(jsonb_build_object('name', 'Stand ' || q, 'shape', 'arc', 'cx', 0, 'cy', 0,
		'radius', 30, 'start_angle', (q - 1) * 90 + 0.5, 'end_angle', q * 90 - 0.5,
		'rows', 3, 'seats', 40, 'price_cents', 100) order by q) from generate_series(1, 4) q),
	stage => '{"kind": "pitch", "x": -20, "y": -12, "width": 40, "height": 24}');
select results_eq(
	$$ select section, count(*)::int, bool_and(case section
	       when 'Stand 1' then x > 0 and y < 0 when 'Stand 2' then x > 0 and y > 0
	       when 'Stand 3' then x < 0 and y > 0 else x < 0 and y < 0 end)
	   from pg_temp.seats_of('tap-bowl') group by section order by section $$,
	$$ values ('Stand 1', 120, true), ('Stand 2', 120, true), ('Stand 3', 120, true), ('Stand 4', 120, true) $$,
	'A bowl is sections around one centre, each at its own angles (clockwise from the top)');
select is(
	(select stage from public.events where slug = 'tap-bowl'),
	'{"kind": "pitch", "x": -20, "y": -12, "width": 40, "height": 24, "label": "Pitch"}'::jsonb,
	'The stage is stored in exactly the documented shape, its label defaulting to its kind');
select results_eq(
	$$ select focal_x, focal_y from public.events where slug = 'tap-bowl' $$,
	$$ values (0::real, 0::real) $$,
	'The stage''s centre is the focal point best_available seats people nearest to');
select is((select stage from public.events where slug = 'tap-arc'), null, 'An event without a stage has none');

-- Aisles, left-out seats, numbering and rotation in grids.
select public.create_venue_event('tap-grid', 'Grid', 'Hall', now(), '[
	{"name": "Aisle", "rows": 1, "seats": 4, "gaps_after": [2], "price_cents": 100},
	{"name": "Wide", "rows": 1, "seats": 4, "gaps_after": [1, 3], "gap": 2, "y": 2, "price_cents": 100},
	{"name": "Skip", "rows": 1, "seats": 5, "skip": [3], "y": 4, "price_cents": 100},
	{"name": "RTL", "rows": 1, "seats": 3, "numbering": "right-to-left", "y": 6, "price_cents": 100},
	{"name": "Turned", "rows": 2, "seats": 2, "rotate": 90, "x": 20, "y": 0, "price_cents": 100}
]');
select results_eq(
	$$ select number, x from pg_temp.seats_of('tap-grid') where section = 'Aisle' $$,
	$$ values (1, 0.00), (2, 1.00), (3, 3.00), (4, 4.00) $$,
	'gaps_after leaves an aisle one seat wide, and the numbers run on across it');
select results_eq(
	$$ select number, x from pg_temp.seats_of('tap-grid') where section = 'Wide' $$,
	$$ values (1, 0.00), (2, 3.00), (3, 4.00), (4, 7.00) $$,
	'gap sets the aisles'' width in seats');
select results_eq(
	$$ select number, x from pg_temp.seats_of('tap-grid') where section = 'Skip' $$,
	$$ values (1, 0.00), (2, 1.00), (4, 3.00), (5, 4.00) $$,
	'skip leaves a seat out: no seat 3, and its place stays empty');
select results_eq(
	$$ select number, x from pg_temp.seats_of('tap-grid') where section = 'RTL' $$,
	$$ values (1, 2.00), (2, 1.00), (3, 0.00) $$,
	'numbering right-to-left puts seat 1 at the right-hand end of a grid row');
select results_eq(
	$$ select row_label, number, x, y from pg_temp.seats_of('tap-grid') where section = 'Turned' $$,
	$$ values ('A', 1, 20.00, 0.00), ('A', 2, 20.00, 1.00), ('B', 1, 19.00, 0.00), ('B', 2, 19.00, 1.00) $$,
	'rotate turns a grid clockwise about its first seat');

-- best_available never seats a party across an aisle.
insert into auth.users (id, aud, role, is_anonymous) values
	('11111111-1111-1111-1111-111111111111', 'authenticated', 'authenticated', true);
select public.create_venue_event('tap-aisle', 'Aisle', 'Hall', now(),
	'[{"name": "Main", "rows": 1, "seats": 6, "gaps_after": [3], "price_cents": 100}]');
update public.events set focal_x = 3, focal_y = 0 where slug = 'tap-aisle';
select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select is(
	(select array_agg(s.number order by s.number)
	 from public.best_available((select id from public.events where slug = 'tap-aisle'), 'standard', 2) b
	 join public.seats s on s.id = b.seat_id),
	array[2, 3],
	'best_available holds seats next to each other, not two across an aisle nearer the stage');
select tests.act_as('postgres');

select tests.act_as('anon');
select lives_ok($$ select stage from public.events $$, 'Anon can read an event''s stage');
select tests.act_as('authenticated', '11111111-1111-1111-1111-111111111111');
select lives_ok($$ select stage from public.events $$, 'A signed-in user can read an event''s stage');
select tests.act_as('postgres');
select throws_ok(
	$$ update public.events set stage = '{"kind": "pool", "x": 0, "y": 0, "width": 1, "height": 1, "label": "Pool"}'
	   where slug = 'tap-arc' $$,
	'23514', null, 'events.stage holds only the documented shape, however it is written');

-- Bad input: invalid_parameter_value, a message saying what is wrong, nothing created.
create temp table bad (what text, sections jsonb, stage jsonb, message text);
insert into bad values
	('a negative row count', '[{"name": "A", "rows": -1, "seats": 2, "price_cents": 1}]', null,
	 'section 1 (A): "rows" must be a whole number of at least 1'),
	('a negative seat count', '[{"name": "A", "rows": 1, "seats": -3, "price_cents": 1}]', null,
	 'section 1 (A): "seats" must be a whole number of at least 1'),
	('a fractional row count', '[{"name": "A", "rows": 1.5, "seats": 2, "price_cents": 1}]', null,
	 'section 1 (A): "rows" must be a whole number of at least 1'),
	('a negative price', '[{"name": "A", "rows": 1, "seats": 2, "price_cents": -1}]', null,
	 'section 1 (A): "price_cents" must be a whole number of at least 0'),
	('a seats_step that empties the back rows',
	 '[{"name": "A", "shape": "arc", "cx": 0, "cy": 0, "radius": 5, "start_angle": 0, "end_angle": 90, "rows": 4, "seats": 2, "seats_step": -1, "price_cents": 1}]',
	 null, 'section 1 (A): "seats_step" -1 leaves row 4 without seats'),
	('an unknown shape', '[{"name": "A", "shape": "oval", "rows": 1, "seats": 2, "price_cents": 1}]', null,
	 'section 1 (A): unknown shape "oval" (use "grid" or "arc")'),
	('a misspelt option', '[{"name": "A", "shape": "arc", "cx": 0, "cy": 0, "raduis": 5, "start_angle": 0, "end_angle": 90, "rows": 1, "seats": 2, "price_cents": 1}]', null,
	 'section 1 (A): unknown option raduis for an arc section (it takes name, rows, seats, price_cents, category, row_labels, tiers, shape, numbering, gaps_after, gap, skip, wheelchair, restricted_view, cx, cy, radius, start_angle, end_angle, dy, seats_step)'),
	('an arc option on a grid', '[{"name": "A", "rows": 1, "seats": 2, "radius": 5, "price_cents": 1}]', null, null),
	('an arc without a radius', '[{"name": "A", "shape": "arc", "cx": 0, "cy": 0, "start_angle": 0, "end_angle": 90, "rows": 1, "seats": 2, "price_cents": 1}]', null,
	 'section 1 (A): an arc section needs "radius"'),
	('an arc ending before it starts', '[{"name": "A", "shape": "arc", "cx": 0, "cy": 0, "radius": 5, "start_angle": 90, "end_angle": 10, "rows": 1, "seats": 2, "price_cents": 1}]', null,
	 'section 1 (A): "end_angle" must be more than "start_angle", by at most 360'),
	('an unknown numbering', '[{"name": "A", "rows": 1, "seats": 2, "numbering": "up", "price_cents": 1}]', null,
	 'section 1 (A): "numbering" is "left-to-right" or "right-to-left"'),
	('an aisle after the last seat', '[{"name": "A", "rows": 1, "seats": 4, "gaps_after": [4], "price_cents": 1}]', null,
	 'section 1 (A): "gaps_after" must list seat numbers from 1 to 3'),
	('seats stacked by dx 0', '[{"name": "A", "rows": 1, "seats": 4, "dx": 0, "price_cents": 1}]', null,
	 'section 1 (A): "dx" must not be 0: the seats would sit on each other'),
	('two sections with one name', '[{"name": "A", "rows": 1, "seats": 1, "price_cents": 1}, {"name": "A", "rows": 1, "seats": 1, "x": 5, "price_cents": 1}]', null,
	 'section names must be unique within the event'),
	('overlapping sections', '[{"name": "A", "rows": 5, "seats": 5, "price_cents": 1}, {"name": "B", "rows": 2, "seats": 2, "x": 3, "y": 3, "price_cents": 1}]', null,
	 'seats overlap: A row D seat 4 and B row A seat 1 are both at about (3.00, 3.00)'),
	('an arc running through a grid', '[{"name": "Grid", "rows": 10, "seats": 10, "price_cents": 1}, {"name": "Arc", "shape": "arc", "cx": 0, "cy": 0, "radius": 5.2, "start_angle": 90, "end_angle": 180, "rows": 1, "seats": 8, "price_cents": 1}]', null,
	 null),
	('an unknown stage kind', '[{"name": "A", "rows": 1, "seats": 1, "price_cents": 1}]',
	 '{"kind": "arena", "x": 0, "y": -3, "width": 2, "height": 1}',
	 'unknown stage kind "arena" (use "stage", "screen" or "pitch")'),
	('a stage without a size', '[{"name": "A", "rows": 1, "seats": 1, "price_cents": 1}]',
	 '{"kind": "screen", "x": 0, "y": -3, "width": 0, "height": 1}',
	 'stage needs numbers "x", "y" and a "width" and "height" of more than 0'),
	('a stage with an unknown option', '[{"name": "A", "rows": 1, "seats": 1, "price_cents": 1}]',
	 '{"kind": "screen", "x": 0, "y": -3, "width": 2, "height": 1, "colour": "red"}',
	 'unknown stage option colour (it takes kind, x, y, width, height, label)');
select throws_ok(
	format($$ select public.create_venue_event('tap-bad', 'Bad', 'Hall', now(), %L::jsonb, stage => %L::jsonb) $$,
		sections, stage),
	'22023', message, format('The builder refuses %s', what))
from bad;
select is((select count(*)::int from public.events where slug = 'tap-bad'), 0,
	'A refused layout creates no event and no seats');

select * from finish();
rollback;
