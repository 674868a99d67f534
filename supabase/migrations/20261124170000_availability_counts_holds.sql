-- The events list and the event page must agree on "seats left", and the event page does not
-- offer a held seat. So availability counts active holds too, and says when the next one lapses:
-- a lapse changes no row and sends no realtime event, so a client that shows these counts
-- fetches them again at that moment.
drop function public.event_availability();

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

revoke execute on function public.event_availability() from public;
grant execute on function public.event_availability() to anon, authenticated;
