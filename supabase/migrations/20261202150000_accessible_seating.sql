-- Accessible seating: wheelchair spaces, the companion seats beside them, and seats with a
-- restricted view, all marked on public.seats and sent to the map by public.seat_map.
--
-- - create_venue_event takes two more section options (supabase/README.md has examples):
--     wheelchair       [{"row": "T", "seats": [1, 26] or "ends", "companions": 0, 1 or 2 (default 1)}]
--     restricted_view  [{"row": "A", "seats": [1, 2] or "ends"}, {"row": "B"} (the whole row)]
--   A row or seat the section does not have refuses the whole event (invalid_parameter_value).
-- - best_available(p_event_id, p_category, p_count, p_wheelchair default false): with p_wheelchair,
--   a wheelchair space and p_count - 1 companion seats beside it; without, ordinary seats only.
--   Fewer restricted-view seats first, either way.
-- - A companion seat is held or booked only alongside a wheelchair space of the same person in the
--   same event, and released with the last of them (the rule and its races are at the end).

alter table public.seats
	add column accessibility text
		constraint seats_accessibility_check check (accessibility in ('wheelchair', 'companion')),
	add column restricted_view boolean not null default false;
comment on column public.seats.accessibility is
	'wheelchair: a space for a wheelchair; companion: a seat beside one, for whoever comes along; null: an ordinary seat.';
comment on column public.seats.restricted_view is
	'Part of the stage is hidden from this seat (a pillar, an overhang, a steep angle).';

-- As before, with the two new columns as two more arrays in the same order.
create or replace function public.seat_map(p_event_id bigint)
returns json
language sql
stable
set search_path = ''
as $$
	select json_build_object(
		'id', coalesce(array_agg(s.id order by s.id), '{}'),
		'section', coalesce(array_agg(s.section order by s.id), '{}'),
		'row_label', coalesce(array_agg(s.row_label order by s.id), '{}'),
		'number', coalesce(array_agg(s.number order by s.id), '{}'),
		'x', coalesce(array_agg(s.x order by s.id), '{}'),
		'y', coalesce(array_agg(s.y order by s.id), '{}'),
		'category', coalesce(array_agg(s.category order by s.id), '{}'),
		'price_cents', coalesce(array_agg(s.price_cents order by s.id), '{}'),
		'accessibility', coalesce(array_agg(s.accessibility order by s.id), '{}'),
		'restricted_view', coalesce(array_agg(s.restricted_view order by s.id), '{}')
	)
	from public.seats s
	where s.event_id = p_event_id
$$;

-- The venue builder: wheelchair spaces, companions and restricted views per section --------------

-- What is wrong with a section's "wheelchair" or "restricted_view" list, or null: the shape only
-- (whether the rows and seats exist is known once the seats are laid out).
create function private.venue_places_problem(p_places jsonb, p_key text, p_longest int)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
	v_place jsonb;
	v_allowed text[] := case p_key when 'wheelchair' then array['row', 'seats', 'companions']
		else array['row', 'seats'] end;
	v_shape text := case p_key
		when 'wheelchair' then '{"row": "A", "seats": [1, 2] or "ends", "companions": 0, 1 or 2}'
		else '{"row": "A"} (the whole row) or {"row": "A", "seats": [1, 2] or "ends"}' end;
begin
	if p_places is null then
		return null;
	end if;
	if jsonb_typeof(p_places) <> 'array' then
		return format('"%s" must be a list of %s', p_key, v_shape);
	end if;
	for v_place in select value from jsonb_array_elements(p_places) loop
		if jsonb_typeof(v_place) <> 'object'
			or exists (select from jsonb_object_keys(v_place) as k where k <> all (v_allowed))
			or not (jsonb_typeof(v_place -> 'row') = 'string' and v_place ->> 'row' <> ''
				or jsonb_typeof(v_place -> 'row') = 'number' and (v_place ->> 'row')::numeric % 1 = 0)
			or (p_key = 'wheelchair' and not v_place ? 'seats')
			or (v_place ? 'seats' and v_place -> 'seats' <> '"ends"' and (
				jsonb_typeof(v_place -> 'seats') <> 'array' or jsonb_array_length(v_place -> 'seats') = 0
				or exists (
					select from jsonb_array_elements(v_place -> 'seats') as e
					where jsonb_typeof(e) <> 'number' or e::text::numeric % 1 <> 0
						or e::text::numeric < 1 or e::text::numeric > p_longest
				)))
			or (v_place ? 'companions' and (jsonb_typeof(v_place -> 'companions') <> 'number'
				or v_place ->> 'companions' not in ('0', '1', '2'))) then
			return format('invalid "%s" entry %s (write %s, seat numbers from 1 to %s)', p_key, v_place,
				v_shape, p_longest);
		end if;
	end loop;
	return null;
end
$$;

-- The seat numbers a "wheelchair" or "restricted_view" entry names in its row, or an error naming
-- the row or seat the section does not have.
create function private.venue_place_numbers(
	p_event_id bigint, p_where text, p_section text, p_key text, p_place jsonb
)
returns int[]
language plpgsql
stable
set search_path = ''
as $$
declare
	v_row text := p_place ->> 'row';
	v_numbers int[];
	v_missing int;
	v_rows text;
