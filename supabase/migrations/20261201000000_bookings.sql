-- Events, their seats, and bookings of those seats: the rules the whole product rests on. The
-- database alone decides who holds a seat: at most one current row per seat (a partial unique
-- index), the caller is the booking's owner, the per-user limit holds under concurrency, and
-- history is never deleted (a release keeps the row).
--
-- What clients may do, enforced by grants (what can be written at all) and row level security
-- (which rows): everyone reads events, seats and bookings; signed-in users insert bookings naming
-- only (event_id, seat_id) and optionally `status: 'held'`, and change only `status` of their own
-- rows: held → booked (confirm), held or booked → released.
--
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

-- Internal functions (triggers, helpers) live outside the API's schema so PostgREST never lists them.
create schema if not exists private;

create table public.events (
	id bigint generated always as identity primary key,
	slug text not null unique,
	name text not null,
	venue text not null,
	starts_at timestamptz not null,
	max_seats_per_user int not null default 8
		constraint events_max_seats_per_user_check check (max_seats_per_user between 1 and 100),
	created_at timestamptz not null default now(),
	hold_minutes numeric not null default 10
		constraint events_hold_minutes_check check (hold_minutes > 0 and hold_minutes <= 1440),
	focal_x real,
	focal_y real
);
comment on table public.events is 'Something to book seats for: a show at a venue at a time.';
comment on column public.events.max_seats_per_user is
	'How many seats one user may hold booked for this event at once.';
comment on column public.events.hold_minutes is
	'How long a hold lasts, in minutes (fractions allowed: 0.5 is 30 seconds).';
comment on column public.events.focal_x is
	'The stage / focal point best_available() seats people nearest to; null: top centre of the seats.';
comment on column public.events.focal_y is
	'The stage / focal point best_available() seats people nearest to; null: top of the seats.';

create table public.seats (
	id bigint generated always as identity primary key,
	event_id bigint not null references public.events (id) on delete cascade,
	section text not null,
	row_label text not null,
	number int not null,
	x real not null,
	y real not null,
	category text not null,
	price_cents int not null constraint seats_price_cents_check check (price_cents >= 0),
	constraint seats_position_key unique (event_id, section, row_label, number),
	-- Target of bookings' (event_id, seat_id) key: a booking's event is always its seat's event.
	constraint seats_event_id_id_key unique (event_id, id)
);
comment on table public.seats is 'One seat per position per event, with its place on the map (x, y).';

create table public.bookings (
	id bigint generated always as identity primary key,
	event_id bigint not null,
	seat_id bigint not null,
	user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
	status text not null default 'booked'
		constraint bookings_status_check check (status in ('held', 'booked', 'released', 'expired')),
	created_at timestamptz not null default now(),
	released_at timestamptz,
	expires_at timestamptz,
	constraint bookings_seat_fkey foreign key (event_id, seat_id) references public.seats (event_id, id),
	-- released_at: when the seat stopped being this booking's (for expired: when the hold lapsed).
	constraint bookings_released_at_check
		check ((status in ('released', 'expired')) = (released_at is not null)),
	constraint bookings_expires_at_check
		check ((status = 'held' and expires_at is not null) or (status = 'booked' and expires_at is null)
			or status in ('released', 'expired'))
);
comment on table public.bookings is
	'Who booked which seat. A release keeps the row (status released); rows are never deleted.';
comment on column public.bookings.status is
	'held (until expires_at), booked, released (by the owner) or expired (a hold that lapsed).';
comment on column public.bookings.expires_at is
	'When a hold lapses (server time); null for bookings that were never held or were confirmed.';

-- The rule the whole product rests on: a seat has at most one current booking or hold (a taken
-- seat answers 23505 naming this index).
create unique index bookings_one_current_per_seat on public.bookings (seat_id)
	where status in ('booked', 'held');
-- The per-user limit counts these.
create index bookings_event_user_current_idx on public.bookings (event_id, user_id)
	where status in ('booked', 'held');
create index bookings_held_expires_at_idx on public.bookings (expires_at) where status = 'held';
create index bookings_user_id_idx on public.bookings (user_id);
create index bookings_seat_fkey_idx on public.bookings (event_id, seat_id);

-- Grants: the bootstrap's default privileges grant everything to the API roles; narrow them to
-- what the product needs, so a forbidden write fails with 42501 before any policy is consulted.
revoke all on public.events, public.seats, public.bookings from anon, authenticated;
grant select on public.events, public.seats, public.bookings to anon, authenticated;
-- Clients may say `status: 'held'` when inserting (or leave the default, 'booked').
grant insert (event_id, seat_id, status), update (status) on public.bookings to authenticated;

alter table public.events enable row level security;
alter table public.seats enable row level security;
alter table public.bookings enable row level security;

create policy "Everyone can see events" on public.events
	for select to anon, authenticated using (true);

create policy "Everyone can see seats" on public.seats
	for select to anon, authenticated using (true);

-- user_id is an opaque uuid; display names stay in auth.users, which the API cannot read.
create policy "Everyone can see bookings" on public.bookings
	for select to anon, authenticated using (true);

create policy "Users book seats for themselves" on public.bookings
	for insert to authenticated
	with check (user_id = (select auth.uid()) and status in ('booked', 'held'));

-- Any current booking or hold is a candidate, so touching someone else's is refused (42501)
-- instead of silently matching nothing (a 204 the client could not tell from success); the check
-- keeps every updated row the caller's own.
create policy "Users release only their own bookings" on public.bookings
	for update to authenticated
	using (status in ('booked', 'held') or user_id = (select auth.uid()))
	with check (user_id = (select auth.uid()));

-- Triggers -----------------------------------------------------------------------------------------

-- Security definer: the limit must count every booking whatever the caller may read, and a lapsed
-- hold of someone else's must be marked expired.
create function private.bookings_before_insert()
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

create trigger bookings_before_insert
	before insert on public.bookings
	for each row execute function private.bookings_before_insert();

create function private.bookings_before_update()
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

create trigger bookings_before_update
	before update on public.bookings
	for each row execute function private.bookings_before_update();

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
revoke execute on function private.expire_holds() from public, anon, authenticated;

-- Realtime ------------------------------------------------------------------------------------------

-- An INSERT is a seat taken (booked or held), an UPDATE carries the whole new row: booked (a hold
-- confirmed), released or expired (the seat is free). Clients filter by event_id, which INSERT and
-- UPDATE records carry in full; bookings are never deleted, so DELETE's limits never apply.
-- UPDATE's old_record holds only the primary key, and nothing reads more of it, so the default
-- replica identity stays (FULL would double the WAL of every change for nothing).
alter publication supabase_realtime add table public.bookings;
