-- Events, their seats, and bookings of those seats. The database alone decides who holds a seat:
-- at most one booked row per seat (a partial unique index), the caller is the booking's owner, the
-- per-user limit holds under concurrency, and history is never deleted (a release keeps the row).
--
-- What clients may do, enforced by grants (what can be written at all) and row level security
-- (which rows): everyone reads events, seats and bookings; signed-in users insert bookings naming
-- only (event_id, seat_id) and change only `status`, from booked to released, on their own rows.

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
	created_at timestamptz not null default now()
);
comment on table public.events is 'Something to book seats for: a show at a venue at a time.';
comment on column public.events.max_seats_per_user is
	'How many seats one user may hold booked for this event at once.';

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
		constraint bookings_status_check check (status in ('booked', 'released')),
	created_at timestamptz not null default now(),
	released_at timestamptz,
	constraint bookings_seat_fkey foreign key (event_id, seat_id) references public.seats (event_id, id),
	constraint bookings_released_at_check check ((status = 'released') = (released_at is not null))
);
comment on table public.bookings is
	'Who booked which seat. A release keeps the row (status released); rows are never deleted.';

-- The rule the whole product rests on: a seat has at most one current booking.
create unique index bookings_one_booked_per_seat on public.bookings (seat_id) where status = 'booked';
-- The per-user limit counts these; seat_bookings() reads them per event.
create index bookings_event_user_booked_idx on public.bookings (event_id, user_id)
	where status = 'booked';
create index bookings_user_id_idx on public.bookings (user_id);
create index bookings_seat_fkey_idx on public.bookings (event_id, seat_id);

-- Grants: the bootstrap's default privileges grant everything to the API roles; narrow them to
-- what the product needs, so a forbidden write fails with 42501 before any policy is consulted.
revoke all on public.events, public.seats, public.bookings from anon, authenticated;
grant select on public.events, public.seats, public.bookings to anon, authenticated;
grant insert (event_id, seat_id), update (status) on public.bookings to authenticated;

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
	with check (user_id = (select auth.uid()) and status = 'booked');

-- Any current booking is a candidate, so releasing someone else's seat is refused (42501) instead
-- of silently matching nothing (a 204 the client could not tell from success); the check keeps
-- every updated row the caller's own.
create policy "Users release only their own bookings" on public.bookings
	for update to authenticated
	using (status = 'booked' or user_id = (select auth.uid()))
	with check (user_id = (select auth.uid()));

-- Triggers -----------------------------------------------------------------------------------------

-- Security definer: the limit must count every booking whatever the caller may read.
create function private.bookings_before_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	v_uid uuid := auth.uid();
	v_limit int;
	v_held int;
begin
	-- A signed-in caller always books for themselves; without a user (service role, owner) the
	-- given user_id stands.
	if v_uid is not null then
		new.user_id := v_uid;
	end if;
	new.created_at := now();
	new.released_at := null;

	if new.status = 'booked' then
		-- Serialize this user's bookings for this event until commit, so concurrent requests count
		-- each other's rows (read committed: the count below sees what committed while we waited).
		perform pg_advisory_xact_lock(
			hashtextextended('public.bookings:limit:' || new.event_id || ':' || new.user_id, 0)
		);
		select e.max_seats_per_user into v_limit from public.events e where e.id = new.event_id;
		-- Rows inserted earlier by the same statement are visible here (volatile function).
		select count(*) into v_held
		from public.bookings b
		where b.event_id = new.event_id and b.user_id = new.user_id and b.status = 'booked';
		if v_limit is not null and v_held >= v_limit then
			raise exception using
				errcode = 'check_violation',
				constraint = 'bookings_max_seats_per_user',
				message = format('You can hold at most %s seats for this event.', v_limit),
				detail = format('You already hold %s.', v_held),
				hint = 'Release a seat before booking another.';
		end if;
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

	if new.status is distinct from old.status then
		if not (old.status = 'booked' and new.status = 'released') then
			raise exception using
				errcode = 'check_violation',
				constraint = 'bookings_status_transition',
				message = format('A %s booking cannot become %s.', old.status, new.status),
				hint = 'Book the seat again with a new booking.';
		end if;
		new.released_at := now();
	else
		new.released_at := old.released_at;
	end if;
	return new;
end
$$;

create trigger bookings_before_update
	before update on public.bookings
	for each row execute function private.bookings_before_update();

-- Realtime ------------------------------------------------------------------------------------------

-- An INSERT is a seat taken, an UPDATE to released a seat freed. Clients filter by event_id, which
-- INSERT/UPDATE records carry in full; bookings are never deleted, so DELETE's limits never apply.
alter publication supabase_realtime add table public.bookings;
