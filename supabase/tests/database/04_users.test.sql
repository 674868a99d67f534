-- Display names live in auth.users, unreadable through the API, and are checked by the database,
-- whatever writes them (signup inserts the row, updateUser updates it).
begin;
select plan(18);

insert into auth.users (id, aud, role, is_anonymous, raw_user_meta_data) values
	('11111111-1111-1111-1111-111111111111', 'authenticated', 'authenticated', true,
	 jsonb_build_object('display_name', e'  Ann Lee \n'));

select is((select raw_user_meta_data ->> 'display_name' from auth.users), 'Ann Lee',
	'A display name is stored trimmed');
select lives_ok($$ insert into auth.users (id, aud, role, is_anonymous)
	values (gen_random_uuid(), 'authenticated', 'authenticated', true) $$,
	'An anonymous user may sign up without a display name');
insert into auth.users (id, aud, role, is_anonymous, raw_user_meta_data) values
	('22222222-2222-2222-2222-222222222222', 'authenticated', 'authenticated', true, '{"display_name": null}');
select is(
	(select raw_user_meta_data -> 'display_name' from auth.users
	 where id = '22222222-2222-2222-2222-222222222222'), 'null'::jsonb,
	'A null display name stands for none yet');
select is(
	tests.refusal($$ insert into auth.users (id, aud, role, is_anonymous, raw_user_meta_data)
		values (gen_random_uuid(), 'authenticated', 'authenticated', true, jsonb_build_object('display_name', repeat('é', 40))) $$),
	'ok', 'A display name of exactly 40 characters is accepted, counted in characters, not bytes');

create temp table refused (what text, name jsonb);
insert into refused values
	('empty', '""'), ('blank', '"   "'), ('over 40 characters', to_jsonb(repeat('x', 41))),
	('with a control character', to_jsonb(e'ann\u0007'::text)), ('not text', '42');
select is(
	tests.refusal(format($$ insert into auth.users (id, aud, role, is_anonymous, raw_user_meta_data)
		values (gen_random_uuid(), 'authenticated', 'authenticated', true, jsonb_build_object('display_name', %L::jsonb)) $$, name)),
	'23514 users_display_name: ' || case when what = 'not text' then 'The display name must be text.'
		else 'The display name must be 1 to 40 characters, without control or text-direction characters.' end,
	format('A display name that is %s is refused at signup', what))
from refused;
select is(
	tests.refusal(format($$ update auth.users set raw_user_meta_data = raw_user_meta_data || jsonb_build_object('display_name', %L::jsonb)
		where id = '11111111-1111-1111-1111-111111111111' $$, name)),
	'23514 users_display_name: ' || case when what = 'not text' then 'The display name must be text.'
		else 'The display name must be 1 to 40 characters, without control or text-direction characters.' end,
	format('A display name that is %s is refused on update', what))
from refused;
select is((select raw_user_meta_data ->> 'display_name' from auth.users
	where id = '11111111-1111-1111-1111-111111111111'), 'Ann Lee',
	'A refused name leaves the stored one as it was');

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
