-- Holds: selecting a seat holds it for the event's hold length while the buyer decides. A hold is a
-- bookings row in status `held` with `expires_at` (server time + events.hold_minutes). The owner
-- confirms it (held → booked) or releases it (held → released); nobody has to time it out.
--
-- Expiry without a timer: an active hold is `held` with expires_at > now(). The unique index below
-- covers booked and held rows; a lapsed hold still sits in it, so whoever books or holds that seat
-- next first marks the lapsed hold `expired` (under its row lock, in the BEFORE INSERT trigger) and
-- then passes the index check. Races, in READ COMMITTED:
-- - two takers of the same lapsed hold: the second waits for the first's row lock, re-checks the
--   row (now `expired`, no match) and then meets the first's new row in the unique index → 23505;
-- - a taker against the owner confirming: whoever locks the row first changes its status; the other
--   re-checks it and fails (the confirm with bookings_hold_expired / bookings_status_transition, the
--   taker with 23505). So a seat is never booked or held twice, whatever the clocks say.
-- private.expire_holds() tidies lapsed holds for hosted pg_cron; nothing depends on it running.
--
-- Realtime: bookings stays in supabase_realtime. INSERT and UPDATE records carry the whole new row
-- (status, seat_id, expires_at), which is all a client needs to draw a seat; UPDATE's old_record
-- holds only the primary key, and nothing reads more of it, so the default replica identity stays
-- (FULL would double the WAL of every change for nothing).

-- Events: hold length and the focal point best_available() measures distance from -----------------

alter table public.events
	add column hold_minutes numeric not null default 10
		constraint events_hold_minutes_check check (hold_minutes > 0 and hold_minutes <= 1440),
	add column focal_x real,
	add column focal_y real;
comment on column public.events.hold_minutes is
	'How long a hold lasts, in minutes (fractions allowed: 0.5 is 30 seconds).';
comment on column public.events.focal_x is
	'The stage / focal point best_available() seats people nearest to; null: top centre of the seats.';
comment on column public.events.focal_y is
	'The stage / focal point best_available() seats people nearest to; null: top of the seats.';

-- Bookings: the held and expired states -------------------------------------------------------------

alter table public.bookings
	add column expires_at timestamptz,
	drop constraint bookings_status_check,
	add constraint bookings_status_check
		check (status in ('held', 'booked', 'released', 'expired')),
	drop constraint bookings_released_at_check,
	-- released_at: when the seat stopped being this booking's (for expired: when the hold lapsed).
	add constraint bookings_released_at_check
		check ((status in ('released', 'expired')) = (released_at is not null)),
	add constraint bookings_expires_at_check
		check ((status = 'held' and expires_at is not null) or (status = 'booked' and expires_at is null)
			or status in ('released', 'expired'));
comment on column public.bookings.status is
	'held (until expires_at), booked, released (by the owner) or expired (a hold that lapsed).';
comment on column public.bookings.expires_at is
	'When a hold lapses (server time); null for bookings that were never held or were confirmed.';

-- One current booking per seat, holds included (the name stays: clients know it from 23505). The
-- new index exists before the old one goes, so the rule never lapses even outside a transaction.
create unique index bookings_one_current_per_seat on public.bookings (seat_id)
	where status in ('booked', 'held');
drop index public.bookings_one_booked_per_seat;
alter index public.bookings_one_current_per_seat rename to bookings_one_booked_per_seat;
drop index public.bookings_event_user_booked_idx;
create index bookings_event_user_current_idx on public.bookings (event_id, user_id)
	where status in ('booked', 'held');
create index bookings_held_expires_at_idx on public.bookings (expires_at) where status = 'held';

-- Clients may now say `status: 'held'` when inserting (or 'booked', the default).
grant insert (status) on public.bookings to authenticated;

alter policy "Users book seats for themselves" on public.bookings
	with check (user_id = (select auth.uid()) and status in ('booked', 'held'));

-- Any current booking or hold is a candidate, so touching someone else's is refused (42501), not
-- silently matched by nothing.
alter policy "Users release only their own bookings" on public.bookings
	using (status in ('booked', 'held') or user_id = (select auth.uid()))
	with check (user_id = (select auth.uid()));

-- Triggers -----------------------------------------------------------------------------------------

-- Security definer: the limit must count every booking whatever the caller may read, and a lapsed
-- hold of someone else's must be marked expired.
create or replace function private.bookings_before_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_limit int;
	v_hold_minutes numeric;
	v_held int;