begin
	select array_agg(s.number order by s.number) into v_numbers
	from public.seats s
	where s.event_id = p_event_id and s.section = p_section and s.row_label = v_row;
	if v_numbers is null then
		select string_agg(distinct s.row_label, ', ') into v_rows
		from public.seats s where s.event_id = p_event_id and s.section = p_section;
		raise exception using
			errcode = 'invalid_parameter_value',
			message = format('%s: "%s" names row %s, which the section does not have (its rows: %s)',
				p_where, p_key, v_row, v_rows),
			hint = 'See supabase/README.md for the section options.';
	end if;
	if not p_place ? 'seats' then
		return v_numbers;
	end if;
	if p_place -> 'seats' = '"ends"' then
		return array[v_numbers[1], v_numbers[cardinality(v_numbers)]];
	end if;
	select x into v_missing
	from (select e::text::int as x from jsonb_array_elements(p_place -> 'seats') e) w
	where x <> all (v_numbers) order by x limit 1;
	if found then
		raise exception using
			errcode = 'invalid_parameter_value',
			message = format('%s: "%s" names seat %s of row %s, which the row does not have (it has seats %s to %s, less any left out)',
				p_where, p_key, v_missing, v_row, v_numbers[1], v_numbers[cardinality(v_numbers)]),
			hint = 'See supabase/README.md for the section options.';
	end if;
	return array(select distinct e::text::int from jsonb_array_elements(p_place -> 'seats') e order by 1);
end
$$;

-- Marks a laid-out section's wheelchair spaces, their companion seats and its restricted-view
-- seats. Every wheelchair space first, so no companion lands on one. A companion sits directly
-- beside its space in the row (consecutive numbers, no aisle between): with one companion, on the
-- side towards the middle of the row if that seat is an ordinary one, else on the other side.
create function private.venue_accessibility(p_event_id bigint, p_ord bigint, p_spec jsonb)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
	v_section text := p_spec ->> 'name';
	v_where text := format('section %s (%s)', p_ord, p_spec ->> 'name');
	v_aisles int[] := array(select e::text::int from jsonb_array_elements(coalesce(p_spec -> 'gaps_after', '[]')) e);
	v_place jsonb;
	v_row text;
	v_row_numbers int[];
	v_space int;
	v_wanted int;
	v_beside int[];
begin
	for v_place in select value from jsonb_array_elements(coalesce(p_spec -> 'restricted_view', '[]')) loop
		update public.seats s set restricted_view = true
		where s.event_id = p_event_id and s.section = v_section and s.row_label = v_place ->> 'row'
			and s.number = any (private.venue_place_numbers(p_event_id, v_where, v_section,
				'restricted_view', v_place));
	end loop;
	for v_place in select value from jsonb_array_elements(coalesce(p_spec -> 'wheelchair', '[]')) loop
		update public.seats s set accessibility = 'wheelchair'
		where s.event_id = p_event_id and s.section = v_section and s.row_label = v_place ->> 'row'
			and s.number = any (private.venue_place_numbers(p_event_id, v_where, v_section, 'wheelchair',
				v_place));
	end loop;

	for v_place in select value from jsonb_array_elements(coalesce(p_spec -> 'wheelchair', '[]')) loop
		v_wanted := coalesce((v_place ->> 'companions')::int, 1);
		continue when v_wanted = 0;
		v_row := v_place ->> 'row';
		v_row_numbers := array(select s.number from public.seats s
			where s.event_id = p_event_id and s.section = v_section and s.row_label = v_row
			order by s.number);
		foreach v_space in array private.venue_place_numbers(p_event_id, v_where, v_section, 'wheelchair',
			v_place) loop
			-- The ordinary seats directly beside the space, the one towards the row's middle first.
			v_beside := array(
				select s.number
				from public.seats s
				where s.event_id = p_event_id and s.section = v_section and s.row_label = v_row
					and s.accessibility is distinct from 'wheelchair'
					and ((s.number = v_space - 1 and s.number <> all (v_aisles))
						or (s.number = v_space + 1 and v_space <> all (v_aisles)))
				order by (s.number > v_space)
					= (v_space <= (v_row_numbers[1] + v_row_numbers[cardinality(v_row_numbers)]) / 2.0) desc
			);
			if cardinality(v_beside) < v_wanted then
				raise exception using
					errcode = 'invalid_parameter_value',
					message = format('%s: the wheelchair space at row %s seat %s has %s for %s companion seat%s',
						v_where, v_row, v_space,
						case cardinality(v_beside) when 0 then 'no ordinary seat beside it'
							else 'one ordinary seat beside it, not two' end,
						v_wanted, case when v_wanted = 1 then '' else 's' end),
					detail = 'A companion sits directly beside its wheelchair space: not across an aisle, a left-out seat, or on another wheelchair space.',
					hint = 'Ask for fewer "companions", or move the space.';
			end if;
			update public.seats s set accessibility = 'companion'
			where s.event_id = p_event_id and s.section = v_section and s.row_label = v_row
				and s.number = any (v_beside[1:v_wanted]);
		end loop;
	end loop;
end
$$;

