-- Accessible seating: wheelchair spaces, the companion seats beside them, and seats with a
-- restricted view, all marked on public.seats and sent to the map by public.seat_map.

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
