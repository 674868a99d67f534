import type { SupabaseClient } from '@supabase/supabase-js';
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../test-support/databases.ts';
import { signJwt } from './jwt.ts';
import { LOCAL_JWT_SECRET } from './keys.ts';
import { openHarness, type Harness } from '../test-support/harness.ts';

/**
 * The unmodified supabase-js against a real HTTP server, on both engines: the REST and Auth call
 * shapes supabase-js sends (filters, embedding, counts, single/maybeSingle, writes, upserts, RPC,
 * anonymous sign-in, refresh, user updates, sign-out).
 */
describe.each(ENGINES)('supabase-js contract on %s', (engine) => {
	let h: Harness;
	let anon: SupabaseClient;
	let ann: SupabaseClient;
	let annId: string;

	beforeAll(async () => {
		h = await openHarness(engine);
		anon = h.client();
		ann = h.client();
		const { data, error } = await ann.auth.signInAnonymously({
			options: { data: { display_name: 'ann' } }
		});
		expect(error).toBeNull();
		annId = data.user!.id;
	}, 60_000);
	afterAll(async () => {
		await h.close();
	});

	it('signs in anonymously with user metadata', async () => {
		const { data, error } = await ann.auth.getUser();
		expect(error).toBeNull();
		expect(data.user).toMatchObject({
			id: annId,
			is_anonymous: true,
			user_metadata: { display_name: 'ann' }
		});
		const { data: session } = await ann.auth.getSession();
		expect(session.session?.expires_in).toBe(3600);
		// HS256 without kid: auth-js verifies through GET /user.
		const claims = await ann.auth.getClaims();
		expect(claims.error).toBeNull();
		expect(claims.data?.claims).toMatchObject({
			sub: annId,
			role: 'authenticated',
			is_anonymous: true
		});
	});

	it('reads with filters, order, range and an exact count', async () => {
		const { data, error, count, status } = await anon
			.from('items')
			.select('id, name, n', { count: 'exact' })
			.like('name', 'seed%')
			.in('n', [1, 2, 3, 4])
			.order('n', { ascending: false })
			.range(1, 2);
		expect(error).toBeNull();
		expect(status).toBe(206);
		expect(count).toBe(4);
		expect(data).toEqual([
			{ id: 3, name: 'seed3', n: 3 },
			{ id: 2, name: 'seed2', n: 2 }
		]);
		const or = await anon.from('items').select('name').or('n.eq.1,and(n.gt.3,n.lt.5)').order('id');
		expect(or.data).toEqual([{ name: 'seed1' }, { name: 'seed4' }]);
		const head = await anon
			.from('items')
			.select('*', { count: 'exact', head: true })
			.like('name', 'seed%');
		expect([head.count, head.data]).toEqual([5, null]);
		const not = await anon
			.from('items')
			.select('n')
			.not('n', 'in', '(1,2,3)')
			.like('name', 'seed%')
			.order('n');
		expect(not.data).toEqual([{ n: 4 }, { n: 5 }]);
		const nulls = await anon.from('items').select('name').is('tags', null).ilike('name', 'SEED5');
		expect(nulls.data).toEqual([{ name: 'seed5' }]);
	});

	it('embeds a related table', async () => {
		const { data, error } = await anon
			.from('books')
			.select('title, author:authors!author_id(name)')
			.eq('id', 1)
			.single();
		expect(error).toBeNull();
		expect(data).toEqual({ title: 'One', author: { name: 'Ann' } });
	});

	it('single() and maybeSingle()', async () => {
		const one = await anon.from('items').select('name').eq('id', 1).single();
		expect([one.data, one.error]).toEqual([{ name: 'seed1' }, null]);
		const none = await anon.from('items').select('name').eq('id', -1).single();
		expect(none.status).toBe(406);
		expect(none.error?.code).toBe('PGRST116');
		const maybe = await anon.from('items').select('name').eq('id', -1).maybeSingle();
		expect([maybe.data, maybe.error]).toEqual([null, null]);
	});

	it('bulk-inserts as a user; a duplicate gives 409/23505 and inserts nothing', async () => {
		const bulk = await ann
			.from('items')
			.insert([{ name: 'ann-1' }, { name: 'ann-2', n: 2 }])
			.select('name, n, owner');
		expect(bulk.error).toBeNull();
		expect(bulk.status).toBe(201);
		// A key missing from one object of an array is NULL, not DEFAULT: supabase-js sends `columns=`.
		expect(bulk.data).toEqual([
			{ name: 'ann-1', n: null, owner: annId },
			{ name: 'ann-2', n: 2, owner: annId }
		]);
		const plain = await ann.from('items').insert({ name: 'ann-3' });
		expect([plain.status, plain.data, plain.error]).toEqual([201, null, null]);
		const dup = await ann.from('items').insert([{ name: 'ann-4' }, { name: 'ann-1' }]);
		expect(dup.status).toBe(409);
		expect(dup.error).toMatchObject({ code: '23505', details: null });
		const check = await anon.from('items').select('name').eq('name', 'ann-4');
		expect(check.data).toEqual([]);
	});

	it('RLS-blocked inserts: 401 for anon, 403 for a user', async () => {
		const a = await anon.from('items').insert({ name: 'anon-x' });
		expect([a.status, a.error?.code]).toEqual([401, '42501']);
		const b = await ann
			.from('items')
			.insert({ name: 'ann-x', owner: '00000000-0000-0000-0000-000000000009' });
		expect([b.status, b.error?.code]).toEqual([403, '42501']);
	});

	it("updates and deletes with filters; others' rows are silently untouched", async () => {
		const upd = await ann
			.from('items')
			.update({ n: 10 })
			.in('name', ['ann-2', 'seed1'])
			.select('name, n');
		expect(upd.data).toEqual([{ name: 'ann-2', n: 10 }]);
		const quiet = await ann.from('items').update({ n: 11 }).eq('name', 'ann-2');
		expect([quiet.status, quiet.error]).toEqual([204, null]);
		const del = await ann.from('items').delete().eq('name', 'seed2');
		expect([del.status, del.error]).toEqual([204, null]);
		expect((await anon.from('items').select('id').eq('name', 'seed2')).data).toHaveLength(1);
		const own = await ann.from('items').delete().eq('name', 'ann-3').select('name');
		expect(own.data).toEqual([{ name: 'ann-3' }]);
	});

	it('upserts', async () => {
		const res = await h
			.client({ key: h.backend.keys.secretKey })
			.from('notes')
			.upsert(
				[
					{ id: 1, body: 'uno' },
					{ id: 3, body: 'tres' }
				],
				{ onConflict: 'id' }
			)
			.select()
			.order('id');
		expect(res.data).toEqual([
			{ id: 1, body: 'uno', n: null },
			{ id: 3, body: 'tres', n: null }
		]);
	});

	it('calls functions with POST and GET', async () => {
		expect((await anon.rpc('add', { a: 1, b: 2 })).data).toBe(3);
		expect((await anon.rpc('add', { a: 5 }, { get: true })).data).toBe(6);
		const rows = await anon
			.rpc('items_like', { pattern: 'seed%' }, { count: 'exact' })
			.select('name')
			.limit(2);
		expect([rows.data, rows.count]).toEqual([[{ name: 'seed1' }, { name: 'seed2' }], 5]);
		const row = await anon.rpc('first_item').select('name').single();
		expect(row.data).toEqual({ name: 'seed1' });
		const none = await anon.rpc('nothing');
		expect([none.status, none.data, none.error]).toEqual([204, null, null]);
		const fail = await anon.rpc('fail', { msg: 'sold out' });
		expect([fail.status, fail.error?.code, fail.error?.message]).toEqual([
			400,
			'P0001',
			'sold out'
		]);
		const who = await ann.rpc('whoami');
		expect(who.data).toMatchObject({ uid: annId, user: 'authenticated' });
		const missing = await anon.rpc('nope' as 'add', { a: 1 });
		expect([missing.status, missing.error?.code]).toEqual([404, 'PGRST202']);
	});

	it('rotates refresh tokens and updates the user; metadata reaches the JWT on refresh', async () => {
		const c = h.client();
		await c.auth.signInAnonymously({ options: { data: { display_name: 'cy' } } });
		const before = (await c.auth.getSession()).data.session!;
		const upd = await c.auth.updateUser({ data: { display_name: 'cyd', extra: 1 } });
		expect(upd.error).toBeNull();
		expect(upd.data.user?.user_metadata).toEqual({ display_name: 'cyd', extra: 1 });
		const removed = await c.auth.updateUser({ data: { extra: null } });
		expect(removed.data.user?.user_metadata).toEqual({ display_name: 'cyd' });
		const { data, error } = await c.auth.refreshSession();
		expect(error).toBeNull();
		expect(data.session!.refresh_token).not.toBe(before.refresh_token);
		const payload = JSON.parse(
			Buffer.from(data.session!.access_token.split('.')[1], 'base64url').toString()
		);
		expect(payload.user_metadata).toEqual({ display_name: 'cyd' });
		// The rotated-out token outside the reuse window is refused.
		await h.db.query(
			`update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = $1`,
			[before.refresh_token]
		);
		const reuse = await h.client().auth.refreshSession({ refresh_token: before.refresh_token });
		expect(reuse.error?.code).toBe('refresh_token_already_used');
	});

	it('signs out; the old token then fails /user with session_not_found', async () => {
		const c = h.client();
		await c.auth.signInAnonymously();
		const token = (await c.auth.getSession()).data.session!.access_token;
		expect((await c.auth.signOut()).error).toBeNull();
		expect((await c.auth.getSession()).data.session).toBeNull();
		const { error } = await c.auth.getUser(token);
		// auth-js turns the server's 403 session_not_found into AuthSessionMissingError.
		expect(error?.name).toBe('AuthSessionMissingError');
	});

	it('reports an expired token as 401 PGRST303', async () => {
		const now = Math.floor(Date.now() / 1000);
		const expired = signJwt(
			{ sub: annId, role: 'authenticated', exp: now - 120 },
			LOCAL_JWT_SECRET
		);
		const c = createClient(h.url, h.backend.keys.publishableKey, {
			auth: { persistSession: false, autoRefreshToken: false },
			global: { headers: { Authorization: `Bearer ${expired}` } }
		});
		const res = await c.from('items').select('id').limit(1);
		expect(res.status).toBe(401);
		expect(res.error).toMatchObject({ code: 'PGRST303', message: 'JWT expired' });
	});

	it('works with the legacy anon key too', async () => {
		const legacy = h.client({ key: h.backend.keys.anonKey });
		expect((await legacy.from('notes').select('id').eq('id', 2)).data).toEqual([{ id: 2 }]);
		const wrong = h.client({ key: 'sb_publishable_not_this_one' });
		const res = await wrong.from('notes').select('id');
		expect(res.status).toBe(401);
	});
});