create or replace function private.venue_section_problem(p_spec jsonb, out problem text, out spacing float8)
language plpgsql
immutable
set search_path = ''
as $$
declare
	v_shape text := coalesce(p_spec ->> 'shape', 'grid');
	v_common text[] := array['name', 'rows', 'seats', 'price_cents', 'category', 'row_labels', 'tiers',
		'shape', 'numbering', 'gaps_after', 'gap', 'skip', 'wheelchair', 'restricted_view'];
	v_allowed text[];
	v_unknown text;
	v_key text;
	v_rows int;
	v_seats int;
	v_step int;
	v_longest int;
	v_gap float8;
	v_gaps int;
	v_span float8;
	v_tier jsonb;
	r int;
begin
	if jsonb_typeof(p_spec) is distinct from 'object' then
		problem := 'a section must be a JSON object';
		return;
	end if;
	if v_shape not in ('grid', 'arc') then
		problem := format('unknown shape %s (use "grid" or "arc")', p_spec -> 'shape');
		return;
	end if;
	v_allowed := v_common || case v_shape
		when 'grid' then array['x', 'y', 'dx', 'dy', 'rotate']
		else array['cx', 'cy', 'radius', 'start_angle', 'end_angle', 'dy', 'seats_step'] end;
	select string_agg(k, ', ' order by k) into v_unknown
	from jsonb_object_keys(p_spec) as k where k <> all (v_allowed);
	if v_unknown is not null then
		problem := format('unknown option %s for %s section (it takes %s)', v_unknown,
			case v_shape when 'arc' then 'an arc' else 'a grid' end, array_to_string(v_allowed, ', '));
		return;
	end if;
	if jsonb_typeof(p_spec -> 'name') is distinct from 'string' or p_spec ->> 'name' = '' then
		problem := 'a section needs a "name"';
		return;
	end if;
	foreach v_key in array array['rows', 'seats'] loop
		if jsonb_typeof(p_spec -> v_key) is distinct from 'number' or (p_spec ->> v_key)::numeric < 1
			or (p_spec ->> v_key)::numeric % 1 <> 0 then
			problem := format('"%s" must be a whole number of at least 1', v_key);
			return;
		end if;
	end loop;
	if jsonb_typeof(p_spec -> 'price_cents') is distinct from 'number'
		or (p_spec ->> 'price_cents')::numeric < 0 or (p_spec ->> 'price_cents')::numeric % 1 <> 0 then
		problem := '"price_cents" must be a whole number of at least 0';
		return;
	end if;
	foreach v_key in array array['x', 'y', 'dx', 'dy', 'rotate', 'cx', 'cy', 'radius', 'start_angle',
		'end_angle', 'gap', 'seats_step'] loop
		if p_spec ? v_key and jsonb_typeof(p_spec -> v_key) <> 'number' then
			problem := format('"%s" must be a number', v_key);
			return;
		end if;
	end loop;
	if p_spec ? 'category' and jsonb_typeof(p_spec -> 'category') <> 'string' then
		problem := '"category" must be text';
		return;
	end if;
	if coalesce(p_spec ->> 'row_labels', 'letters') not in ('letters', 'numbers') then
		problem := '"row_labels" is "letters" or "numbers"';
		return;
	end if;
	if coalesce(p_spec ->> 'numbering', 'left-to-right') not in ('left-to-right', 'right-to-left') then
		problem := '"numbering" is "left-to-right" or "right-to-left"';
		return;
	end if;

	v_rows := (p_spec ->> 'rows')::int;
	v_seats := (p_spec ->> 'seats')::int;
	v_step := coalesce((p_spec ->> 'seats_step')::numeric, 0);
	if (p_spec ->> 'seats_step')::numeric % 1 <> 0 then
		problem := '"seats_step" must be a whole number';
		return;
	end if;
	if v_seats + (v_rows - 1) * v_step < 1 then
		problem := format('"seats_step" %s leaves row %s without seats', v_step, v_rows);
		return;
	end if;
	v_longest := greatest(v_seats, v_seats + (v_rows - 1) * v_step);
	v_gap := coalesce((p_spec ->> 'gap')::float8, 1);
	if v_gap <= 0 then
		problem := '"gap" must be more than 0';
		return;
	end if;
	foreach v_key in array array['gaps_after', 'skip'] loop
		if p_spec ? v_key and (
			jsonb_typeof(p_spec -> v_key) <> 'array'
			or exists (
				select from jsonb_array_elements(p_spec -> v_key) as e
				where jsonb_typeof(e) <> 'number' or e::text::numeric % 1 <> 0
					or e::text::numeric < 1
					or e::text::numeric > v_longest - case v_key when 'gaps_after' then 1 else 0 end
			)
		) then
			problem := format('"%s" must list seat numbers from 1 to %s', v_key,
				v_longest - case v_key when 'gaps_after' then 1 else 0 end);
			return;
		end if;
	end loop;
	v_gaps := coalesce(jsonb_array_length(p_spec -> 'gaps_after'), 0);
	problem := private.venue_places_problem(p_spec -> 'wheelchair', 'wheelchair', v_longest);
	if problem is null then
		problem := private.venue_places_problem(p_spec -> 'restricted_view', 'restricted_view', v_longest);
	end if;
	if problem is not null then
		return;
	end if;
	if p_spec ? 'tiers' then
		if jsonb_typeof(p_spec -> 'tiers') <> 'array' then
			problem := '"tiers" must be a list';
			return;
		end if;
		for v_tier in select value from jsonb_array_elements(p_spec -> 'tiers') loop
			if jsonb_typeof(v_tier) <> 'object'
				or (v_tier ? 'rows' and (jsonb_typeof(v_tier -> 'rows') <> 'number'
					or (v_tier ->> 'rows')::numeric < 1 or (v_tier ->> 'rows')::numeric % 1 <> 0))
				or (v_tier ? 'price_cents' and (jsonb_typeof(v_tier -> 'price_cents') <> 'number'
					or (v_tier ->> 'price_cents')::numeric < 0))
				or (v_tier ? 'category' and jsonb_typeof(v_tier -> 'category') <> 'string') then
				problem := format('invalid tier %s (it may say "rows" >= 1, "category" and "price_cents" >= 0)',
					v_tier);
				return;
			end if;
		end loop;
	end if;

	if v_shape = 'grid' then
		if v_longest > 1 and coalesce((p_spec ->> 'dx')::float8, 1) = 0 then
			problem := '"dx" must not be 0: the seats would sit on each other';
			return;
		end if;
		if v_rows > 1 and coalesce((p_spec ->> 'dy')::float8, 1) = 0 then
			problem := '"dy" must not be 0: the rows would sit on each other';
			return;
		end if;
		spacing := least(
			case when v_longest > 1 then abs(coalesce((p_spec ->> 'dx')::float8, 1)) end,
			case when v_rows > 1 then abs(coalesce((p_spec ->> 'dy')::float8, 1)) end);
	else
		foreach v_key in array array['cx', 'cy', 'radius', 'start_angle', 'end_angle'] loop
			if not p_spec ? v_key then
				problem := format('an arc section needs "%s"', v_key);
				return;
			end if;
		end loop;
		if (p_spec ->> 'radius')::float8 <= 0 then
			problem := '"radius" must be more than 0';
			return;
		end if;
		if v_rows > 1 and coalesce((p_spec ->> 'dy')::float8, 1) <= 0 then
			problem := '"dy" of an arc (the distance between its rows) must be more than 0';
			return;
		end if;
		v_span := (p_spec ->> 'end_angle')::float8 - (p_spec ->> 'start_angle')::float8;
		if v_span <= 0 or v_span > 360 then
			problem := '"end_angle" must be more than "start_angle", by at most 360';
			return;
		end if;
		-- Along each row: the arc's length over its seat places (aisles included).
		for r in 1 .. v_rows loop
			spacing := least(spacing,
				((p_spec ->> 'radius')::float8 + (r - 1) * coalesce((p_spec ->> 'dy')::float8, 1))
					* radians(v_span)
					/ (v_seats + (r - 1) * v_step + v_gap * v_gaps));
		end loop;
		if v_rows > 1 then
			spacing := least(spacing, coalesce((p_spec ->> 'dy')::float8, 1));
		end if;
	end if;
	spacing := coalesce(spacing, 1);
