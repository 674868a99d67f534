-- Realtime by Broadcast from Database: every change of a seat's state is sent by the database, in
-- the transaction that makes it, to private topics that only the database can write to.
--
-- Topics (all private channels: supabase.channel(topic, { config: { private: true } })):
--   event:<event_id>  every seat-state change of that event: hold, book, confirm, release, expire.
--                     Read by anyone (anon and signed-in); presence allowed (the viewer count).
--   user:<user_id>    the person's own holds and bookings, every event. Read only by that user.
--   events            what the events list needs for "seats left": per event, how the counts moved.
--                     Read by anyone.
-- No client may broadcast on any of them: there is no INSERT policy for broadcast messages, so
-- realtime refuses client broadcasts there, and only these triggers (SECURITY DEFINER, as the
-- owner, who bypasses RLS) write the messages.
--
-- One message per statement and topic (a 4-seat hold is one message on event:<id>), event name
-- INSERT or UPDATE (the statement), payload:
--   event:<id>  {"changes": [{"id", "seat_id", "user_id", "status", "expires_at", "version"}, …]}
--   user:<id>   {"changes": [{"id", "event_id", "seat_id", "status", "expires_at", "version"}, …]}
--   events      {"events": [{"event_id", "booked", "held", "next_lapse"}, …]}
-- (realtime.send adds "id", the message's uuid, to each payload.) A change is the booking row's new
-- state: status held | booked | released | expired, expires_at for holds (server time), and
-- version = 3·id + rank (held 0, booked 1, released/expired 2), the order SeatState applies facts
-- in: a fact with a version no higher than the seat's is a duplicate or stale. user_id is the
-- owner's opaque id, as bookings already shows it to everyone.
-- events: booked and held are how many seats this statement booked and actively held (+) or freed
-- (−) per event, held counting holds not yet lapsed at the statement's time; next_lapse is the
-- earliest expiry among the holds it added (null if none). A client that shows counts fetches
-- event_availability() after subscribing, adds the deltas of later messages, and fetches again at
-- next_lapse (and after a reconnect): a delta committed while the snapshot was read may be counted
-- twice until then.
--
-- Lapses change no row and so send nothing: a hold simply stops counting at its expires_at, and
-- viewers already lapse holds by the server's clock (SeatState.expireDue, event_availability's
-- next_lapse). When a lapsed hold is later marked expired (by the next taker of the seat, or
-- private.expire_holds()), that UPDATE is sent like any other; its version makes it harmless.
--
-- A failed send never fails a booking: realtime.send turns its own errors into warnings, and these
-- triggers do the same with theirs.

-- The triggers --------------------------------------------------------------------------------------

-- SeatState's version of a booking fact: newer bookings of a seat, and later states of one
-- booking, always rank higher.
create function private.booking_version(p_id bigint, p_status text)
returns bigint
language sql
immutable
set search_path = ''
as $$
	select p_id * 3 + case p_status when 'held' then 0 when 'booked' then 1 else 2 end
$$;

create function private.bookings_broadcast()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_rows jsonb;
begin
	-- The statement's changed rows, new state beside old (old_rows exists only for UPDATE).
	if tg_op = 'INSERT' then
		select jsonb_agg(jsonb_build_object('id', n.id, 'event_id', n.event_id, 'seat_id', n.seat_id,
			'user_id', n.user_id, 'status', n.status, 'expires_at', n.expires_at))
		into v_rows
		from new_rows n;
	else
		select jsonb_agg(jsonb_build_object('id', n.id, 'event_id', n.event_id, 'seat_id', n.seat_id,
			'user_id', n.user_id, 'status', n.status, 'expires_at', n.expires_at,
			'old_status', o.status, 'old_expires_at', o.expires_at))
		into v_rows
		from new_rows n join old_rows o on o.id = n.id
		where n.status is distinct from o.status;
	end if;
	-- e.g. the insert trigger's check for a lapsed hold on the seat, which usually updates nothing
	if v_rows is null then
		return null;
	end if;

	perform realtime.send(m.payload, m.event, m.topic, true)
	from (
		with r as (
			select x.*, private.booking_version(x.id, x.status) as version
			from jsonb_to_recordset(v_rows) as x (id bigint, event_id bigint, seat_id bigint,
				user_id uuid, status text, expires_at timestamptz, old_status text,
				old_expires_at timestamptz)
		),
		availability as (
			select r.event_id,
				sum((r.status = 'booked')::int - (r.old_status is not distinct from 'booked')::int)::int
					as booked,
				sum((r.status = 'held' and r.expires_at > now())::int
					- (r.old_status is not distinct from 'held' and r.old_expires_at > now())::int)::int
					as held,
				min(r.expires_at) filter (where r.status = 'held'
					and r.old_status is distinct from 'held') as next_lapse
			from r
			group by r.event_id
		)
		select 'event:' || r.event_id as topic, tg_op as event,
			jsonb_build_object('changes', jsonb_agg(jsonb_build_object(
				'id', r.id, 'seat_id', r.seat_id, 'user_id', r.user_id, 'status', r.status,
				'expires_at', r.expires_at, 'version', r.version
			) order by r.seat_id)) as payload
		from r
		group by r.event_id
		union all
		select 'user:' || r.user_id, tg_op,
			jsonb_build_object('changes', jsonb_agg(jsonb_build_object(
				'id', r.id, 'event_id', r.event_id, 'seat_id', r.seat_id, 'status', r.status,
				'expires_at', r.expires_at, 'version', r.version
			) order by r.event_id, r.seat_id))
		from r
		group by r.user_id
		union all
		select 'events', 'availability', jsonb_build_object('events', jsonb_agg(jsonb_build_object(
			'event_id', a.event_id, 'booked', a.booked, 'held', a.held, 'next_lapse', a.next_lapse
		) order by a.event_id))
		from availability a
		where a.booked <> 0 or a.held <> 0 or a.next_lapse is not null
		having count(*) > 0
	) m;
	return null;
exception when others then
	raise warning 'bookings broadcast failed: %', sqlerrm;
	return null;
end
$$;
comment on function private.bookings_broadcast() is
	'Sends each statement''s booking changes to event:<id>, user:<id> and events (realtime.send).';

create trigger bookings_broadcast_insert
	after insert on public.bookings
	referencing new table as new_rows
	for each statement execute function private.bookings_broadcast();

create trigger bookings_broadcast_update
	after update on public.bookings
	referencing old table as old_rows new table as new_rows
	for each statement execute function private.bookings_broadcast();

-- Who may join which topic (RLS on realtime.messages) ----------------------------------------------

-- Realtime asks these when a private channel joins: it inserts probe rows whose topic is the
-- channel's, then reads them (join) and inserts more (send, track) as the joining user. The
-- policies look at the row's own topic, so they also hold for anyone reading the table directly.
create policy "Anyone can follow seats and availability" on realtime.messages
	for select to anon, authenticated
	using (topic ~ '^event:[0-9]+$' or (topic = 'events' and extension = 'broadcast'));

create policy "Users follow their own bookings" on realtime.messages
	for select to authenticated
	using (extension = 'broadcast' and topic = 'user:' || (select auth.uid())::text);

-- Writing: presence on an event's topic, so viewers (signed in or not) can count each other. No
-- policy lets a client insert a broadcast message, so client broadcasts are refused everywhere.
create policy "Viewers share presence on an event" on realtime.messages
	for insert to anon, authenticated
	with check (extension = 'presence' and topic ~ '^event:[0-9]+$');
