-- Stored seat maps. The map is the first thing every viewer downloads, thousands at once when an
-- on-sale opens, and building it from 54,000 seat rows costs 0.1–0.3 s of database time each
-- time. A venue's seats change only when it is laid out or an owner edits it, so each event's map
-- is built when its seats change, stored, and handed out as it is.
--
-- - private.seat_maps: one row per event, public.seat_map's answer for it.
-- - Triggers on public.seats rebuild the maps of the events a transaction touched as it commits,
--   so nobody reads seats newer than their map.
-- - public.seat_map reads the stored map; an event that never had a seat gets empty arrays.
-- - Inside the transaction that changed them, the map is built from the seats as they are in it.

create table private.seat_maps (
	event_id bigint primary key references public.events (id) on delete cascade,
	layout json not null
);
comment on table private.seat_maps is
	'Each event''s seat map as public.seat_map answers it, rebuilt whenever the event''s seats change.';

-- The map built from the seats, as public.seat_map answered it before it was stored.
create function private.build_seat_map(p_event_id bigint)
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

-- Events whose seats changed in a transaction still open: their maps are rebuilt once, as it
-- commits, however many statements changed them (the venue builder runs dozens).
create table private.stale_seat_maps (
	event_id bigint primary key
);
comment on table private.stale_seat_maps is
	'Events whose seats the open transaction changed; their maps are rebuilt as it commits.';

create function private.seats_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	-- A second change to the same event in the transaction finds its row and queues nothing more.
	-- Another transaction changing the same event's seats waits here until this one commits, and
	-- then rebuilds from a snapshot that sees its seats.
	if tg_op = 'INSERT' then
		insert into private.stale_seat_maps select distinct event_id from new_seats
		on conflict do nothing;
	elsif tg_op = 'DELETE' then
		insert into private.stale_seat_maps select distinct event_id from old_seats
		on conflict do nothing;
	else
		-- A seat moved to another event changes both maps.
		insert into private.stale_seat_maps
		select event_id from new_seats union select event_id from old_seats
		on conflict do nothing;
	end if;
	return null;
end
$$;

-- A trigger with transition tables serves one kind of statement, hence three.
create trigger seats_stale_map_on_insert
	after insert on public.seats
	referencing new table as new_seats
	for each statement execute function private.seats_changed();
create trigger seats_stale_map_on_update
	after update on public.seats
	referencing old table as old_seats new table as new_seats
	for each statement execute function private.seats_changed();
create trigger seats_stale_map_on_delete
	after delete on public.seats
	referencing old table as old_seats
	for each statement execute function private.seats_changed();

create function private.store_seat_map(p_event_id bigint)
returns void
language sql
security definer
set search_path = ''
as $$
	insert into private.seat_maps as m (event_id, layout)
	select e.id, private.build_seat_map(e.id) from public.events e where e.id = p_event_id
	on conflict (event_id) do update set layout = excluded.layout;
$$;

create function private.rebuild_stale_seat_map()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
	delete from private.stale_seat_maps s where s.event_id = new.event_id;
	perform private.store_seat_map(new.event_id);
	return null;
end
$$;

create constraint trigger stale_seat_maps_rebuild
	after insert on private.stale_seat_maps
	deferrable initially deferred
	for each row execute function private.rebuild_stale_seat_map();

-- Every event's seats are public (the policies on public.events and public.seats let anyone read
-- them), so the stored map is handed out to anyone too; reading it needs the owner's rights
-- because the API roles have no access to the private schema.
create or replace function public.seat_map(p_event_id bigint)
returns json
language sql
stable
security definer
set search_path = ''
as $$
	-- A transaction that changed the event's seats and has not committed yet reads them as they
	-- are in it (nobody else can see them, or the stale mark, before it commits).
	select case
		when exists (select from private.stale_seat_maps s where s.event_id = p_event_id)
			then private.build_seat_map(p_event_id)
		else coalesce(
			(select m.layout from private.seat_maps m where m.event_id = p_event_id),
			private.build_seat_map(p_event_id))
	end
$$;

select private.store_seat_map(e.id) from public.events e;