end
$$;
-- As before, and then each section's wheelchair spaces, companions and restricted-view seats (see
-- private.venue_accessibility); an unknown row or seat refuses the whole event.
create or replace function public.create_venue_event(
	slug text,
	name text,
	venue text,
	starts_at timestamptz,
	sections jsonb,
	max_seats_per_user int default 8,
	stage jsonb default null
)
returns bigint
language plpgsql
set search_path = ''
-- The planner cannot know how many seats the generated rows hold: it guesses millions, and would
-- compile the statements to machine code for far longer than running them takes.
set jit = off
-- A stadium's seats are sorted into id order in memory rather than through temporary files.
set work_mem = '64MB'
as $$
declare
	v_event_id bigint;
	v_section jsonb;
	v_ord int;
	v_check record;
	v_spacing float8 := 'infinity';
	v_stage jsonb := private.venue_stage(create_venue_event.stage);
	v_near float8;
	v_nestloop text;
	v_overlap boolean;
	v_clash record;
begin
	if jsonb_typeof(sections) is distinct from 'array' or jsonb_array_length(sections) = 0 then
		raise exception using
			errcode = 'invalid_parameter_value',
			message = 'sections must be a non-empty JSON array of section objects';
	end if;
	for v_section, v_ord in select value, ordinality from jsonb_array_elements(sections) with ordinality loop
		select * into v_check from private.venue_section_problem(v_section);
		if v_check.problem is not null then
			raise exception using
				errcode = 'invalid_parameter_value',
				message = format('section %s (%s): %s', v_ord, coalesce(v_section ->> 'name', 'unnamed'),
					v_check.problem),
				hint = 'See supabase/README.md for the section options.';
		end if;
		v_spacing := least(v_spacing, v_check.spacing);
	end loop;
	if (select count(distinct value ->> 'name') from jsonb_array_elements(sections)) < jsonb_array_length(sections) then
		raise exception using
			errcode = 'invalid_parameter_value',
			message = 'section names must be unique within the event';
	end if;

	insert into public.events (slug, name, venue, starts_at, max_seats_per_user, stage, focal_x, focal_y)
	values (
		create_venue_event.slug,
		create_venue_event.name,
		create_venue_event.venue,
		create_venue_event.starts_at,
		create_venue_event.max_seats_per_user,
		v_stage,
		(v_stage ->> 'x')::real + (v_stage ->> 'width')::real / 2,
		(v_stage ->> 'y')::real + (v_stage ->> 'height')::real / 2
	)
	returning id into v_event_id;

	insert into public.seats (event_id, section, row_label, number, x, y, category, price_cents)
	with section_spec as (
		select
			ord,
			spec ->> 'name' as section,
			coalesce(spec ->> 'shape', 'grid') as shape,
			(spec ->> 'rows')::int as row_count,
			(spec ->> 'seats')::int as seat_count,
			coalesce((spec ->> 'seats_step')::int, 0) as seats_step,
			(spec ->> 'price_cents')::int as price_cents,
			coalesce(spec ->> 'category', 'standard') as category,
			-- Read as real, as before, so a grid's seats land exactly where they used to.
			coalesce((spec ->> 'x')::real, 0) as x,
			coalesce((spec ->> 'y')::real, 0) as y,
			coalesce((spec ->> 'dx')::real, 1) as dx,
			coalesce((spec ->> 'dy')::real, 1) as dy,
			coalesce((spec ->> 'rotate')::float8, 0) as rotate,
			(spec ->> 'cx')::float8 as cx,
			(spec ->> 'cy')::float8 as cy,
			(spec ->> 'radius')::float8 as radius,
			(spec ->> 'start_angle')::float8 as start_angle,
			(spec ->> 'end_angle')::float8 as end_angle,
			coalesce(spec ->> 'numbering', 'left-to-right') = 'left-to-right' as left_to_right,
			coalesce((spec ->> 'gap')::float8, 1) as gap,
			array(select e::text::int from jsonb_array_elements(coalesce(spec -> 'gaps_after', '[]')) e) as gaps_after,
			array(select e::text::int from jsonb_array_elements(coalesce(spec -> 'skip', '[]')) e) as skip,
			coalesce(spec ->> 'row_labels', 'letters') as row_labels,
			coalesce(spec -> 'tiers', '[]') as tiers
		from jsonb_array_elements(sections) with ordinality as s (spec, ord)
	),
	-- One row per seat row, with its tier resolved once (not once per seat).
	seat_row as materialized (
		select
			s.*,
			r as row_number,
			private.row_label(r, s.row_labels) as row_label,
			s.seat_count + (r - 1) * s.seats_step as row_seats,
			coalesce(t.category, s.category) as row_category,
			coalesce(t.price_cents, s.price_cents) as row_price_cents
		from section_spec s
		cross join lateral generate_series(1, s.row_count) as r
		left join lateral (
			select tier ->> 'category' as category, (tier ->> 'price_cents')::int as price_cents
			from (
				select tier, sum(coalesce((tier ->> 'rows')::int, 1000000)) over (order by k) as last_row
				from jsonb_array_elements(s.tiers) with ordinality as tt (tier, k)
			) cumulative
			where r <= cumulative.last_row
			order by cumulative.last_row
			limit 1
		) t on true
	),
	-- Each seat's place along its row counted from seat 1 (aisles take `gap` places), and the
	-- row's last place.
	seat_place as (
		select
			sr.*,
			n,
			(n - 1) + case when cardinality(sr.gaps_after) = 0 then 0
				else sr.gap * (select count(*) from unnest(sr.gaps_after) g where g < n) end as place,
			(sr.row_seats - 1) + case when cardinality(sr.gaps_after) = 0 then 0
				else sr.gap * (select count(*) from unnest(sr.gaps_after) g where g < sr.row_seats) end
				as last_place
		from seat_row sr
		cross join lateral generate_series(1, sr.row_seats) as n
		where n <> all (sr.skip)
	),
	seat_at as (
		select
			sp.ord, sp.row_number, sp.n, sp.section, sp.row_label, sp.row_category, sp.row_price_cents,
			case
				when sp.shape = 'grid' then
					-- Left to right: from x along dx; right to left: seat 1 at the far end.
					case when sp.left_to_right then sp.place else sp.last_place - sp.place end
				-- Facing the centre, left to right runs from the end angle towards the start.
				when sp.left_to_right then sp.end_angle - (sp.place + 0.5) * (sp.end_angle - sp.start_angle) / (sp.last_place + 1)
				else sp.start_angle + (sp.place + 0.5) * (sp.end_angle - sp.start_angle) / (sp.last_place + 1)
			end as along,
			sp.shape, sp.x, sp.y, sp.dx, sp.dy, sp.rotate, sp.cx, sp.cy,
			sp.radius + (sp.row_number - 1) * sp.dy as row_radius
		from seat_place sp
	)
	select v_event_id, sa.section, sa.row_label, sa.n,
		case
			when sa.shape = 'arc' then sa.cx + sa.row_radius * sind(sa.along)
			when sa.rotate = 0 then sa.x + sa.along * sa.dx
			else sa.x + sa.along * sa.dx * cosd(sa.rotate) - (sa.row_number - 1) * sa.dy * sind(sa.rotate)
		end,
		case
			when sa.shape = 'arc' then sa.cy - sa.row_radius * cosd(sa.along)
			when sa.rotate = 0 then sa.y + (sa.row_number - 1) * sa.dy
			else sa.y + sa.along * sa.dx * sind(sa.rotate) + (sa.row_number - 1) * sa.dy * cosd(sa.rotate)
		end,
		sa.row_category, sa.row_price_cents
	from seat_at sa
	order by sa.ord, sa.row_number, sa.n;

	-- Seats closer than half the venue's smallest seat spacing collide: sections overlap. Within a
	-- section the checks above keep seats at least that spacing apart, so only seats inside another
	-- section's bounds need comparing, and only with seats in neighbouring cells of that size.
	v_near := v_spacing / 2;
	-- The planner guesses a handful of such seats and would compare them pair by pair in a nested
	-- loop; hashing the cells is right for a handful and for thousands. Transaction-local, and set
	-- back below (a failure rolls it back with the statement).
	v_nestloop := current_setting('enable_nestloop');
	perform set_config('enable_nestloop', 'off', true);
	with bounds as materialized (
		select s.section, min(s.x) - v_near as x0, max(s.x) + v_near as x1,
			min(s.y) - v_near as y0, max(s.y) + v_near as y1
		from public.seats s where s.event_id = v_event_id
		group by s.section
	),
	cell as materialized (
		select s.id, s.section, s.row_label, s.number, s.x::float8 as x, s.y::float8 as y,
			floor(s.x / v_near)::bigint as gx, floor(s.y / v_near)::bigint as gy
		from public.seats s
		where s.event_id = v_event_id
			and exists (
				select from bounds b
				where b.section <> s.section and s.x between b.x0 and b.x1 and s.y between b.y0 and b.y1
			)
	)
	select a.section as a_section, a.row_label as a_row, a.number as a_number,
		b.section as b_section, b.row_label as b_row, b.number as b_number, a.x, a.y
	into v_clash
	from cell a
	cross join (values (0, 0), (1, -1), (1, 0), (1, 1), (0, 1)) as o (ox, oy)
	join cell b on b.gx = a.gx + o.ox and b.gy = a.gy + o.oy
	where a.section <> b.section
		and (a.x - b.x) ^ 2 + (a.y - b.y) ^ 2 < v_near ^ 2
	order by a.id, b.id
	limit 1;
	v_overlap := found;
	perform set_config('enable_nestloop', v_nestloop, true);
	if v_overlap then
		raise exception using
			errcode = 'invalid_parameter_value',
			message = format('seats overlap: %s row %s seat %s and %s row %s seat %s are both at about (%s, %s)',
				v_clash.a_section, v_clash.a_row, v_clash.a_number, v_clash.b_section, v_clash.b_row,
				v_clash.b_number, round(v_clash.x::numeric, 2), round(v_clash.y::numeric, 2)),
			hint = 'Move or shrink one of the sections.';
	end if;

	for v_section, v_ord in select value, ordinality from jsonb_array_elements(sections) with ordinality loop
		perform private.venue_accessibility(v_event_id, v_ord, v_section);
	end loop;

	return v_event_id;
