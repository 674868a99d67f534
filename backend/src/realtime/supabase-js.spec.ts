/**
 * The real supabase-js (realtime over Node's global WebSocket) against the realtime service on a real
 * HTTP server, on PGlite and on PostgreSQL 15. Signed-in users are simulated with GoTrue-shaped JWTs
 * handed to the client through its `accessToken` option, which drives the same `access_token`
 * pushes a session refresh does.
 */
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestDb, type TestDb } from '../../test-support/databases.ts';
import { LOCAL_PUBLISHABLE_KEY } from '../keys.ts';
import {
	createUser,
	startRealtimeServer,
	userToken,
	waitFor,
	type TestServer
} from '../../test-support/realtime.ts';

type Change = { eventType: string; new: Record<string, unknown>; old: Record<string, unknown> };

describe.each(ENGINES)('supabase-js realtime on %s', (engine) => {
	let testDb: TestDb;
	let server: TestServer;
	let clients: SupabaseClient[] = [];

	beforeAll(async () => {
		testDb = await openTestDb(engine);
		await testDb.db.exec(`
			create table public.rt_items (
				id bigint generated always as identity primary key,
				room int not null,
				owner uuid,
				secret text,
				body text
			);
			alter table public.rt_items enable row level security;
			create policy "public rows, or your own" on public.rt_items for select
				using (owner is null or owner = (select auth.uid()));
			revoke select on public.rt_items from anon, authenticated;
			grant select (id, room, owner, body) on public.rt_items to anon, authenticated;
			create table public.rt_open (id bigint generated always as identity primary key, room int not null, n int);
			alter publication supabase_realtime add table public.rt_items, public.rt_open;`);
		server = await startRealtimeServer(testDb.db);
	}, 60_000);

	afterEach(async () => {
		for (const c of clients) {
			await c.removeAllChannels();
			await c.realtime.disconnect();
		}
		clients = [];
	});

	afterAll(async () => {
		await server?.close();
		await testDb?.close();
	});

	/** A client; with `token()` it acts as that user (as after sign-in), else as anon. */
	async function client(token?: () => string) {
		const c = createClient(server.url, LOCAL_PUBLISHABLE_KEY, {
			auth: { persistSession: false },
			...(token ? { accessToken: async () => token() } : {})
		});
		if (token) await c.realtime.setAuth();
		clients.push(c);
		return c;
	}

	/** Subscribes; resolves once "Subscribed to PostgreSQL" (or SUBSCRIBED without changes) arrived. */
	async function subscribe(channel: RealtimeChannel, withChanges = true) {
		let pg = false;
		let status = '';
		channel.on('system', {}, (m: { extension?: string; status?: string }) => {
			if (m.extension === 'postgres_changes' && m.status === 'ok') pg = true;
		});
		channel.subscribe((s) => {
			status = s;
		});
		await waitFor(
			() => status === 'SUBSCRIBED' && (pg || !withChanges),
			`${channel.topic} subscribed`
		);
		return channel;
	}

	function collect(
		c: SupabaseClient,
		name: string,
		event: '*' | 'INSERT' | 'UPDATE',
		table: string,
		filter?: string
	) {
		const got: Change[] = [];
		const channel = c
			.channel(name)
			.on(
				'postgres_changes',
				{ event, schema: 'public', table, ...(filter ? { filter } : {}) } as never,
				(p: Change) => got.push(p)
			);
		return { got, channel };
	}

	const insert = (room: number, body: string, owner: string | null = null) =>
		testDb.db.query(
			'insert into public.rt_items (room, body, owner, secret) values ($1, $2, $3, $4) returning id',
			[room, body, owner, 'hidden']
		);

	it('delivers INSERT/UPDATE only for the subscribed filter and event, and only rows RLS lets the subscriber see', async () => {
		const [ann, bob] = [await createUser(testDb.db), await createUser(testDb.db)];
		const anonymous = collect(await client(), 'anon-1', 'INSERT', 'rt_items', 'room=eq.1');
		const annAll = collect(
			await client(() => userToken(ann)),
			'ann-1',
			'*',
			'rt_items',
			'room=eq.1'
		);
		const annUpdates = collect(
			await client(() => userToken(ann)),
			'ann-upd-1',
			'UPDATE',
			'rt_items',
			'room=eq.1'
		);
		await Promise.all([anonymous, annAll, annUpdates].map((s) => subscribe(s.channel)));

		await insert(1, 'public');
		await insert(1, 'ann', ann);
		await insert(1, 'bob', bob);
		await insert(2, 'other room');
		await testDb.db.query(
			`update public.rt_items set body = 'public, edited' where body = 'public'`
		);
		await insert(1, 'end');

		await waitFor(
			() => anonymous.got.length >= 2 && annAll.got.length >= 4 && annUpdates.got.length >= 1,
			'changes'
		);
		const bodies = (l: Change[]) => l.map((p) => `${p.eventType}:${p.new.body}`);
		expect(bodies(anonymous.got)).toEqual(['INSERT:public', 'INSERT:end']);
		expect(bodies(annAll.got)).toEqual([
			'INSERT:public',
			'INSERT:ann',
			'UPDATE:public, edited',
			'INSERT:end'
		]);
		expect(bodies(annUpdates.got)).toEqual(['UPDATE:public, edited']);
		// only the columns the role may select; UPDATE's old record is the key
		expect(Object.keys(annAll.got[0].new).sort()).toEqual(['body', 'id', 'owner', 'room']);
		expect(annAll.got[2].old).toEqual({ id: annAll.got[2].new.id });
	});

	it('loses nothing when 500 changes commit at once', async () => {
		const sub = collect(await client(), 'burst', 'INSERT', 'rt_open', 'room=eq.7');
		await subscribe(sub.channel);
		// 40 concurrent transactions of 10 rows plus 100 single-row statements, with noise in room 8
		const writes: Promise<unknown>[] = [];
		for (let t = 0; t < 40; t++) {
			writes.push(
				testDb.db.transaction(async (tx) => {
					for (let i = 0; i < 10; i++)
						await tx.query('insert into public.rt_open (room, n) values (7, $1), (8, $1)', [
							t * 10 + i
						]);
				})
			);
		}
		for (let i = 400; i < 500; i++)
			writes.push(testDb.db.query('insert into public.rt_open (room, n) values (7, $1)', [i]));
		// a rolled-back write is never delivered
		writes.push(
			testDb.db
				.transaction(async (tx) => {
					await tx.query('insert into public.rt_open (room, n) values (7, -1)');
					throw new Error('roll back');
				})
				.catch(() => {})
		);
		await Promise.all(writes);
		await testDb.db.query('insert into public.rt_open (room, n) values (7, 1000)');
		await waitFor(() => sub.got.some((p) => p.new.n === 1000), 'the sentinel', 20_000);
		const ns = sub.got.map((p) => p.new.n as number).filter((n) => n !== 1000);
		expect(ns.length).toBe(500);
		expect(new Set(ns).size).toBe(500);
		expect(ns.includes(-1)).toBe(false);
		expect(sub.got.every((p) => p.new.room === 7)).toBe(true);
	}, 30_000);

	it('carries broadcast and presence between two clients', async () => {
		const [a, b] = [await client(), await client()];
		const heard: unknown[] = [];
		const ca = a.channel('lobby', { config: { presence: { key: 'ann' } } });
		const cb = b.channel('lobby', {
			config: { presence: { key: 'bob' }, broadcast: { ack: true } }
		});
		cb.on('broadcast', { event: 'hello' }, (m) => heard.push(m));
		const joins: string[] = [];
		const leaves: string[] = [];
		cb.on('presence', { event: 'join' }, ({ key }) => joins.push(key));
		cb.on('presence', { event: 'leave' }, ({ key }) => leaves.push(key));
		ca.on('presence', { event: 'sync' }, () => {});
		await subscribe(ca, false);
		await subscribe(cb, false);

		expect(await ca.send({ type: 'broadcast', event: 'hello', payload: { from: 'ann' } })).toBe(
			'ok'
		);
		await waitFor(() => heard.length === 1, 'broadcast at b');
		expect(heard[0]).toEqual({ type: 'broadcast', event: 'hello', payload: { from: 'ann' } });
		expect(await cb.send({ type: 'broadcast', event: 'hello', payload: {} })).toBe('ok'); // ack'd, not self
		expect(await ca.httpSend('hello', { via: 'rest' })).toEqual({ success: true });
		await waitFor(() => heard.length === 2, 'REST broadcast at b');
		expect(heard[1]).toMatchObject({ payload: { via: 'rest' } });

		expect(await ca.track({ name: 'ann' })).toBe('ok');
		await waitFor(() => joins.includes('ann'), 'presence join at b');
		expect(cb.presenceState().ann).toEqual([
			expect.objectContaining({ name: 'ann', presence_ref: expect.any(String) })
		]);
		expect(await ca.untrack()).toBe('ok');
		await waitFor(() => leaves.includes('ann'), 'presence leave at b after untrack');
		expect(cb.presenceState().ann).toBeUndefined();
		expect(await ca.track({ name: 'ann again' })).toBe('ok');
		await waitFor(
			() => cb.presenceState<{ name: string }>().ann?.[0]?.name === 'ann again',
			'tracked again'
		);
		await a.removeChannel(ca);
		await waitFor(() => leaves.filter((k) => k === 'ann').length === 2, 'presence leave at b');
		expect(cb.presenceState().ann).toBeUndefined();
	});

	it('follows token refreshes mid-subscription and closes the channel on an expired token', async () => {
		const [ann, bob] = [await createUser(testDb.db), await createUser(testDb.db)];
		let token = userToken(ann);
		const c = await client(() => token);
		const sub = collect(c, 'refresh', 'INSERT', 'rt_items', 'room=eq.3');
		const statuses: string[] = [];
		sub.channel.on('system', {}, () => {});
		await subscribe(sub.channel);
		sub.channel.subscribe((s) => statuses.push(s));
		await insert(3, 'for ann', ann);
		await waitFor(() => sub.got.length === 1, 'ann row');

		// refreshed token for another identity: claims are re-evaluated
		token = userToken(bob);
		await c.realtime.setAuth();
		// the server answers nothing to access_token; a later push on the channel is a barrier
		expect(await sub.channel.track({})).toBe('ok');
		await insert(3, 'ann again', ann);
		await insert(3, 'for bob', bob);
		await waitFor(() => sub.got.length === 2, 'bob row');
		expect(sub.got.map((p) => p.new.body)).toEqual(['for ann', 'for bob']);

		// an expired token ends the channel (no rejoin)
		let closed = false;
		sub.channel.subscribe((s) => {
			if (s === 'CLOSED') closed = true;
		});
		token = userToken(bob, { expiresIn: -120 });
		await c.realtime.setAuth();
		await waitFor(() => closed || sub.channel.state === 'closed', 'channel closed');
	});

	it('rejoins after the server restarts and receives later changes', async () => {
		const sub = collect(await client(), 'restart', 'INSERT', 'rt_open', 'room=eq.9');
		let confirmations = 0;
		sub.channel.on('system', {}, (m: { status?: string }) => {
			if (m.status === 'ok') confirmations++;
		});
		await subscribe(sub.channel);
		await waitFor(() => confirmations === 1, 'first subscription');
		await server.stop();
		await server.restart();
		await waitFor(() => confirmations === 2, 'rejoined subscription', 15_000);
		await testDb.db.query('insert into public.rt_open (room, n) values (9, 42)');
		await waitFor(() => sub.got.length === 1, 'change after restart');
		expect(sub.got[0].new.n).toBe(42);
	}, 30_000);
});
