-- Display names live in auth.users, unreadable through the API, and are checked by the database,
-- whatever writes them (signup inserts the row, updateUser updates it).
begin;
select plan(47);

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

-- Characters as people count them: each of these is one, however many code points it takes.
create temp table graphemes (what text, c text);
insert into graphemes values
	('plain emoji', e'\U0001F39F'),
	('ZWJ families', e'\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466'),
	('skin-toned couples', e'\U0001F469\U0001F3FB\u200D\u2764\uFE0F\u200D\U0001F48B\u200D\U0001F468\U0001F3FC'),
	('flags', e'\U0001F1FA\U0001F1E6'),
	('keycaps', e'1\uFE0F\u20E3'),
	('letters with combining accents', e'e\u0301');
insert into auth.users (id, aud, role, is_anonymous, raw_user_meta_data)
select gen_random_uuid(), 'authenticated', 'authenticated', true,
	jsonb_build_object('display_name', repeat(c, n), 'probe', what || ' ' || n)
from graphemes cross join (values (25), (40)) as counts (n);
select is(u.raw_user_meta_data ->> 'display_name', repeat(g.c, n),
	format('%s %s are accepted as %s characters and stored as given', n, g.what, n))
from graphemes g cross join (values (25), (40)) as counts (n)
join auth.users u on u.raw_user_meta_data ->> 'probe' = g.what || ' ' || n;
select is(
	tests.refusal(format($$ insert into auth.users (id, aud, role, is_anonymous, raw_user_meta_data)
		values (gen_random_uuid(), 'authenticated', 'authenticated', true, jsonb_build_object('display_name', %L::text)) $$,
		repeat(c, 41))),
	'23514 users_display_name: The display name must be 1 to 40 characters, without control or text-direction characters.',
	format('41 %s are refused', what))
from graphemes;

-- Bidirectional embedding, override and isolate controls could turn the rest of a line around.
select is(
	tests.refusal(format($$ insert into auth.users (id, aud, role, is_anonymous, raw_user_meta_data)
		values (gen_random_uuid(), 'authenticated', 'authenticated', true, jsonb_build_object('display_name', %L::text)) $$,
		'Ann' || chr(code) || 'xoB')),
	'23514 users_display_name: The display name must be 1 to 40 characters, without control or text-direction characters.',
	format('A display name with U+%s is refused', upper(to_hex(code))))
from unnest(array[x'202A'::int, x'202B'::int, x'202C'::int, x'202D'::int, x'202E'::int,
	x'2066'::int, x'2067'::int, x'2068'::int, x'2069'::int]) as code;
select is(
	tests.refusal($$ insert into auth.users (id, aud, role, is_anonymous, raw_user_meta_data)
		values (gen_random_uuid(), 'authenticated', 'authenticated', true,
		        jsonb_build_object('display_name', 'a' || repeat(e'\u0301', 400))) $$),
	'23514 users_display_name: The display name must be 1 to 40 characters, without control or text-direction characters.',
	'A name is bounded at 400 code points, however few characters they draw');

select set_config('role', 'anon', true), set_config('request.jwt.claims', '{"role": "anon"}', true);
select throws_ok($$ select * from auth.users $$, '42501', 'permission denied for table users',
	'Anon cannot read users');
select set_config('role', 'authenticated', true), set_config('request.jwt.claims',
	'{"role": "authenticated", "sub": "11111111-1111-1111-1111-111111111111"}', true);
select throws_ok($$ select raw_user_meta_data from auth.users $$, '42501',
	'permission denied for table users', 'A signed-in user cannot read display names, not even their own row');
select throws_ok($$ select * from auth.users $$, '42501', 'permission denied for table users',
	'A signed-in user cannot read users');
select throws_ok($$ select * from auth.sessions $$, '42501', 'permission denied for table sessions',
	'A signed-in user cannot read sessions');

select * from finish();
rollback;