end
$$;
-- Best available, accessible too --------------------------------------------------------------------

-- A new parameter changes the signature; dropping the old one keeps a single best_available, so a
-- call naming three arguments is never ambiguous between two of them.
drop function public.best_available(bigint, text, int);

-- As before, with three changes:
-- - p_wheelchair: one of the p_count seats is a wheelchair space and the others are companion
--   seats, all next to each other in one row (1 is a wheelchair space alone);
-- - otherwise it offers ordinary seats only: wheelchair spaces and companion seats are for those
--   who need them (and a companion seat alone is refused anyway, see below);
-- - blocks with fewer restricted-view seats come first, before every other preference;
-- - p_category null means any category.
create function public.best_available(
	p_event_id bigint,
	p_category text,
	p_count int,
	p_wheelchair boolean default false
)
returns setof public.bookings
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_limit int;
	v_focal_x real;
	v_focal_y real;
	v_block record;
	v_ids bigint[];
	v_wheelchair boolean := coalesce(p_wheelchair, false);
	v_in_category text := case when p_category is null then '' else format(' in category "%s"', p_category) end;
begin
	if v_uid is null then
		raise exception using
			errcode = 'insufficient_privilege',
			message = 'Sign in to hold seats.';
	end if;

	select e.max_seats_per_user, e.focal_x, e.focal_y into v_limit, v_focal_x, v_focal_y
	from public.events e where e.id = p_event_id;
	if not found then
		raise exception using
			errcode = 'invalid_parameter_value',
			message = format('There is no event %s.', p_event_id);
	end if;
	if p_count is null or p_count < 1 or p_count > v_limit then
		raise exception using
			errcode = 'invalid_parameter_value',
			message = format('Ask for 1 to %s seats.', v_limit),
			detail = format('Asked for %s.', p_count);
	end if;
	if not exists (select from public.seats s where s.event_id = p_event_id
		and (p_category is null or s.category = p_category)) then
		raise exception using
			errcode = 'invalid_parameter_value',
			message = format('This event has no seats in category "%s".', p_category);
	end if;
	if v_wheelchair and not exists (select from public.seats s where s.event_id = p_event_id
		and (p_category is null or s.category = p_category) and s.accessibility = 'wheelchair') then
		raise exception using
			errcode = 'invalid_parameter_value',
			message = format('This event has no wheelchair spaces%s.', v_in_category);
	end if;
	if v_focal_x is null or v_focal_y is null then
		select coalesce(v_focal_x, (min(s.x) + max(s.x)) / 2), coalesce(v_focal_y, min(s.y))
		into v_focal_x, v_focal_y
		from public.seats s where s.event_id = p_event_id;
	end if;

	for v_block in
		with row_seat as (
			select s.id, s.section, s.row_label, s.number, s.x, s.y, s.accessibility, s.restricted_view,
				s.number - lag(s.number) over w as step,
				sqrt(power(s.x - lag(s.x) over w, 2) + power(s.y - lag(s.y) over w, 2)) as apart
			from public.seats s
			where s.event_id = p_event_id and (p_category is null or s.category = p_category)
			window w as (partition by s.section, s.row_label order by s.number)
		),
		-- An aisle splits a row even where the numbers run on across it: seats farther apart than
		-- 1.5 times the row's closest neighbours are not next to each other.
		row_gap as (
			select rs.*, min(rs.apart) over (partition by rs.section, rs.row_label) as closest
			from row_seat rs
		),
		row_part as (
			select rg.*,
				sum((rg.step is distinct from 1 or rg.apart > 1.5 * rg.closest)::int)
					over (partition by rg.section, rg.row_label order by rg.number) as part
			from row_gap rg
		),
		free as (
			select s.id, s.section, s.row_label, s.number, s.x, s.y, s.part, s.accessibility,
				s.restricted_view,
				s.number - row_number() over (partition by s.section, s.row_label order by s.number) as run
			from row_part s
			where (v_wheelchair or s.accessibility is null)
				and not exists (
					select from public.bookings b
					where b.seat_id = s.id
						and (b.status = 'booked' or (b.status = 'held' and b.expires_at > now()))
				)
		),
		-- Each free seat as the first of a block within its run of free seats next to each other.
		starts as (
			select f.id, f.section, f.row_label, f.number, f.x, f.y,
				row_number() over w as k,
				count(*) over (partition by f.section, f.row_label, f.part, f.run) as run_length,
				lead(f.x, p_count - 1) over w as last_x,
				lead(f.y, p_count - 1) over w as last_y,
				count(*) filter (where f.restricted_view) over block as restricted,
				count(*) filter (where f.accessibility = 'wheelchair') over block as wheelchair,
				count(*) filter (where f.accessibility = 'companion') over block as companions
			from free f
			window w as (partition by f.section, f.row_label, f.part, f.run order by f.number),
				block as (w rows between current row and p_count - 1 following)
		)
		select st.section, st.row_label, st.number
		from starts st
		where st.k + p_count - 1 <= st.run_length
			and (not v_wheelchair or (st.wheelchair = 1 and st.companions = p_count - 1))
		order by
			st.restricted,
			-- Single free seats the block would strand on its left and right.
			(st.k - 1 = 1)::int + (st.run_length - (st.k + p_count - 1) = 1)::int,
			sqrt(power((st.x + st.last_x) / 2 - v_focal_x, 2) + power((st.y + st.last_y) / 2 - v_focal_y, 2)),
			st.id
	loop
		begin
			-- Only other best_available callers take these locks (NO KEY UPDATE does not block the
			-- foreign key checks of plain bookings), so two of them never fight over one block.
			select array_agg(l.id) into v_ids from (
				select s.id from public.seats s
				where s.event_id = p_event_id and s.section = v_block.section
					and s.row_label = v_block.row_label
					and s.number between v_block.number and v_block.number + p_count - 1
				order by s.id
				for no key update skip locked
			) l;
			if cardinality(v_ids) = p_count then
				with held as (
					insert into public.bookings (event_id, seat_id, user_id, status)
					select p_event_id, seat_id, v_uid, 'held'
					from unnest(v_ids) as seat_id
					order by seat_id
					returning id
				)
				select array_agg(id) into v_ids from held;
				return query select * from public.bookings b where b.id = any (v_ids) order by b.seat_id;
				return;
			end if;
		exception when unique_violation then
			-- Taken since the candidates were listed: try the next block.
		end;
	end loop;

	if v_wheelchair then
		raise exception using
			errcode = 'PT409',
			message = case when p_count = 1 then format('No wheelchair space is free%s.', v_in_category)
				else format('No wheelchair space with %s companion seat%s beside it is free%s.', p_count - 1,
					case when p_count = 2 then '' else 's' end, v_in_category) end,
			hint = 'Try fewer companion seats or another category.';
	end if;
	raise exception using
		errcode = 'PT409', -- PostgREST answers 409 Conflict, like a taken seat
		message = format('No %s adjacent seats are free%s.', p_count, v_in_category),
		hint = 'Try fewer seats or another category.';
