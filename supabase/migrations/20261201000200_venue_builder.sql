-- Lay out a whole event in one statement, for seeds and testers (not for API clients):
--
--   select public.create_venue_event(
--     slug => 'jazz-night', name => 'Jazz Night', venue => 'Blue Room',
--     starts_at => now() + interval '7 days',
--     sections => '[{"name": "Floor", "rows": 10, "seats": 10, "price_cents": 2500}]'
--   );
--
-- `sections` is a JSON array; each section is a grid of `rows` × `seats` (seats per row):
--   name          text, required, unique within the event
--   rows, seats   positive integers, required
--   price_cents   integer >= 0, required (the price of rows no tier covers)
--   category      text, default 'standard'
--   x, y          map position of the section's first seat (row 1, seat 1), default 0
--   dx, dy        distance between neighbouring seats and between rows, default 1
--   row_labels    'letters' (A … Z, AA, AB …, the default) or 'numbers' (1, 2, 3 …)
--   tiers         optional, front rows first: [{"rows": 3, "category": "premium",
--                 "price_cents": 9000}, …]; a tier without "rows" covers all remaining rows
-- Seat n of row r sits at (x + (n - 1) * dx, y + (r - 1) * dy); seat ids follow section, row, seat
-- order. Returns the new event's id. Set-based, so a 50,000-seat venue takes well under a second.

create function private.row_label(p_position int, p_style text)
returns text
language plpgsql
immutable
strict
set search_path = ''
as $$
declare
	v_label text := '';
	v_rest int := p_position;
begin
	if p_style = 'numbers' then
		return p_position::text;
	end if;
	-- Bijective base 26, as venues and spreadsheets count: Z is followed by AA.
	while v_rest > 0 loop
		v_rest := v_rest - 1;
		v_label := chr(65 + v_rest % 26) || v_label;
		v_rest := v_rest / 26;
	end loop;
	return v_label;
end
$$;

create function public.create_venue_event(
	slug text,
	name text,
	venue text,
	starts_at timestamptz,
	sections jsonb,
	max_seats_per_user int default 8
)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
	v_event_id bigint;
	v_section jsonb;
begin
	if jsonb_typeof(sections) is distinct from 'array' or jsonb_array_length(sections) = 0 then
		raise exception using
			errcode = 'invalid_parameter_value',
			message = 'sections must be a non-empty JSON array of section objects';
	end if;
	for v_section in select value from jsonb_array_elements(sections) loop
		if jsonb_typeof(v_section -> 'name') is distinct from 'string'
			or coalesce(jsonb_typeof(v_section -> 'rows'), '') <> 'number'
			or coalesce(jsonb_typeof(v_section -> 'seats'), '') <> 'number'
			or coalesce(jsonb_typeof(v_section -> 'price_cents'), '') <> 'number'
			or (v_section ->> 'rows')::numeric < 1
			or (v_section ->> 'seats')::numeric < 1
			or (v_section ->> 'price_cents')::numeric < 0
			or coalesce(v_section ->> 'row_labels', 'letters') not in ('letters', 'numbers') then
			raise exception using
				errcode = 'invalid_parameter_value',
				message = format('invalid section %s', v_section),
				hint = 'A section needs "name", "rows" >= 1, "seats" >= 1 and "price_cents" >= 0; '
					|| '"row_labels" is "letters" or "numbers".';
		end if;
	end loop;

	insert into public.events (slug, name, venue, starts_at, max_seats_per_user)
	values (
		create_venue_event.slug,
		create_venue_event.name,
		create_venue_event.venue,
		create_venue_event.starts_at,
		create_venue_event.max_seats_per_user
	)
	returning id into v_event_id;

	insert into public.seats (event_id, section, row_label, number, x, y, category, price_cents)
	with section_spec as (
		select
			ord,
			spec ->> 'name' as section,
			(spec ->> 'rows')::int as row_count,
			(spec ->> 'seats')::int as seat_count,
			(spec ->> 'price_cents')::int as price_cents,
			coalesce(spec ->> 'category', 'standard') as category,
			coalesce((spec ->> 'x')::real, 0) as x,
			coalesce((spec ->> 'y')::real, 0) as y,
			coalesce((spec ->> 'dx')::real, 1) as dx,
			coalesce((spec ->> 'dy')::real, 1) as dy,
			coalesce(spec ->> 'row_labels', 'letters') as row_labels,
			coalesce(spec -> 'tiers', '[]') as tiers
		from jsonb_array_elements(sections) with ordinality as s (spec, ord)
	),
	-- One row per seat row, with its tier resolved once (not once per seat).
	seat_row as materialized (
		select
			s.ord, s.section, s.seat_count, s.x, s.dx,
			r as row_number,
			private.row_label(r, s.row_labels) as row_label,
			s.y + (r - 1) * s.dy as y,
			coalesce(t.category, s.category) as category,
			coalesce(t.price_cents, s.price_cents) as price_cents
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
	)
	select v_event_id, sr.section, sr.row_label, n, sr.x + (n - 1) * sr.dx, sr.y, sr.category, sr.price_cents
	from seat_row sr
	cross join lateral generate_series(1, sr.seat_count) as n
	order by sr.ord, sr.row_number, n;

	return v_event_id;
end
$$;
comment on function public.create_venue_event(text, text, text, timestamptz, jsonb, int) is
	'Creates an event and all its seats from a list of rectangular sections (see the migration).';

-- For seeds and testers with database access only.
revoke execute on function public.create_venue_event(text, text, text, timestamptz, jsonb, int)
	from public, anon, authenticated;
