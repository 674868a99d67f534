-- Display names counted as people see them, and never able to turn the page's text around.
--
-- "40 characters" means 40 user-perceived characters (grapheme clusters): 25 emoji are 25, even when
-- each is a ZWJ sequence of seven code points such as a family. PostgreSQL has no grapheme
-- segmentation, so the database counts code points less those that only extend the one before: a
-- zero-width joiner and the code point it joins, combining diacritical marks, variation selectors,
-- emoji skin-tone modifiers and tag characters, and the second regional indicator of a flag. That is
-- exact for Latin, Greek, Cyrillic, CJK and emoji names; for scripts whose vowel signs are spacing
-- marks (Devanagari, Thai, …) it counts those signs too, so a name there meets the limit a little
-- sooner than in the app, whose own check (src/lib/domain/display-name.ts) segments with
-- Intl.Segmenter. Whatever the count, a name has at most 400 code points, enough for 40 of the
-- longest emoji sequences and a bound on what a combining-mark pile can cost.
--
-- Control characters (C0, DEL, C1) are refused by explicit ranges, the same on every engine and
-- locale, and so are the bidirectional embedding, override and isolate controls (U+202A-U+202E,
-- U+2066-U+2069), with which a name could reverse how the rest of a line reads.

create function private.display_name_length(p_name text)
returns int
language sql
immutable
strict
parallel safe
set search_path = ''
as $$
	select char_length(
		regexp_replace(
			regexp_replace(
				regexp_replace(p_name, '\u200D.', '', 'g'),
				'[\U0001F1E6-\U0001F1FF]{2}', 'F', 'g'),
			'[\u0300-\u036F\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF\uFE00-\uFE0F\uFE20-\uFE2F\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F\U000E0100-\U000E01EF]',
			'', 'g'))
$$;

create or replace function private.normalize_display_name()
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
	if private.display_name_length(v_name) not between 1 and 40
		or char_length(v_name) > 400
		or v_name ~ '[\u0001-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]'
	then
		raise exception using
			errcode = 'check_violation',
			constraint = 'users_display_name',
			message = 'The display name must be 1 to 40 characters, without control or text-direction characters.';
	end if;

	new.raw_user_meta_data := jsonb_set(new.raw_user_meta_data, '{display_name}', to_jsonb(v_name));
	return new;
end
$$;