end
$$;
comment on function public.best_available(bigint, text, int, boolean) is
	'Holds p_count adjacent seats of a category nearest the focal point, for the caller; with p_wheelchair, a wheelchair space and p_count - 1 companion seats beside it.';

revoke execute on function public.best_available(bigint, text, int, boolean) from public, anon;
grant execute on function public.best_available(bigint, text, int, boolean) to authenticated;

-- Companion seats go with a wheelchair space -------------------------------------------------------

-- A companion seat is for someone who comes with a wheelchair user, so it is held or booked only
-- alongside a wheelchair space of the same person in the same event:
-- - held: the person holds (not lapsed) or has booked a wheelchair space there when the statement
--   ends: one held before, or one in the same request;
-- - booked: the person has booked a wheelchair space there when the statement ends (confirming
--   both together is one statement), so a booked companion never rests on a hold that could lapse;
-- - when a person's last wheelchair space in an event stops being theirs (released, or a lapsed
--   hold someone else took over), their companion seats there are released in the same statement
--   (a lapsed companion hold is marked expired instead); one taken beside a booked space stays
--   while another booked space remains, one held while another held or booked space remains.
-- A companion hold taken in the same request as its wheelchair space has the same expiry, so they
-- lapse together.
--
-- Races: every path that makes a companion seat current or ends a wheelchair space takes the
-- per-person, per-event lock the insert trigger takes (bookings_before_insert; a confirmation takes
-- it in bookings_before_update) and only then looks at the person's other seats, in a statement of
-- its own, so it sees whatever committed while it waited. A companion hold racing the release of
-- the person's wheelchair space is therefore either refused (the release committed first) or
-- released by it (the hold committed first); never left without its space.

