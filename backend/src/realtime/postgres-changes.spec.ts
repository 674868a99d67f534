/**
 * postgres_changes payload semantics (the `data` Realtime's apply_rls builds) at frame level on PGlite: replica identity,
 * DELETE under RLS, tables without a key, unselectable keys, wildcards, and how the catalog decides
 * when the per-subscriber RLS probe can be shared or skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../test-support/databases.ts';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../keys.ts';
import { Catalog } from './catalog.ts';
import {
	createUser,
	RawClient,
	startRealtimeServer,
	userToken,
	type TestServer
} from '../../test-support/realtime.ts';

let testDb: TestDb;
let server: TestServer;
const clients: RawClient[] = [];

type Data = {
	type: string;
	record?: Record<string, unknown>;
	old_record?: Record<string, unknown>;
	columns?: { name: string }[];
	errors: string[] | null;
};

beforeAll(async () => {
	testDb = await openTestDb('pglite');
	await testDb.db.exec(`
		create table public.s_rls (id int primary key, room int, owner uuid, body text);
		alter table public.s_rls enable row level security;
		alter table public.s_rls replica identity full;
		create policy own on public.s_rls for select using (owner is null or owner = (select auth.uid()));
		create table public.s_full (id int primary key, room int, body text);
		alter table public.s_full replica identity full;
		create table public.s_plain (id int primary key, room int, body text);
		create table public.s_nopk (room int, body text);
		create table public.s_hidden (id int primary key, room int);
		revoke select on public.s_hidden from anon;
		grant select (room) on public.s_hidden to anon;
		create table public.s_boom (id int primary key, owner uuid);
		alter table public.s_boom enable row level security;
		create policy fragile on public.s_boom for select
			using (owner = (select auth.uid()) and coalesce((auth.jwt() ->> 'boom')::int / 0, 1) = 1);
		create table public.s_role (id int primary key, room int);
		alter table public.s_role enable row level security;
		create policy positive on public.s_role for select using (room > 0);
		alter publication supabase_realtime add table
			public.s_rls, public.s_full, public.s_plain, public.s_nopk, public.s_hidden, public.s_role, public.s_boom;`);
	server = await startRealtimeServer(testDb.db);
}, 60_000);

afterAll(async () => {
	for (const c of clients) c.close();
	await server?.close();
	await testDb?.close();
});

async function subscribe(
	topic: string,
	bindings: Record<string, unknown>[],
	accessToken?: string,
	apikey = LOCAL_PUBLISHABLE_KEY
) {
	const c = await RawClient.connect(server.url, { apikey, vsn: '2.0.0' });
	clients.push(c);
	c.send([
		'1',
		'1',
		topic,
		'phx_join',
		{
			config: {
				broadcast: {},
				presence: { enabled: false },
				postgres_changes: bindings,
				private: false
			},
			...(accessToken ? { access_token: accessToken } : {})
		}
	]);
	const system = (await c.event(topic, 'system')) as [
		unknown,
		unknown,
		string,
		string,
		{ status: string }
	];
	expect(system[4].status).toBe('ok');
	/** The data of every postgres_changes frame received so far, waiting until there are `n`. */
	const changes = async (n: number) => {
		await c.next(
			() =>
				c.frames.filter((f) => Array.isArray(f.text) && f.text[3] === 'postgres_changes').length >=
				n,
			`${n} changes on ${topic}`
		);
		return c.frames
			.filter((f) => Array.isArray(f.text) && f.text[3] === 'postgres_changes')
			.map((f) => ((f.text as unknown[])[4] as { data: Data }).data);
	};
	return changes;
}

