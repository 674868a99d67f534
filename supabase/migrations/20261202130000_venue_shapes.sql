-- Venue shapes for create_venue_event: curved rows around a stage, sections around a centre (a
-- bowl), aisles and left-out seats, the direction seat numbers run, rotated blocks, and the event's
-- stage, screen or pitch. A sections list that worked before lays out the same seats (a grid is
-- still seat n of row r at (x + (n - 1)·dx, y + (r - 1)·dy)) unless its sections overlapped, which
-- is now refused; bad input is refused with
-- invalid_parameter_value and a message saying what is wrong, and nothing is created.
--
-- Each section may now say (all optional; supabase/README.md has an example of each):
--   shape         'grid' (the default: rows × seats in straight lines) or 'arc'
--   numbering     'left-to-right' (the default) or 'right-to-left': which end of a row seat 1 is
--                 at, as seen by someone seated in it facing the front (a grid's front is row A, at
--                 the top before any rotation; an arc's front is its centre)
--   gaps_after    seat numbers followed by an aisle, e.g. [10, 20]; numbering goes on across it
--   gap           an aisle's width in seats, default 1
--   skip          seat numbers left out (no seat there, the place stays empty), e.g. [13]
--  grid only:
--   rotate        degrees, clockwise on the map, about the first seat (x, y)
--  arc only (rows are concentric arcs, row A innermost):
--   cx, cy        the centre the rows curve around (the stage or the pitch), required
--   radius        row A's distance from the centre, required, > 0; row r is at radius + (r - 1)·dy
--   start_angle, end_angle  required, degrees as on a compass (0 up the map, 90 right, 180 down),
--                 start < end ≤ start + 360; each row's seats share the span evenly, so a bowl is
--                 sections with adjacent spans around the same centre
--   seats_step    seats added to each row behind row A (back rows are longer), default 0
--
-- The event may have a stage: {"kind": "stage" | "screen" | "pitch", "x", "y", "width", "height",
-- "label"} in the seats' coordinates ((x, y) its top-left corner; label defaults to the kind),
-- stored in events.stage exactly in that shape; its centre becomes the focal point best_available
-- seats people nearest to.
--
-- No two seats may sit closer than half the smallest seat spacing of the venue, so overlapping
-- sections are refused (not quietly drawn on top of each other).

alter table public.events add column stage jsonb
	constraint events_stage_check check (
		stage is null or (
			jsonb_typeof(stage) = 'object'
			and stage - array['kind', 'x', 'y', 'width', 'height', 'label'] = '{}'::jsonb
			and stage ->> 'kind' in ('stage', 'screen', 'pitch')
			and jsonb_typeof(stage -> 'x') = 'number'
			and jsonb_typeof(stage -> 'y') = 'number'
			and jsonb_typeof(stage -> 'width') = 'number' and (stage ->> 'width')::numeric > 0
			and jsonb_typeof(stage -> 'height') = 'number' and (stage ->> 'height')::numeric > 0
			and jsonb_typeof(stage -> 'label') = 'string'
		)
	);
comment on column public.events.stage is
	'The stage, screen or pitch, drawn on the seat map: {kind, x, y, width, height, label} in seat coordinates ((x, y) the top-left corner); null: none.';

-- What is wrong with one section, or null. Also the section's smallest seat spacing, for the
-- collision check.
create function private.venue_section_problem(p_spec jsonb, out problem text, out spacing float8)
language plpgsql
immutable
set search_path = ''
as $$
declare
	v_shape text := coalesce(p_spec ->> 'shape', 'grid');
	v_common text[] := array['name', 'rows', 'seats', 'price_cents', 'category', 'row_labels', 'tiers',
		'shape', 'numbering', 'gaps_after', 'gap', 'skip'];
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

-- The stage in the stored shape (label filled in), or an error saying what is wrong with it.
create function private.venue_stage(p_stage jsonb)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
declare
	v_unknown text;
begin
	if p_stage is null or jsonb_typeof(p_stage) = 'null' then
		return null;
	end if;
	if jsonb_typeof(p_stage) <> 'object' then
		raise exception using errcode = 'invalid_parameter_value',
			message = 'stage must be a JSON object {"kind", "x", "y", "width", "height", "label"}';
	end if;
	select string_agg(k, ', ' order by k) into v_unknown from jsonb_object_keys(p_stage) as k
	where k not in ('kind', 'x', 'y', 'width', 'height', 'label');
	if v_unknown is not null then
		raise exception using errcode = 'invalid_parameter_value',
			message = format('unknown stage option %s (it takes kind, x, y, width, height, label)', v_unknown);
	end if;
	if coalesce(p_stage ->> 'kind', '') not in ('stage', 'screen', 'pitch') then
		raise exception using errcode = 'invalid_parameter_value',
			message = format('unknown stage kind %s (use "stage", "screen" or "pitch")',
				coalesce(p_stage -> 'kind', 'null'));
	end if;
	if jsonb_typeof(p_stage -> 'x') is distinct from 'number'
		or jsonb_typeof(p_stage -> 'y') is distinct from 'number'
		or jsonb_typeof(p_stage -> 'width') is distinct from 'number'
		or jsonb_typeof(p_stage -> 'height') is distinct from 'number'
		or (p_stage ->> 'width')::numeric <= 0 or (p_stage ->> 'height')::numeric <= 0 then
		raise exception using errcode = 'invalid_parameter_value',
			message = 'stage needs numbers "x", "y" and a "width" and "height" of more than 0';
	end if;
	if p_stage ? 'label' and jsonb_typeof(p_stage -> 'label') <> 'string' then
		raise exception using errcode = 'invalid_parameter_value', message = 'stage "label" must be text';
	end if;
	return jsonb_build_object(
		'kind', p_stage -> 'kind', 'x', p_stage -> 'x', 'y', p_stage -> 'y',
		'width', p_stage -> 'width', 'height', p_stage -> 'height',
		'label', coalesce(p_stage -> 'label', to_jsonb(initcap(p_stage ->> 'kind'))));
end
$$;

-- The new parameter changes the signature, so the old function goes (nothing depends on it).
drop function public.create_venue_event(text, text, text, timestamptz, jsonb, int);

create function public.create_venue_event(
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

	return v_event_id;
end
$$;
comment on function public.create_venue_event(text, text, text, timestamptz, jsonb, int, jsonb) is
	'Creates an event and all its seats from a list of sections (grids or arcs) and an optional stage (see the migrations).';

-- For seeds and testers with database access only.
revoke execute on function public.create_venue_event(text, text, text, timestamptz, jsonb, int, jsonb)
	from public, anon, authenticated;

-- best_available's adjacent seats: consecutive numbers, as before, and now never across an aisle
-- (gaps_after keeps the numbers running, so only the distance between the seats shows it).
create or replace function public.best_available(p_event_id bigint, p_category text, p_count int)
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
	if not exists (select from public.seats s where s.event_id = p_event_id and s.category = p_category) then
		raise exception using
			errcode = 'invalid_parameter_value',
			message = format('This event has no seats in category "%s".', p_category);
	end if;
	if v_focal_x is null or v_focal_y is null then
		select coalesce(v_focal_x, (min(s.x) + max(s.x)) / 2), coalesce(v_focal_y, min(s.y))
		into v_focal_x, v_focal_y
		from public.seats s where s.event_id = p_event_id;
	end if;

	for v_block in
		with row_seat as (
			select s.id, s.section, s.row_label, s.number, s.x, s.y,
				s.number - lag(s.number) over w as step,
				sqrt(power(s.x - lag(s.x) over w, 2) + power(s.y - lag(s.y) over w, 2)) as apart
			from public.seats s
			where s.event_id = p_event_id and s.category = p_category
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
			select s.id, s.section, s.row_label, s.number, s.x, s.y, s.part,
				s.number - row_number() over (partition by s.section, s.row_label order by s.number) as run
			from row_part s
			where not exists (
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
				lead(f.y, p_count - 1) over w as last_y
			from free f
			window w as (partition by f.section, f.row_label, f.part, f.run order by f.number)
		)
		select st.section, st.row_label, st.number
		from starts st
		where st.k + p_count - 1 <= st.run_length
		order by
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

	raise exception using
		errcode = 'PT409', -- PostgREST answers 409 Conflict, like a taken seat
		message = format('No %s adjacent seats are free in category "%s".', p_count, p_category),
		hint = 'Try fewer seats or another category.';
end
$$;
