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
