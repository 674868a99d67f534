import { describe } from 'vitest';
import { ANON, ENGINES, createUser, dbTest, outcome, request } from './helpers.ts';

const insertUser = `insert into auth.users (id, aud, role, raw_user_meta_data, is_anonymous, created_at)
	values (gen_random_uuid(), 'authenticated', 'authenticated', $1, true, now())
	returning raw_user_meta_data ->> 'display_name' as name`;

describe.each(ENGINES)('users on %s', { timeout: 60_000 }, (engine) => {
	const it = dbTest(engine);

	it('no API caller can read auth.users (42501)', async ({ db, expect }) => {
		const user = await createUser(db);
		for (const caller of [ANON, user]) {
			expect(await outcome(request(db, caller, 'select * from auth.users'))).toBe('42501');
			expect(await outcome(request(db, caller, `select raw_user_meta_data from auth.users`))).toBe(
				'42501'
			);
		}
	});

	it('stores a display name trimmed, and a user may have none yet', async ({ db, expect }) => {
		const names = [];
		for (const meta of [{ display_name: '  Ann Lee \n' }, {}, { display_name: null }, {}]) {
			names.push((await db.query(insertUser, [meta])).rows[0].name);
		}
		expect(names).toEqual(['Ann Lee', null, null, null]);
	});

	it.for([
		['empty', ''],
		['blank', '   '],
		['41 characters', 'x'.repeat(41)],
		['a control character', 'ann\u0007'],
		['not text', 42]
	] as const)(
		'refuses a display name that is %s (23514), on signup and on update',
		async ([, name], { db, expect }) => {
			await expect(db.query(insertUser, [{ display_name: name }])).rejects.toMatchObject({
				code: '23514',
				constraint: 'users_display_name'
			});
			const user = await createUser(db);
			const update = db.query(
				`update auth.users set raw_user_meta_data = raw_user_meta_data || $2 where id = $1`,
				[user.id, { display_name: name }]
			);
			await expect(update).rejects.toMatchObject({ code: '23514' });
			const stored = await db.query(
				`select count(*)::int as n, min(raw_user_meta_data ->> 'display_name') as name from auth.users`
			);
			expect(stored.rows).toEqual([{ n: 1, name: 'guest 1' }]);
		}
	);

	it('accepts exactly 40 characters, counted as characters not bytes', async ({ db, expect }) => {
		const name = 'é'.repeat(40);
		expect((await db.query(insertUser, [{ display_name: name }])).rows[0].name).toBe(name);
	});
});
