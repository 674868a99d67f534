-- A user's display name lives in auth.users (user_metadata.display_name), never exposed through
-- the API. The app validates it too, but the database is the last word: whatever reaches auth.users
-- (signup, updateUser, an admin script) is trimmed and must be 1-40 characters without control
-- characters, or the write fails with 23514.

create function private.normalize_display_name()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
	v_value jsonb := new.raw_user_meta_data -> 'display_name';
	v_name text;
begin
	-- Absent or null: anonymous users may have no name yet (updateUser({ data: { display_name: null } })
	-- removes it).
	if v_value is null or jsonb_typeof(v_value) = 'null' then
		return new;
	end if;
	if jsonb_typeof(v_value) <> 'string' then
		raise exception using
			errcode = 'check_violation',
			constraint = 'users_display_name',
			message = 'The display name must be text.';
	end if;

	v_name := regexp_replace(v_value #>> '{}', '^\s+|\s+$', '', 'g');
	if char_length(v_name) not between 1 and 40 or v_name ~ '[[:cntrl:]]' then
		raise exception using
			errcode = 'check_violation',
			constraint = 'users_display_name',
			message = 'The display name must be 1 to 40 characters, without control characters.';
	end if;

	new.raw_user_meta_data := jsonb_set(new.raw_user_meta_data, '{display_name}', to_jsonb(v_name));
	return new;
end
$$;

create trigger normalize_display_name
	before insert or update of raw_user_meta_data on auth.users
	for each row execute function private.normalize_display_name();
