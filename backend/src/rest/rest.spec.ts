import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../backend.ts';
import { ENGINES } from '../../test-support/databases.ts';
import { signJwt } from '../jwt.ts';
import { LOCAL_JWT_SECRET } from '../keys.ts';
import { openFixtureDb, request, signUp, type FixtureDb } from '../../test-support/harness.ts';

/** PostgREST subset, protocol level: Request in, Response out, no HTTP server. */
describe.each(ENGINES)('REST on %s', (engine) => {
	let fixture: FixtureDb;
	let backend: Backend;
	let user: Awaited<ReturnType<typeof signUp>>;

	beforeAll(async () => {
		fixture = await openFixtureDb(engine);
		backend = createBackend({ db: fixture.db, maxRows: 4, maxBodyBytes: 64 * 1024 });
		user = await signUp(backend, { display_name: 'ann' });
	}, 60_000);
	afterAll(async () => {
		await backend.close();
		await fixture.close();
	});

	const get = (path: string, headers: Record<string, string> = {}) =>
		request(backend, 'GET', `/rest/v1${path}`, { headers });
	const asUser = (
		method: string,
		path: string,
		body?: unknown,
		headers: Record<string, string> = {}
	) => request(backend, method, `/rest/v1${path}`, { body, headers, token: user.access_token });

	it('reads with select, filters, order and the max_rows cap', async () => {
		const res = await get('/items?select=id,label:name,n::text&n=gte.2&order=n.desc');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(res.headers.get('content-range')).toBe('0-3/*');
		expect(await res.json()).toEqual([
			{ id: 5, label: 'seed5', n: '5' },
			{ id: 4, label: 'seed4', n: '4' },
			{ id: 3, label: 'seed3', n: '3' },
			{ id: 2, label: 'seed2', n: '2' }
		]);
	});

	it('counts exactly and answers a partial page with 206, Range header included', async () => {
		const res = await get('/items?select=name&name=like.seed*&order=id', {
			prefer: 'count=exact',
			range: '1-2'
		});
		expect(res.status).toBe(206);
		expect(res.headers.get('content-range')).toBe('1-2/5');
		expect(await res.json()).toEqual([{ name: 'seed2' }, { name: 'seed3' }]);
		const head = await request(backend, 'HEAD', '/rest/v1/items?name=like.seed*', {
			headers: { prefer: 'count=exact' }
		});
		expect(head.headers.get('content-range')).toBe('0-3/5');
		expect(await head.text()).toBe('');
		const beyond = await get('/items?offset=50', { prefer: 'count=exact' });
		expect(beyond.status).toBe(416);
		expect(await beyond.json()).toMatchObject({ code: 'PGRST103' });
	});

	it('returns one object for vnd.pgrst.object and 406 PGRST116 otherwise', async () => {
		const one = await get('/notes?id=eq.1', { accept: 'application/vnd.pgrst.object+json' });
		expect(one.status).toBe(200);
		expect(one.headers.get('content-type')).toBe(
			'application/vnd.pgrst.object+json; charset=utf-8'
		);
		expect(await one.json()).toEqual({ id: 1, body: 'one', n: null });
		const none = await get('/notes?id=eq.99', { accept: 'application/vnd.pgrst.object+json' });
		expect(none.status).toBe(406);
		expect(await none.json()).toEqual({
			code: 'PGRST116',
			details: 'The result contains 0 rows',
			hint: null,
			message: 'Cannot coerce the result to a single JSON object'
		});
	});

	it('rolls back a write whose singular response fails', async () => {
		const res = await request(backend, 'POST', '/rest/v1/notes?columns="id","body"&select=*', {
			body: [
				{ id: 10, body: 'a' },
				{ id: 11, body: 'b' }
			],
			headers: { prefer: 'return=representation', accept: 'application/vnd.pgrst.object+json' }
		});
		expect(res.status).toBe(406);
		expect(await (await get('/notes?id=in.(10,11)')).json()).toEqual([]);
	});

	it('undoes what a function wrote when its singular response fails', async () => {
		await fixture.db.exec(
			`create function public.notes_pair(p int) returns setof public.notes language sql
			 as $$ insert into public.notes (id, body) values (p, 'x'), (p + 1, 'y') returning * $$`
		);
		const res = await request(backend, 'POST', '/rest/v1/rpc/notes_pair', {
			body: { p: 70 },
			headers: { accept: 'application/vnd.pgrst.object+json' }
		});
		expect([res.status, (await res.json()).code]).toEqual([406, 'PGRST116']);
		expect(await (await get('/notes?id=in.(70,71)')).json()).toEqual([]);
	});

	it('keeps prepared statements right across column type and policy changes', async () => {
		await fixture.db.exec(
			`create table public.shapes (id int primary key, v int);
			 insert into public.shapes values (1, 1), (2, 2);
			 grant select on public.shapes to anon, authenticated;`
		);
		const read = async () => (await get('/shapes?select=id,v&order=id')).json();
		// Enough times for Postgres to settle on a generic plan for the prepared statement.
		for (let i = 0; i < 7; i++)
			expect(await read()).toEqual([
				{ id: 1, v: 1 },
				{ id: 2, v: 2 }
			]);
		await fixture.db.exec(`alter table public.shapes alter column v type text using 'v' || v`);
		expect(await read()).toEqual([
			{ id: 1, v: 'v1' },
			{ id: 2, v: 'v2' }
		]);
		await fixture.db.exec(
			`alter table public.shapes enable row level security;
			 create policy shapes_one on public.shapes for select using (id = 1);`
		);
		expect(await read()).toEqual([{ id: 1, v: 'v1' }]);
	});

	it('inserts in bulk: columns= gives NULL for a missing key, missing=default the DEFAULT', async () => {
		const body = [{ id: 20, body: 'x', n: 1 }, { id: 21 }];
		const nulls = await request(backend, 'POST', '/rest/v1/notes?columns="id","body","n"', {
			body,
			headers: { prefer: 'return=representation' }
		});
		expect(nulls.status).toBe(400);
		expect(await nulls.json()).toMatchObject({ code: '23502' });
		const defaults = await request(
			backend,
			'POST',
			'/rest/v1/notes?columns="id","body","n"&select=id,body',
			{
				body,
				headers: { prefer: 'return=representation, missing=default' }
			}
		);
		expect(defaults.status).toBe(201);
		expect(await defaults.json()).toEqual([
			{ id: 20, body: 'x' },
			{ id: 21, body: 'empty' }
		]);
	});

	it('answers an insert without Prefer with 201 and no body', async () => {
		const res = await request(backend, 'POST', '/rest/v1/notes', {
			body: { id: 30, body: 'thirty' }
		});
		expect(res.status).toBe(201);
		expect(await res.text()).toBe('');
	});

	it('answers return=headers-only with the Location of the new row', async () => {
		const res = await request(backend, 'POST', '/rest/v1/notes', {
			body: { id: 31, body: 'x' },
			headers: { prefer: 'return=headers-only' }
		});
		expect([res.status, res.headers.get('location'), await res.text()]).toEqual([
			201,
			'/notes?id=eq.31',
			''
		]);
	});

	it('upserts with merge-duplicates and ignore-duplicates', async () => {
		const merge = await request(backend, 'POST', '/rest/v1/notes?on_conflict=id&select=id,body', {
			body: [{ id: 1, body: 'uno' }],
			headers: { prefer: 'resolution=merge-duplicates,return=representation' }
		});
		expect(merge.status).toBe(200);
		expect(merge.headers.get('preference-applied')).toBe(
			'resolution=merge-duplicates, return=representation'
		);
		expect(await merge.json()).toEqual([{ id: 1, body: 'uno' }]);
		const mixed = await request(backend, 'POST', '/rest/v1/notes?select=id,body', {
			body: [
				{ id: 1, body: 'one' },
				{ id: 5, body: 'five' }
			],
			headers: { prefer: 'return=representation, resolution=merge-duplicates' }
		});
		expect(mixed.status).toBe(201);
		expect(await mixed.json()).toEqual([
			{ id: 1, body: 'one' },
			{ id: 5, body: 'five' }
		]);
		const minimal = await request(backend, 'POST', '/rest/v1/notes', {
			body: { id: 5, body: 'cinco' },
			headers: { prefer: 'resolution=merge-duplicates' }
		});
		expect([minimal.status, await minimal.text()]).toEqual([201, '']);
		const ignore = await request(backend, 'POST', '/rest/v1/notes?select=id', {
			body: [{ id: 2, body: 'dos' }],
			headers: { prefer: 'resolution=ignore-duplicates,return=representation' }
		});
		expect(await ignore.json()).toEqual([]);
		expect(await (await get('/notes?id=eq.2&select=body')).json()).toEqual([{ body: 'two' }]);
	});

	it('maps constraint errors: 23505/23503 → 409, 23514/22P02 → 400', async () => {
		const dup = await asUser('POST', '/items', { name: 'seed1' });
		expect(dup.status).toBe(409);
		expect(await dup.json()).toEqual({
			code: '23505',
			details: null,
			hint: null,
			message: 'duplicate key value violates unique constraint "items_name_key"'
		});
		const fk = await request(backend, 'POST', '/rest/v1/items', {
			body: { name: 'fk', owner: '00000000-0000-0000-0000-000000000001' },
			headers: { apikey: backend.keys.secretKey, authorization: `Bearer ${backend.keys.secretKey}` }
		});
		expect([fk.status, (await fk.json()).code]).toEqual([409, '23503']);
		const check = await request(backend, 'POST', '/rest/v1/notes', {
			body: { id: 40, body: 'x', n: -1 }
		});
		expect([check.status, (await check.json()).code]).toEqual([400, '23514']);
		const bad = await get('/notes?id=eq.abc');
		expect([bad.status, (await bad.json()).code]).toEqual([400, '22P02']);
	});

	it('blocks writes by RLS: 401 for anon, 403 for a signed-in user; hidden rows are just unaffected', async () => {
		const anon = await request(backend, 'POST', '/rest/v1/items', { body: { name: 'anon-try' } });
		expect(anon.status).toBe(401);
		expect(anon.headers.get('www-authenticate')).toBe('Bearer');
		expect(await anon.json()).toMatchObject({ code: '42501' });
		const other = await asUser('POST', '/items', {
			name: 'not-mine',
			owner: '00000000-0000-0000-0000-000000000002'
		});
		expect([other.status, (await other.json()).code]).toEqual([403, '42501']);
		const hidden = await asUser(
			'PATCH',
			'/items?name=eq.seed1',
			{ n: 100 },
			{ prefer: 'return=representation' }
		);
		expect([hidden.status, await hidden.json()]).toEqual([200, []]);
		const gone = await asUser('DELETE', '/items?name=eq.seed1');
		expect(gone.status).toBe(204);
		expect(await (await get('/items?name=eq.seed1&select=n')).json()).toEqual([{ n: 1 }]);
	});

	it('updates and deletes own rows with filters', async () => {
		const created = await asUser(
			'POST',
			'/items?select=name,owner',
			{ name: 'mine' },
			{ prefer: 'return=representation' }
		);
		expect(await created.json()).toEqual([{ name: 'mine', owner: user.user.id }]);
		const updated = await asUser(
			'PATCH',
			'/items?name=eq.mine',
			{ n: 42, tags: ['a', 'b'], meta: { k: [1] } },
			{
				prefer: 'return=representation'
			}
		);
		expect(await updated.json()).toMatchObject([
			{ name: 'mine', n: 42, tags: ['a', 'b'], meta: { k: [1] } }
		]);
		const deleted = await asUser('DELETE', '/items?name=eq.mine&n=eq.42', undefined, {
			prefer: 'return=representation'
		});
		expect((await deleted.json()).length).toBe(1);
	});

	it('runs each request with PostgREST settings, read-only for GET', async () => {
		const anon = await get('/rpc/whoami');
		expect(await anon.json()).toEqual({
			uid: null,
			user: 'anon',
			claims_role: 'anon',
			method: 'GET',
			path: '/rpc/whoami',
			apikey: backend.keys.publishableKey,
			search_path: '"public", "public", "extensions"',
			read_only: 'on'
		});
		const authed = await asUser('POST', '/rpc/whoami', {});
		expect(await authed.json()).toMatchObject({
			uid: user.user.id,
			user: 'authenticated',
			method: 'POST'
		});
		const service = await request(backend, 'POST', '/rest/v1/rpc/whoami', {
			body: {},
			headers: { apikey: backend.keys.secretKey, authorization: `Bearer ${backend.keys.secretKey}` }
		});
		expect(await service.json()).toMatchObject({
			user: 'service_role',
			claims_role: 'service_role'
		});
	});

	it('embeds directly related tables: many-to-one as an object, one-to-many as an array', async () => {
		const toOne = await get('/books?select=title,author:authors!author_id(name)&order=id&limit=2');
		expect(await toOne.json()).toEqual([
			{ title: 'One', author: { name: 'Ann' } },
			{ title: 'Two', author: { name: 'Ann' } }
		]);
		const editor = await get('/books?select=title,authors!editor_id(name)&id=eq.2');
		expect(await editor.json()).toEqual([{ title: 'Two', authors: null }]);
		const toMany = await get(
			'/authors?select=name,books!author_id(title,editor:authors!editor_id(name))&order=id'
		);
		expect(await toMany.json()).toEqual([
			{
				name: 'Ann',
				books: [
					{ title: 'One', editor: { name: 'Bob' } },
					{ title: 'Two', editor: null }
				]
			},
			{ name: 'Bob', books: [{ title: 'Three', editor: { name: 'Ann' } }] }
		]);
		const ambiguous = await get('/books?select=title,authors(name)');
		expect([ambiguous.status, (await ambiguous.json()).code]).toEqual([300, 'PGRST201']);
		const unrelated = await get('/notes?select=id,authors(name)');
		expect([unrelated.status, (await unrelated.json()).code]).toEqual([400, 'PGRST200']);
	});

	it('calls functions: scalar, row, table, setof, void, defaults, arrays and json', async () => {
		const call = async (path: string, body?: unknown) => {
			const res =
				body === undefined
					? await get(path)
					: await request(backend, 'POST', `/rest/v1${path}`, { body });
			return [res.status, res.status === 204 ? null : await res.json()];
		};
		expect(await call('/rpc/add', { a: 2 })).toEqual([200, 3]);
		expect(await call('/rpc/add?a=2&b=40')).toEqual([200, 42]);
		expect(await call('/rpc/first_item?select=name')).toEqual([200, { name: 'seed1' }]);
		expect(await call('/rpc/stats', {})).toMatchObject([200, [{ biggest: 5 }]]);
		expect(
			await call('/rpc/items_like?select=name&name=neq.seed2&limit=2', { pattern: 'seed%' })
		).toEqual([200, [{ name: 'seed1' }, { name: 'seed3' }]]);
		expect(await call('/rpc/ids?limit=2')).toMatchObject([200, [1, 2]]);
		expect(await call('/rpc/nothing', {})).toEqual([204, null]);
		expect(await call('/rpc/echo_args', { a: [1, 2], j: { x: [true] } })).toEqual([
			200,
			{ a: [1, 2], j: { x: [true] }, t: 'd' }
		]);
		expect(await call('/rpc/echo_args?a={3,4}&j={"y":1}&t=z')).toEqual([
			200,
			{ a: [3, 4], j: { y: 1 }, t: 'z' }
		]);
	});

	it('maps function errors: P0001 → 400, PTnnn → nnn, unknown → 404 PGRST202, volatile via GET → 405', async () => {
		const raised = await request(backend, 'POST', '/rest/v1/rpc/fail', {
			body: { msg: 'no seats left' }
		});
		expect(raised.status).toBe(400);
		expect(await raised.json()).toEqual({
			code: 'P0001',
			details: null,
			hint: null,
			message: 'no seats left'
		});
		const teapot = await request(backend, 'POST', '/rest/v1/rpc/teapot', { body: {} });
		expect([teapot.status, (await teapot.json()).code]).toEqual([418, 'PT418']);
		const unknown = await request(backend, 'POST', '/rest/v1/rpc/nope', { body: { x: 1 } });
		expect(unknown.status).toBe(404);
		expect(await unknown.json()).toMatchObject({
			code: 'PGRST202',
			message: 'Could not find the function public.nope(x) in the schema cache'
		});
		const wrongArgs = await request(backend, 'POST', '/rest/v1/rpc/add', { body: { z: 1 } });
		expect([wrongArgs.status, (await wrongArgs.json()).code]).toEqual([404, 'PGRST202']);
		const viaGet = await get('/rpc/note_add?p_id=50&p_body=x');
		expect([viaGet.status, (await viaGet.json()).code]).toEqual([405, '25006']);
	});

	it('renders timestamps in the Prefer timezone', async () => {
		const utc = await get('/rpc/noon', { prefer: 'timezone=UTC' });
		expect(await utc.json()).toBe('2024-01-01T12:00:00+00:00');
		const tokyo = await get('/rpc/noon', { prefer: 'timezone=Asia/Tokyo' });
		expect(tokyo.headers.get('preference-applied')).toBe('timezone=Asia/Tokyo');
		expect(await tokyo.json()).toBe('2024-01-01T21:00:00+09:00');
		const bad = await get('/rpc/noon', { prefer: 'timezone=Mars/Olympus' });
		expect(bad.status).toBe(400);
	});

	it('honours Prefer tx=rollback and handling=strict max-affected', async () => {
		const rolled = await request(backend, 'POST', '/rest/v1/notes', {
			body: { id: 60, body: 'temp' },
			headers: { prefer: 'tx=rollback, return=representation' }
		});
		expect(rolled.status).toBe(201);
		expect(await rolled.json()).toEqual([{ id: 60, body: 'temp', n: null }]);
		expect(await (await get('/notes?id=eq.60')).json()).toEqual([]);
		const strict = await request(backend, 'DELETE', '/rest/v1/notes?id=gte.0', {
			headers: { prefer: 'handling=strict, max-affected=1' }
		});
		expect([strict.status, (await strict.json()).code]).toEqual([400, 'PGRST124']);
		expect((await (await get('/notes')).json()).length).toBeGreaterThan(1);
	});

	it('reloads its schema cache on NOTIFY pgrst', async () => {
		const call = (body: object) => request(backend, 'POST', '/rest/v1/rpc/late', { body });
		await fixture.db.exec(
			`create function public.late(a int) returns int language sql as 'select a'`
		);
		expect(await (await call({ a: 1 })).json()).toBe(1);
		// Same name, new argument: a cache that is stale (not missing) does not reload by itself.
		await fixture.db.exec(`drop function public.late(int);
			create function public.late(b int) returns int language sql as 'select b * 7'`);
		expect((await call({ b: 1 })).status).toBe(404);
		await fixture.db.exec(`notify pgrst, 'reload schema'`);
		const deadline = Date.now() + 5000;
		let res = await call({ b: 1 });
		while (res.status !== 200 && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 20));
			res = await call({ b: 1 });
		}
		expect(await res.json()).toBe(7);
	});

	describe('errors', () => {
		it('unknown table → 404 PGRST205, unknown column → 400, unknown payload column → PGRST204', async () => {
			expect([(await get('/nope')).status, (await (await get('/nope')).json()).code]).toEqual([
				404,
				'PGRST205'
			]);
			const col = await get('/notes?select=nope');
			expect([col.status, (await col.json()).code]).toEqual([400, '42703']);
			const filter = await get('/notes?nope=eq.1');
			expect([filter.status, (await filter.json()).code]).toEqual([400, '42703']);
			const payload = await request(backend, 'POST', '/rest/v1/notes', {
				body: { id: 70, nope: 1 }
			});
			expect(await payload.json()).toMatchObject({
				code: 'PGRST204',
				message: "Could not find the 'nope' column of 'notes' in the schema cache"
			});
		});

		it('malformed JSON → 400 PGRST102; oversized body → 413', async () => {
			const bad = await request(backend, 'POST', '/rest/v1/notes', { body: '{"id": 1,' });
			expect(bad.status).toBe(400);
			expect(await bad.json()).toMatchObject({
				code: 'PGRST102',
				message: 'Empty or invalid json'
			});
			const big = await request(backend, 'POST', '/rest/v1/notes', {
				body: JSON.stringify({ id: 71, body: 'x'.repeat(70 * 1024) })
			});
			expect(big.status).toBe(413);
			expect(await (await get('/notes?id=eq.71')).json()).toEqual([]);
		});

		it('bad query strings → 400 PGRST100; embedding → 400 PGRST200', async () => {
			for (const qs of [
				'id=zz.1',
				'or=(id.eq.1',
				'order=id.sideways',
				'limit=x',
				'offset=99999999999999999999'
			]) {
				const res = await get(`/notes?${qs}`);
				expect([res.status, (await res.json()).code], qs).toEqual([400, 'PGRST100']);
			}
			const embed = await get('/items?select=id,owner:profiles(display_name)');
			expect([embed.status, (await embed.json()).code]).toEqual([400, 'PGRST200']);
		});

		it('JWT problems → 401 PGRST301/PGRST303 with WWW-Authenticate; keys → 401 from the gateway', async () => {
			const now = Math.floor(Date.now() / 1000);
			const expired = signJwt(
				{ sub: user.user.id, role: 'authenticated', exp: now - 3600 },
				LOCAL_JWT_SECRET
			);
			const res = await request(backend, 'GET', '/rest/v1/notes', { token: expired });
			expect(res.status).toBe(401);
			expect(res.headers.get('www-authenticate')).toContain('invalid_token');
			expect(await res.json()).toEqual({
				code: 'PGRST303',
				details: null,
				hint: null,
				message: 'JWT expired'
			});
			const forged = signJwt(
				{ role: 'service_role', exp: now + 60 },
				'not-the-secret-not-the-secret-not-the-secret'
			);
			const f = await request(backend, 'GET', '/rest/v1/notes', { token: forged });
			expect([f.status, (await f.json()).code]).toEqual([401, 'PGRST301']);
			const garbage = await request(backend, 'GET', '/rest/v1/notes', { token: 'garbage' });
			expect([garbage.status, (await garbage.json()).code]).toEqual([401, 'PGRST301']);
			const wrongKey = await request(backend, 'GET', '/rest/v1/notes', {
				headers: { apikey: 'sb_publishable_wrong', authorization: 'Bearer sb_publishable_wrong' }
			});
			expect([wrongKey.status, await wrongKey.json()]).toMatchObject([
				401,
				{ message: 'Invalid API key' }
			]);
			const noKey = await backend.fetch(new Request('http://localhost/rest/v1/notes'));
			expect([noKey.status, await noKey.json()]).toMatchObject([
				401,
				{ message: 'No API key found in request' }
			]);
			const superuser = signJwt({ role: 'postgres', exp: now + 60 }, LOCAL_JWT_SECRET);
			const su = await request(backend, 'GET', '/rest/v1/notes', { token: superuser });
			expect([su.status, (await su.json()).code]).toEqual([403, '42501']);
		});

		it('unexposed schema → 406 PGRST106; unknown Accept → 406 PGRST107; PUT → 405', async () => {
			const schema = await get('/users', { 'accept-profile': 'auth' });
			expect([schema.status, (await schema.json()).code]).toEqual([406, 'PGRST106']);
			const accept = await get('/notes', { accept: 'text/csv' });
			expect([accept.status, (await accept.json()).code]).toEqual([406, 'PGRST107']);
			const put = await request(backend, 'PUT', '/rest/v1/notes?id=eq.1', { body: { id: 1 } });
			expect(put.status).toBe(405);
		});

		it('stores nothing from injection attempts in names, filters and bodies', async () => {
			const attempts = [
				`/notes?select=id,body);delete from public.notes;--`,
				`/notes?id=eq.1;delete from public.notes`,
				`/notes?or=(id.eq.1,body.eq.x'));delete from public.notes;--)`,
				`/notes?order=id;delete from public.notes`,
				`/notes?select=body::text;delete`,
				`/notes%22%3Bdelete%20from%20public.notes%3B--`,
				`/notes%E0%A4%A`,
				`/rpc/add?a=1);delete from public.notes;--`
			];
			for (const path of attempts) {
				const res = await get(path);
				expect(res.status, path).toBeGreaterThanOrEqual(400);
				expect(res.status, path).toBeLessThan(500);
			}
			const body = await request(backend, 'POST', '/rest/v1/notes?select=body', {
				body: { id: 80, body: `'); delete from public.notes; --` },
				headers: { prefer: 'return=representation' }
			});
			expect(await body.json()).toEqual([{ body: `'); delete from public.notes; --` }]);
			const columns = await request(
				backend,
				'POST',
				'/rest/v1/notes?columns=id,"body) select 1;--"',
				{
					body: { id: 81 }
				}
			);
			expect([columns.status, (await columns.json()).code]).toEqual([400, 'PGRST204']);
			const count = await get('/notes?select=id', { prefer: 'count=exact' });
			expect(Number(count.headers.get('content-range')!.split('/')[1])).toBeGreaterThanOrEqual(3);
		});
	});

	it('answers CORS preflights and exposes the headers the client reads', async () => {
		const pre = await backend.fetch(
			new Request('http://localhost/rest/v1/notes', {
				method: 'OPTIONS',
				headers: {
					origin: 'http://app.test',
					'access-control-request-headers': 'apikey, prefer, x-client-info'
				}
			})
		);
		expect(pre.status).toBe(204);
		expect(pre.headers.get('access-control-allow-origin')).toBe('*');
		expect(pre.headers.get('access-control-allow-headers')).toBe('apikey, prefer, x-client-info');
		expect(pre.headers.get('access-control-allow-methods')).toContain('PATCH');
		const res = await get('/notes');
		expect(res.headers.get('access-control-expose-headers')).toContain('Content-Range');
	});
});
