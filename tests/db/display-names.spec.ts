import { describe } from 'vitest';
import { ENGINES, dbTest } from './helpers.ts';

/** The auth.users trigger counts user-perceived characters and refuses bidirectional controls. */
const insertUser = `insert into auth.users (id, aud, role, raw_user_meta_data, is_anonymous, created_at)
	values (gen_random_uuid(), 'authenticated', 'authenticated', $1, true, now())
	returning raw_user_meta_data ->> 'display_name' as name`;

const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}';
const kiss = '\u{1F469}\u{1F3FB}\u200D\u2764\uFE0F\u200D\u{1F48B}\u200D\u{1F468}\u{1F3FC}';

describe.each(ENGINES)('display names on %s', { timeout: 60_000 }, (engine) => {
	const it = dbTest(engine);

	it.for([
		['plain emoji', '🎟'],
		['ZWJ families', family],
		['skin-toned couples', kiss],
		['flags', '🇺🇦'],
		['keycaps', '1\uFE0F\u20E3'],
		['letters with combining accents', 'e\u0301']
	] as const)('accepts 40 %s as 40 characters and refuses 41', async ([, c], { db, expect }) => {
		for (const n of [25, 40]) {
			const name = c.repeat(n);
			expect((await db.query(insertUser, [{ display_name: name }])).rows[0].name).toBe(name);
		}
		await expect(db.query(insertUser, [{ display_name: c.repeat(41) }])).rejects.toMatchObject({
			code: '23514',
			constraint: 'users_display_name'
		});
	});

	it('refuses bidirectional embedding, override and isolate controls', async ({ db, expect }) => {
		for (const c of [
			'\u202A',
			'\u202B',
			'\u202C',
			'\u202D',
			'\u202E',
			'\u2066',
			'\u2067',
			'\u2068',
			'\u2069'
		]) {
			await expect(
				db.query(insertUser, [{ display_name: `Ann${c}xoB` }]),
				`U+${c.codePointAt(0)!.toString(16)}`
			).rejects.toMatchObject({ code: '23514', constraint: 'users_display_name' });
		}
	});

	it('bounds a name at 400 code points, however few characters they draw', async ({
		db,
		expect
	}) => {
		await expect(
			db.query(insertUser, [{ display_name: 'a' + '\u0301'.repeat(400) }])
		).rejects.toMatchObject({ code: '23514' });
	});
});
