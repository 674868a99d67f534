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

revoke execute on function public.server_time() from public;
grant execute on function public.server_time() to anon, authenticated;
