-- Read models for the app, callable by anon and authenticated through /rest/v1/rpc. Each answers
-- ONE json value or one row per event, so PostgREST's 1,000-row cap (max_rows) does not cut a
-- 50,000-seat map, and the columnar shape keeps it compact (the keys are not repeated per seat).

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

-- The seats taken right now, booked or held, ordered by seat id:
-- {"booking_id":[…],"seat_id":[…],"user_id":[…],"status":[…],"expires_at":[…],"server_time":"…"}
-- A held seat turns free at its expires_at; server_time lets clients correct their clock.
create function public.seat_bookings(p_event_id bigint)
returns json
language sql
stable
set search_path = ''
as $$
	select json_build_object(
		'booking_id', coalesce(array_agg(b.id order by b.seat_id), '{}'),
		'seat_id', coalesce(array_agg(b.seat_id order by b.seat_id), '{}'),
		'user_id', coalesce(array_agg(b.user_id order by b.seat_id), '{}'),
		'status', coalesce(array_agg(b.status order by b.seat_id), '{}'),
		'expires_at', coalesce(array_agg(b.expires_at order by b.seat_id), '{}'),
		'server_time', now()
	)
	from public.bookings b
	where b.event_id = p_event_id
		and (b.status = 'booked' or (b.status = 'held' and b.expires_at > now()))
$$;
comment on function public.seat_bookings(bigint) is
	'The current bookings and active holds of an event as parallel arrays ordered by seat id.';

-- Per event: seats in total, booked, and held by active holds. The events list and the event page
-- must agree on "seats left", and the event page does not offer a held seat, so active holds count.
-- A lapse changes no row and sends no realtime event, so next_lapse says when the counts change by
-- themselves: a client that shows them fetches them again at that moment.
create function public.event_availability()
returns table (
	event_id bigint,
	seats_total int,
	seats_booked int,
	seats_held int,
	next_lapse timestamptz
)
language sql
stable
set search_path = ''
as $$
	select
		e.id,
		(select count(*) from public.seats s where s.event_id = e.id)::int,
		coalesce(b.booked, 0)::int,
		coalesce(b.held, 0)::int,
		b.next_lapse
	from public.events e
	left join lateral (
		select
			count(*) filter (where x.status = 'booked') as booked,
			count(*) filter (where x.status = 'held') as held,
			min(x.expires_at) filter (where x.status = 'held') as next_lapse
		from public.bookings x
		where x.event_id = e.id
			and (x.status = 'booked' or (x.status = 'held' and x.expires_at > now()))
	) b on true
	order by e.starts_at, e.id
$$;
comment on function public.event_availability() is
	'Per event: seats in total, booked, held (active holds only), and when the next hold lapses.';

-- The database's clock, for clients that show holds (which lapse at expires_at by this clock)
-- without loading an event's snapshot, e.g. a person's list of their bookings and holds.
create function public.server_time()
returns timestamptz
language sql
stable
set search_path = ''
as $$
	select now()
$$;
comment on function public.server_time() is
	'The database''s now(): holds lapse at expires_at by this clock.';

grant execute on function public.seat_map(bigint), public.seat_bookings(bigint) to anon, authenticated;
revoke execute on function public.event_availability(), public.server_time() from public;
grant execute on function public.event_availability(), public.server_time() to anon, authenticated;
