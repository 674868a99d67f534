-- What the events list shows of each event beyond its name: the venue's time zone, so a start time
-- can be given in the venue's local time as well as the reader's, and the price range, so nobody
-- has to fetch a 54,000-seat map to learn what a ticket costs.

-- The venue's time zone, as an IANA name ('Europe/Amsterdam'). Postgres would also accept an
-- abbreviation or a POSIX offset string in `at time zone`, but browsers' Intl (which renders the
-- venue's local time) knows only the IANA names, so only those are let in. pg_timezone_names reads
-- the server's zone database, which a check constraint may not query: a trigger checks instead.
alter table public.events add column time_zone text not null default 'UTC';
comment on column public.events.time_zone is
	'The venue''s time zone, an IANA name from pg_timezone_names (''Europe/Amsterdam'').';

create function public.events_time_zone_known()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
	if not exists (select 1 from pg_catalog.pg_timezone_names z where z.name = new.time_zone) then
		raise exception using
			errcode = 'check_violation',
			constraint = 'events_time_zone_known',
			message = format('Unknown time zone: %s.', new.time_zone),
			hint = 'Use an IANA time zone name, such as Europe/Amsterdam or America/New_York.';
	end if;
	return new;
end
$$;
comment on function public.events_time_zone_known() is
	'Refuses an event whose time_zone is not an IANA name the database knows.';

create trigger events_time_zone_known
	before insert or update of time_zone on public.events
	for each row execute function public.events_time_zone_known();

-- event_availability gains the price range. It returns a table, so it is dropped and created
-- again (its grants with it). The seats are counted per event already; their lowest and highest
-- price come from the same pass over them.
drop function public.event_availability();

create function public.event_availability()
returns table (
	event_id bigint,
	seats_total int,
	seats_booked int,
	seats_held int,
	next_lapse timestamptz,
	price_min_cents int,
	price_max_cents int
)
language sql
stable
set search_path = ''
as $$
	select
		e.id,
		s.total::int,
		coalesce(b.booked, 0)::int,
		coalesce(b.held, 0)::int,
		b.next_lapse,
		s.price_min,
		s.price_max
	from public.events e
	cross join lateral (
		select count(*) as total, min(x.price_cents) as price_min, max(x.price_cents) as price_max
		from public.seats x
		where x.event_id = e.id
	) s
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
	'Per event: seats in total, booked, held (active holds only), when the next hold lapses, and the lowest and highest seat price in cents (null with no seats).';

revoke execute on function public.event_availability() from public;
grant execute on function public.event_availability() to anon, authenticated;
