-- The shape clients rely on: tables, the one-booking-per-seat index, grants, RLS, realtime.
begin;
select plan(24);

select has_table('public', 'events', 'There is an events table');
select has_table('public', 'seats', 'There is a seats table');
select has_table('public', 'bookings', 'There is a bookings table');
select columns_are('public', 'bookings',
	array['id', 'event_id', 'seat_id', 'user_id', 'status', 'created_at', 'released_at', 'expires_at'],
	'Bookings have exactly the documented columns');
select col_default_is('public', 'bookings', 'status', 'booked', 'A new booking is booked');

select index_is_unique('public', 'bookings', 'bookings_one_current_per_seat',
	'At most one booking per seat is enforced by a unique index');
select is(
	(select pg_get_expr(indpred, indrelid) from pg_index
	 where indexrelid = 'public.bookings_one_current_per_seat'::regclass),
	'(status = ANY (ARRAY[''booked''::text, ''held''::text]))',
	'The unique index covers booked and held rows, so released and expired rows stay as history');
select fk_ok('public', 'bookings', array['event_id', 'seat_id'], 'public', 'seats', array['event_id', 'id'],
	'A booking''s event is always its seat''s event');

select ok((select relrowsecurity from pg_class where oid = 'public.events'::regclass),
	'Row level security is on for events');
select ok((select relrowsecurity from pg_class where oid = 'public.seats'::regclass),
	'Row level security is on for seats');
select ok((select relrowsecurity from pg_class where oid = 'public.bookings'::regclass),
	'Row level security is on for bookings');
select policies_are('public', 'bookings', array[
	'Everyone can see bookings',
	'Users book seats for themselves',
	'Users release only their own bookings'
], 'Bookings have exactly the read, book and release policies');

select table_privs_are('public', 'events', 'anon', array['SELECT'], 'Anon can only read events');
select table_privs_are('public', 'seats', 'authenticated', array['SELECT'],
	'Signed-in users can only read seats');
select table_privs_are('public', 'bookings', 'anon', array['SELECT'], 'Anon can only read bookings');
select column_privs_are('public', 'bookings', 'seat_id', 'authenticated', array['INSERT', 'SELECT'],
	'Signed-in users name the seat when booking');
select column_privs_are('public', 'bookings', 'user_id', 'authenticated', array['SELECT'],
	'Signed-in users cannot write user_id');
select column_privs_are('public', 'bookings', 'status', 'authenticated',
	array['INSERT', 'SELECT', 'UPDATE'],
	'Signed-in users can ask for a hold on insert and change only the status');
select column_privs_are('public', 'bookings', 'released_at', 'authenticated', array['SELECT'],
	'Signed-in users cannot write released_at');

select function_privs_are('public', 'seat_map', array['bigint'], 'anon', array['EXECUTE'],
	'Anon can load a seat map');
select function_privs_are('public', 'seat_bookings', array['bigint'], 'anon', array['EXECUTE'],
	'Anon can load the current bookings');
select function_privs_are('public', 'create_venue_event',
	array['text', 'text', 'text', 'timestamp with time zone', 'jsonb', 'integer', 'jsonb'], 'authenticated',
	array[]::text[], 'API callers cannot lay out venues');

select ok(exists (
	select from pg_publication_tables
	where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'bookings'
), 'Bookings stream through the supabase_realtime publication');
select ok(not exists (
	select from pg_publication_tables
	where pubname = 'supabase_realtime' and tablename in ('users', 'sessions')
), 'Nothing from auth streams through realtime');

select * from finish();
rollback;
