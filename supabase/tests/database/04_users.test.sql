-- Display names live in auth.users, unreadable through the API, and are checked by the database.
begin;
select plan(8);

insert into auth.users (id, aud, role, is_anonymous, raw_user_meta_data) values
	('11111111-1111-1111-1111-111111111111', 'authenticated', 'authenticated', true,
	 '{"display_name": "  Ann  "}');

select is((select raw_user_meta_data ->> 'display_name' from auth.users), 'Ann',
	'A display name is stored trimmed');
select lives_ok($$ insert into auth.users (id, aud, role, is_anonymous)
	values (gen_random_uuid(), 'authenticated', 'authenticated', true) $$,
	'An anonymous user may sign up without a display name');
select throws_ok($$ update auth.users set raw_user_meta_data = '{"display_name": ""}' $$,
	'23514', null, 'An empty display name is refused');
select throws_ok($$ update auth.users set raw_user_meta_data = jsonb_build_object('display_name', repeat('x', 41)) $$,
	'23514', null, 'A display name over 40 characters is refused');
select throws_ok($$ update auth.users set raw_user_meta_data = jsonb_build_object('display_name', e'a\tb') $$,
	'23514', null, 'A display name with control characters is refused');

select set_config('role', 'anon', true), set_config('request.jwt.claims', '{"role": "anon"}', true);
select throws_ok($$ select * from auth.users $$, '42501', 'permission denied for table users',
	'Anon cannot read users');
select set_config('role', 'authenticated', true), set_config('request.jwt.claims',
	'{"role": "authenticated", "sub": "11111111-1111-1111-1111-111111111111"}', true);
select throws_ok($$ select raw_user_meta_data from auth.users $$, '42501',
	'permission denied for table users', 'A signed-in user cannot read display names, not even their own row');
select throws_ok($$ select * from auth.sessions $$, '42501', 'permission denied for table sessions',
	'A signed-in user cannot read sessions');

select * from finish();
rollback;
