-- auth.uid(), auth.role() and auth.jwt() read the request's claims as Supabase's do.
begin;
select plan(6);

select is(auth.uid(), null, 'auth.uid() is null outside a request');
select set_config('request.jwt.claims', '', true);
select is(auth.uid(), null, 'auth.uid() is null when the claims setting is empty, as after a request');
select set_config('request.jwt.claims',
	'{"sub": "11111111-1111-1111-1111-111111111111", "role": "authenticated", "is_anonymous": true}', true);
select is(auth.uid(), '11111111-1111-1111-1111-111111111111'::uuid, 'auth.uid() is the sub claim');
select is(auth.role(), 'authenticated', 'auth.role() is the role claim');
select is(auth.jwt() ->> 'is_anonymous', 'true', 'auth.jwt() exposes every claim');
select is(
	(select rolbypassrls from pg_roles where rolname = 'service_role'), true,
	'The service role bypasses row level security');

select * from finish();
rollback;