describe('postgres_changes payloads', () => {
	it('DELETE under RLS reaches every matching subscriber with only the key, even with REPLICA IDENTITY FULL', async () => {
		const [ann, bob] = [await createUser(testDb.db), await createUser(testDb.db)];
		const forBob = await subscribe(
			'realtime:del-bob',
			[{ event: '*', schema: 'public', table: 's_rls', filter: 'room=eq.1' }],
			userToken(bob)
		);
		await testDb.db.query(`insert into public.s_rls values (1, 1, $1, 'ann only')`, [ann]);
		await testDb.db.query(`update public.s_rls set body = 'still ann' where id = 1`);
		await testDb.db.query(`delete from public.s_rls where id = 1`);
		await testDb.db.query(`insert into public.s_rls values (2, 1, null, 'public')`);
		const got = await forBob(2);
		// bob never saw ann's row, but the delete (filtered on the FULL identity) is not RLS-checked
		expect(got.map((d) => d.type)).toEqual(['DELETE', 'INSERT']);
		expect(got[0].old_record).toEqual({ id: 1 });
		expect(got[0].record).toBeUndefined();
	});

	it('old_record is the key by default and the whole row with REPLICA IDENTITY FULL', async () => {
		const full = await subscribe('realtime:full', [
			{ event: '*', schema: 'public', table: 's_full', filter: 'room=eq.5' }
		]);
		const plain = await subscribe('realtime:plain', [
			{ event: '*', schema: 'public', table: 's_plain' }
		]);
		for (const t of ['s_full', 's_plain']) {
			await testDb.db.query(`insert into public.${t} values (1, 5, 'a')`);
			await testDb.db.query(`update public.${t} set body = 'b' where id = 1`);
			await testDb.db.query(`delete from public.${t} where id = 1`);
		}
		const f = await full(3);
		expect(f.map((d) => [d.type, d.old_record])).toEqual([
			['INSERT', undefined],
			['UPDATE', { id: 1, room: 5, body: 'a' }],
			['DELETE', { id: 1, room: 5, body: 'b' }]
		]);
		const p = await plain(3);
		expect(p.map((d) => [d.type, d.record, d.old_record])).toEqual([
			['INSERT', { id: 1, room: 5, body: 'a' }, undefined],
			['UPDATE', { id: 1, room: 5, body: 'b' }, { id: 1 }],
			['DELETE', undefined, { id: 1 }]
		]);
	});

	it('reports a table without a primary key and an unselectable key as errors', async () => {
		const nopk = await subscribe('realtime:nopk', [
			{ event: 'INSERT', schema: 'public', table: 's_nopk' }
		]);
		const hidden = await subscribe('realtime:hidden', [
			{ event: 'INSERT', schema: 'public', table: 's_hidden' }
		]);
		await testDb.db.query(`insert into public.s_nopk values (1, 'x')`);
		await testDb.db.query(`insert into public.s_hidden values (1, 1)`);
		expect((await nopk(1))[0]).toMatchObject({
			type: 'INSERT',
			errors: ['Error 400: Bad Request, no primary key']
		});
		expect((await nopk(1))[0].record).toBeUndefined();
		expect((await hidden(1))[0]).toMatchObject({
			type: 'INSERT',
			errors: ['Error 401: Unauthorized']
		});
	});

	it('a policy that raises for one subscriber hides rows from that subscriber only', async () => {
		const [ann, bob] = [await createUser(testDb.db), await createUser(testDb.db)];
		const binding = [{ event: 'INSERT', schema: 'public', table: 's_boom' }];
		const forAnn = await subscribe('realtime:boom-ann', binding, userToken(ann));
		const forBob = await subscribe(
			'realtime:boom-bob',
			binding,
			userToken(bob, { extra: { boom: 1 } })
		);
		await testDb.db.query('insert into public.s_boom values (1, $1), (2, $2)', [ann, bob]);
		await testDb.db.query('insert into public.s_boom values (3, $1)', [ann]);
		expect((await forAnn(2)).map((d) => d.record?.id)).toEqual([1, 3]);
		// bob's frame for row 2 would have been sent in the same pass as ann's for row 1
		expect(await forBob(0)).toEqual([]);
	});

	it('viewers of one topic and binding, as different users, each get only what their claims allow', async () => {
		// One fan-out group (same topic, bindings and role): probes stay per claims and per member.
		const [ann, bob] = [await createUser(testDb.db), await createUser(testDb.db)];
		const binding = [{ event: 'INSERT', schema: 'public', table: 's_rls', filter: 'room=eq.7' }];
		const forAnn = await subscribe('realtime:shared', binding, userToken(ann));
		const forAnn2 = await subscribe('realtime:shared', binding, userToken(ann));
		const forBob = await subscribe('realtime:shared', binding, userToken(bob));
		const bobClient = clients.at(-1)!;
		const forAnon = await subscribe('realtime:shared', binding);
		const ids = (got: Data[]) => got.map((d) => d.record?.id);
		await testDb.db.query(
			`insert into public.s_rls values (10, 7, $1, 'a'), (11, 7, $2, 'b'), (12, 7, null, 'all')`,
			[ann, bob]
		);
		await testDb.db.query(`insert into public.s_rls values (13, 7, $1, 'a')`, [ann]);
		expect(ids(await forAnn(3))).toEqual([10, 12, 13]);
		expect(ids(await forAnn2(3))).toEqual([10, 12, 13]);
		expect(ids(await forBob(2))).toEqual([11, 12]);
		expect(ids(await forAnon(1))).toEqual([12]);

		// a member leaving or joining changes nothing for the others
		bobClient.close();
		const forBobAgain = await subscribe('realtime:shared', binding, userToken(bob));
		await testDb.db.query(`insert into public.s_rls values (14, 7, $1, 'b')`, [bob]);
		await testDb.db.query(`insert into public.s_rls values (15, 7, null, 'all')`);
		expect(ids(await forBobAgain(2))).toEqual([14, 15]);
		expect(ids(await forAnn(4))).toEqual([10, 12, 13, 15]);
		expect(ids(await forAnon(2))).toEqual([12, 15]);
	});

	it('applies policies that read only the row once per role', async () => {
		const a = await subscribe('realtime:role-a', [
			{ event: 'INSERT', schema: 'public', table: 's_role' }
		]);
		const b = await subscribe('realtime:role-b', [
			{ event: 'INSERT', schema: 'public', table: 's_role' }
		]);
		await testDb.db.query('insert into public.s_role values (20, -5), (21, 5)');
		await testDb.db.query('insert into public.s_role values (22, 6)');
		for (const got of [await a(2), await b(2)]) {
			expect(got.map((d) => d.record)).toEqual([
				{ id: 21, room: 5 },
				{ id: 22, room: 6 }
			]);
		}
	});

	it('a schema-wide subscription receives every published table of the schema', async () => {
		const all = await subscribe(
			'realtime:wild',
			[{ event: 'INSERT', schema: 'public' }],
			undefined,
			LOCAL_SECRET_KEY
		);
		await testDb.db.query(`insert into public.s_plain values (10, 1, 'p')`);
		await testDb.db.query(`insert into public.s_role values (10, -1)`);
		const got = await all(2);
		expect(got.map((d) => (d as unknown as { table: string }).table)).toEqual([
			's_plain',
			's_role'
		]);
	});
});

describe('catalog', () => {
	it('skips, shares or individualizes the RLS probe by what the policies read', async () => {
		const catalog = new Catalog(testDb.db);
		const mode = async (table: string, role: string) =>
			(await catalog.access((await catalog.table('public', table))!, role))?.mode;
		expect(await mode('bookings', 'anon')).toBe('all'); // using (true)
		expect(await mode('bookings', 'authenticated')).toBe('all');
		expect(await mode('s_rls', 'authenticated')).toBe('claims'); // auth.uid()
		expect(await mode('s_role', 'anon')).toBe('role'); // reads only the row
		expect(await mode('s_rls', 'service_role')).toBe('all'); // BYPASSRLS
		expect(await mode('s_plain', 'anon')).toBe('all'); // no RLS
		expect(
			await catalog.access((await catalog.table('public', 's_plain'))!, 'no_such_role')
		).toBeUndefined();
		const hidden = await catalog.access((await catalog.table('public', 's_hidden'))!, 'anon');
		expect([...hidden!.selectable]).toEqual(['room']);
	});
});
