-- Read models for the app, callable by anon and authenticated through /rest/v1/rpc. Each answers
-- ONE json value, so PostgREST's 1,000-row cap (max_rows) does not cut a 50,000-seat map, and the
-- columnar shape keeps it compact (the keys are not repeated per seat).

-- All seats of an event ordered by id, one array per column:
-- {"id":[…],"section":[…],"row_label":[…],"number":[…],"x":[…],"y":[…],"category":[…],"price_cents":[…]}
create function public.seat_map(p_event_id bigint)
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
		'price_cents', coalesce(array_agg(s.price_cents order by s.id), '{}')
	)
	from public.seats s
	where s.event_id = p_event_id
$$;
comment on function public.seat_map(bigint) is
	'The seat layout of an event as parallel arrays ordered by seat id.';

-- The seats booked right now: {"booking_id":[…],"seat_id":[…],"user_id":[…]}, ordered by seat id.
create function public.seat_bookings(p_event_id bigint)
returns json
language sql
stable
set search_path = ''
as $$
	select json_build_object(
		'booking_id', coalesce(array_agg(b.id order by b.seat_id), '{}'),
		'seat_id', coalesce(array_agg(b.seat_id order by b.seat_id), '{}'),
		'user_id', coalesce(array_agg(b.user_id order by b.seat_id), '{}')
	)
	from public.bookings b
	where b.event_id = p_event_id and b.status = 'booked'
$$;
comment on function public.seat_bookings(bigint) is
	'The current bookings of an event as parallel arrays ordered by seat id.';

-- One row per event: how many seats it has and how many are booked.
create function public.event_availability()
returns table (event_id bigint, seats_total int, seats_booked int)
language sql
stable
set search_path = ''
as $$
	select
		e.id,
		(select count(*) from public.seats s where s.event_id = e.id)::int,
		(select count(*) from public.bookings b where b.event_id = e.id and b.status = 'booked')::int
	from public.events e
	order by e.starts_at, e.id
$$;
comment on function public.event_availability() is 'Seats in total and booked, per event.';

grant execute on function public.seat_map(bigint), public.seat_bookings(bigint),
	public.event_availability() to anon, authenticated;