begin
	-- A signed-in caller always books for themselves; without a user (service role, owner) the
	-- given user_id (and a given expires_at, for tests and scripts) stands.
	if v_uid is not null then
		new.user_id := v_uid;
		new.expires_at := null;
	end if;
	new.created_at := now();
	new.released_at := null;

	if new.status not in ('booked', 'held') then
		return new; -- refused by the insert policy (API) or the checks (owner); nothing to count
	end if;

	select e.max_seats_per_user, e.hold_minutes into v_limit, v_hold_minutes
	from public.events e where e.id = new.event_id;
	if new.status = 'held' then
		new.expires_at := coalesce(new.expires_at, now() + v_hold_minutes * interval '1 minute');
	else
		new.expires_at := null;
	end if;

	-- A lapsed hold on this seat is free: end it under its row lock before the unique index sees
	-- it (see the top of this migration for the races).
	update public.bookings b
	set status = 'expired'
	where b.seat_id = new.seat_id and b.status = 'held' and b.expires_at <= now();

	-- Serialize this user's bookings for this event until commit, so concurrent requests count
	-- each other's rows (read committed: the count below sees what committed while we waited).
	perform pg_advisory_xact_lock(
		hashtextextended('public.bookings:limit:' || new.event_id || ':' || new.user_id, 0)
	);
	-- Rows inserted earlier by the same statement are visible here (volatile function).
	select count(*) into v_held
	from public.bookings b
	where b.event_id = new.event_id and b.user_id = new.user_id
		and (b.status = 'booked' or (b.status = 'held' and b.expires_at > now()));
	if v_limit is not null and v_held >= v_limit then
		raise exception using
			errcode = 'check_violation',
			constraint = 'bookings_max_seats_per_user',
			message = format('You can hold at most %s seats for this event.', v_limit),
			detail = format('You already hold %s.', v_held),
			hint = 'Release a seat before booking another.';
	end if;
	return new;
end
$$;

create or replace function private.bookings_before_update()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
	if (new.id, new.event_id, new.seat_id, new.user_id, new.created_at)
		is distinct from (old.id, old.event_id, old.seat_id, old.user_id, old.created_at) then
		raise exception using
			errcode = 'check_violation',
			constraint = 'bookings_immutable',
			message = 'Only the status of a booking can change.';
	end if;

	new.expires_at := old.expires_at;
	new.released_at := old.released_at;
	if new.status is not distinct from old.status then
		return new;
	end if;

	if old.status = 'held' and new.status = 'booked' then
		if old.expires_at <= now() then
			raise exception using
				errcode = 'check_violation',
				constraint = 'bookings_hold_expired',
				message = 'Your hold on this seat has expired.',
				detail = format('Booking %s expired at %s.', old.id, old.expires_at),
				hint = 'Hold the seat again if it is still free.';
		end if;
		new.expires_at := null;
	elsif old.status in ('booked', 'held') and new.status = 'released' then
		new.released_at := now();
	elsif old.status = 'held' and new.status = 'expired' and old.expires_at <= now() then
		new.released_at := old.expires_at;
	else
		raise exception using
			errcode = 'check_violation',
			constraint = 'bookings_status_transition',
			message = format('A %s booking cannot become %s.', old.status, new.status),
			hint = case when old.status = 'expired'
				then 'Hold the seat again if it is still free.'
				else 'Book the seat again with a new booking.' end;
	end if;
	return new;
end
$$;

-- Clean-up (optional: correctness never depends on it) --------------------------------------------

-- Marks lapsed holds expired, so the table says what clients already show. On hosted Supabase:
--   select cron.schedule('expire-holds', '* * * * *', 'select private.expire_holds()');
create function private.expire_holds()
returns int
language sql
set search_path = ''
as $$
	with expired as (
		update public.bookings set status = 'expired'
		where status = 'held' and expires_at <= now()
		returning 1
	)
	select count(*)::int from expired
$$;
comment on function private.expire_holds() is
	'Marks lapsed holds expired; returns how many. Optional housekeeping (pg_cron).';

-- Read model ----------------------------------------------------------------------------------------

-- The seats taken right now, booked or held, ordered by seat id:
-- {"booking_id":[…],"seat_id":[…],"user_id":[…],"status":[…],"expires_at":[…],"server_time":"…"}
-- A held seat turns free at its expires_at; server_time lets clients correct their clock.
create or replace function public.seat_bookings(p_event_id bigint)
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

-- Best available ------------------------------------------------------------------------------------

-- Holds p_count adjacent seats (same section and row, consecutive numbers) of p_category for the
-- caller, nearest the event's focal point (distance from the block's centre; the focal point is
-- events.focal_x/focal_y, by default the top centre of the seats' bounding box), preferring
-- blocks that leave no single free seat stranded next to them. Candidates are tried best first:
-- a block another best_available caller is working on is skipped (SKIP LOCKED on its seats), and
-- one taken meanwhile by anyone (23505) just moves on to the next. Returns the new holds.
create function public.best_available(p_event_id bigint, p_category text, p_count int)
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
		with free as (
			select s.id, s.section, s.row_label, s.number, s.x, s.y,
				s.number - row_number() over (partition by s.section, s.row_label order by s.number) as run
			from public.seats s
			where s.event_id = p_event_id and s.category = p_category
				and not exists (
					select from public.bookings b
					where b.seat_id = s.id
						and (b.status = 'booked' or (b.status = 'held' and b.expires_at > now()))
				)
		),
		-- Each free seat as the first of a block within its run of free seats next to each other.
		starts as (
			select f.id, f.section, f.row_label, f.number, f.x, f.y,
				row_number() over w as k,
				count(*) over (partition by f.section, f.row_label, f.run) as run_length,
				lead(f.x, p_count - 1) over w as last_x,
				lead(f.y, p_count - 1) over w as last_y
			from free f
			window w as (partition by f.section, f.row_label, f.run order by f.number)
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
comment on function public.best_available(bigint, text, int) is
	'Holds p_count adjacent seats of a category nearest the focal point, for the caller.';

revoke execute on function public.best_available(bigint, text, int) from public, anon;
grant execute on function public.best_available(bigint, text, int) to authenticated;
revoke execute on function private.expire_holds() from public, anon, authenticated;