create function private.person_lock(p_event_id bigint, p_user_id uuid)
returns void
language sql
volatile
set search_path = ''
as $$
	select pg_advisory_xact_lock(
		hashtextextended('public.bookings:limit:' || p_event_id || ':' || p_user_id, 0)
	)
$$;

-- After each statement that inserts bookings or changes their status: the releases above, then the
-- refusal of a companion seat without its wheelchair space.
create function private.bookings_companions()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_taken bigint[];
	v_pair record;
	v_bad record;
begin
	if tg_op = 'INSERT' then
		select array_agg(n.id) into v_taken
		from new_rows n join public.seats s on s.id = n.seat_id
		where s.accessibility = 'companion' and n.status in ('held', 'booked');
	else
		select array_agg(n.id) into v_taken
		from new_rows n join old_rows o on o.id = n.id join public.seats s on s.id = n.seat_id
		where s.accessibility = 'companion' and n.status = 'booked' and o.status <> 'booked';

		for v_pair in
			select distinct n.user_id, n.event_id
			from new_rows n join old_rows o on o.id = n.id join public.seats s on s.id = n.seat_id
			where s.accessibility = 'wheelchair' and o.status in ('held', 'booked')
				and n.status in ('released', 'expired')
			order by n.user_id, n.event_id
		loop
			perform private.person_lock(v_pair.event_id, v_pair.user_id);
			update public.bookings b
			set status = case when b.status = 'held' and b.expires_at <= now() then 'expired' else 'released' end
			from public.seats s
			where s.id = b.seat_id and s.accessibility = 'companion'
				and b.event_id = v_pair.event_id and b.user_id = v_pair.user_id
				and b.status in ('held', 'booked')
				and not exists (
					select from public.bookings w join public.seats ws on ws.id = w.seat_id
					where ws.accessibility = 'wheelchair' and w.event_id = b.event_id
						and w.user_id = b.user_id
						and (w.status = 'booked'
							or (b.status = 'held' and w.status = 'held' and w.expires_at > now()))
				);
		end loop;
	end if;
	if v_taken is null then
		return null;
	end if;

	for v_pair in
		select distinct b.user_id, b.event_id from public.bookings b where b.id = any (v_taken)
		order by b.user_id, b.event_id
	loop
		perform private.person_lock(v_pair.event_id, v_pair.user_id);
	end loop;
	-- A statement of its own, after the locks: it sees a release that committed meanwhile.
	select b.id, b.seat_id, b.status into v_bad
	from public.bookings b
	where b.id = any (v_taken) and b.status in ('held', 'booked')
		and not exists (
			select from public.bookings w join public.seats ws on ws.id = w.seat_id
			where ws.accessibility = 'wheelchair' and w.event_id = b.event_id and w.user_id = b.user_id
				and (w.status = 'booked'
					or (b.status = 'held' and w.status = 'held' and w.expires_at > now()))
		)
	order by b.id
	limit 1;
	if found then
		raise exception using
			errcode = 'check_violation',
			constraint = 'bookings_companion_needs_wheelchair',
			message = format('%s is a companion seat, for someone who comes with a wheelchair user.',
				private.seat_name(v_bad.seat_id)),
			detail = 'Nothing was held or booked.',
			hint = case v_bad.status
				when 'held' then 'Hold a wheelchair space of this event first, or in the same request.'
				else 'Book a wheelchair space of this event first, or together with it.' end;
	end if;
	return null;
end
$$;

-- Named to fire before the other statement triggers (names sort): a refusal comes before any
-- broadcast or order is made.
create trigger bookings_accessible_insert
	after insert on public.bookings
	referencing new table as new_rows
	for each statement execute function private.bookings_companions();

create trigger bookings_accessible_update
	after update on public.bookings
	referencing old table as old_rows new table as new_rows
	for each statement execute function private.bookings_companions();

revoke execute on function private.person_lock(bigint, uuid), private.bookings_companions()
	from public, anon, authenticated;
