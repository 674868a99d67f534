/**
 * The Phoenix/Realtime protocol at frame level, with a bare WebSocket client on PGlite: what
 * realtime-js relies on and every error path, including garbage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { openTestDb, type TestDb } from '../../test-support/databases.ts';
import {
	LOCAL_ANON_KEY,
	LOCAL_PUBLISHABLE_KEY,
	LOCAL_SECRET_KEY,
	LOCAL_SERVICE_ROLE_KEY
} from '../keys.ts';
import { encodeUserBroadcastPush } from './serializer.ts';
import {
	RawClient,
	startRealtimeServer,
	userToken,
	waitFor,
	type TestServer
} from '../../test-support/realtime.ts';

let testDb: TestDb;
let server: TestServer;
const clients: RawClient[] = [];

beforeAll(async () => {
	testDb = await openTestDb('pglite');
	await testDb.db.exec(`
		create table public.notes (id bigint generated always as identity primary key, room int not null, body text);
		create table public.unpublished (id int primary key);
		alter publication supabase_realtime add table public.notes;`);
	server = await startRealtimeServer(testDb.db);
}, 60_000);

afterAll(async () => {
	for (const c of clients) c.close();
	await server?.close();
	await testDb?.close();
});

async function connect(query: Record<string, string> = {}) {
	const c = await RawClient.connect(server.url, {
		apikey: LOCAL_PUBLISHABLE_KEY,
		vsn: '2.0.0',
		...query
	});
	clients.push(c);
	return c;
}

const joinPayload = (
	config: Record<string, unknown> = {},
	extra: Record<string, unknown> = {}
) => ({
	config: {
		broadcast: { ack: false, self: false },
		presence: { key: '', enabled: false },
		postgres_changes: [],
		private: false,
		...config
	},
	...extra
});

async function join(c: RawClient, topic: string, config: Record<string, unknown> = {}, extra = {}) {
	const ref = c.ref();
	const from = c.frames.length;
	c.send([ref, ref, topic, 'phx_join', joinPayload(config, extra)]);
	const reply = (await c.next(
		(f) => Array.isArray(f.text) && f.text[1] === ref && f.text[3] === 'phx_reply',
		`join reply ${topic}`,
		from
	)) as [string, string, string, string, { status: string; response: Record<string, unknown> }];
	return { ref, reply };
}

/** Status and JSON body of a refused upgrade. */
function refusedUpgrade(query: string): Promise<{ status: number; body: unknown }> {
	const ws = new WebSocket(`${server.url.replace('http', 'ws')}/realtime/v1/websocket?${query}`);
	return new Promise((resolve, reject) => {
		ws.on('open', () => reject(new Error('upgrade accepted')));
		ws.on('error', () => {});
		ws.on('unexpected-response', (_req, res) => {
			let text = '';
			res.on('data', (c: Buffer) => (text += c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
		});
	});
}

describe('connect', () => {
	it('refuses a missing or unknown API key with 401 JSON on the upgrade', async () => {
		for (const query of ['vsn=2.0.0', 'apikey=sb_publishable_nope&vsn=2.0.0', 'apikey=a.b.c']) {
			const { status, body } = await refusedUpgrade(query);
			expect(status).toBe(401);
			expect(body).toEqual({ error: expect.any(String) });
		}
	});

	it('accepts publishable, secret and legacy JWT keys', async () => {
		for (const apikey of [
			LOCAL_PUBLISHABLE_KEY,
			LOCAL_SECRET_KEY,
			LOCAL_ANON_KEY,
			LOCAL_SERVICE_ROLE_KEY
		]) {
			const c = await connect({ apikey });
			c.send([null, '1', 'phoenix', 'heartbeat', {}]);
			expect(await c.event('phoenix', 'phx_reply')).toEqual([
				null,
				'1',
				'phoenix',
				'phx_reply',
				{ status: 'ok', response: {} }
			]);
			c.close();
		}
	});
});

describe('channels', () => {
	it('echoes postgres_changes bindings verbatim with numeric ids, then confirms the subscription', async () => {
		const c = await connect();
		const bindings = [
			{ event: 'INSERT', schema: 'public', table: 'notes', filter: 'room=eq.1' },
			{ event: '*', schema: 'public', table: 'notes' }
		];
		const { ref, reply } = await join(c, 'realtime:echo', { postgres_changes: bindings });
		expect(reply[0]).toBe(ref);
		expect(reply[4].status).toBe('ok');
		const echoed = reply[4].response.postgres_changes as Record<string, unknown>[];
		expect(echoed.map(({ id: _id, ...rest }) => rest)).toEqual(bindings);
		expect(echoed.every((b) => Number.isInteger(b.id) && (b.id as number) > 0)).toBe(true);
		expect('filter' in echoed[1]).toBe(false);
		const system = await c.event('realtime:echo', 'system');
		expect(system).toEqual([
			ref,
			null,
			'realtime:echo',
			'system',
			{
				extension: 'postgres_changes',
				status: 'ok',
				message: 'Subscribed to PostgreSQL',
				channel: 'echo'
			}
		]);
		// the system message comes after the reply
		const texts = c.frames.map((f) => f.text as unknown[]);
		expect(texts.findIndex((t) => t[3] === 'system')).toBeGreaterThan(
			texts.findIndex((t) => t[3] === 'phx_reply')
		);

		await testDb.db.query('insert into public.notes (room, body) values (1, $1)', ['x']);
		const change = (await c.event('realtime:echo', 'postgres_changes')) as [
			null,
			null,
			string,
			string,
			{ ids: number[]; data: Record<string, unknown> }
		];
		expect(change[0]).toBeNull();
		expect(change[4].ids.sort()).toEqual(echoed.map((b) => b.id).sort());
		expect(change[4].data).toMatchObject({
			schema: 'public',
			table: 'notes',
			type: 'INSERT',
			columns: [
				{ name: 'id', type: 'int8' },
				{ name: 'room', type: 'int4' },
				{ name: 'body', type: 'text' }
			],
			record: { room: 1, body: 'x' },
			errors: null
		});
		expect(change[4].data.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
	});

	it('reports unpublished tables and bad filters as a system error; the join still succeeds', async () => {
		const c = await connect();
		for (const binding of [
			{ event: '*', schema: 'public', table: 'unpublished' },
			{ event: '*', schema: 'public', table: 'notes', filter: 'nope=eq.1' },
			{ event: '*', schema: 'public', table: 'notes', filter: 'room=eq.abc' }
		]) {
			const topic = `realtime:bad-${c.ref()}`;
			const { reply } = await join(c, topic, { postgres_changes: [binding] });
			expect(reply[4].status).toBe('ok');
			const system = (await c.event(topic, 'system')) as [
				unknown,
				unknown,
				string,
				string,
				Record<string, string>
			];
			expect(system[4]).toMatchObject({ extension: 'postgres_changes', status: 'error' });
			expect(system[4].message).toMatch(/^Unable to subscribe to changes with given parameters/);
		}
	});

	it('answers unmatched topics and survives garbage', async () => {
		const c = await connect();
		c.send(['1', '2', 'realtime:never-joined', 'broadcast', {}]);
		expect((await c.event('realtime:never-joined', 'phx_reply'))[4]).toEqual({
			status: 'error',
			response: { reason: 'unmatched topic' }
		});
		c.send(['3', '3', 'room:no-prefix', 'phx_join', {}]);
		expect((await c.event('room:no-prefix', 'phx_reply'))[4]).toEqual({
			status: 'error',
			response: { reason: 'unmatched topic' }
		});
		c.send(['4', '4', 'realtime:', 'phx_join', {}]);
		expect(((await c.event('realtime:', 'phx_reply'))[4] as { status: string }).status).toBe(
			'error'
		);

		for (const junk of [
			'',
			'not json',
			'{}',
			'[1,2]',
			'null',
			'["1","2",3,4,5]',
			'[null,"1","realtime:x","phx_join",null]'
		])
			c.send(junk);
		for (const junk of [
			new Uint8Array([]),
			new Uint8Array([0, 1, 2, 3]),
			new Uint8Array([3, 255, 255, 255, 255, 255, 1]),
			new Uint8Array([9])
		])
			c.send(junk);
		c.send(['5', '5', 'realtime:ok', 'phx_join', 'garbage payload']);
		expect(((await c.event('realtime:ok', 'phx_reply'))[4] as { status: string }).status).toBe(
			'ok'
		);
		c.send([null, '99', 'phoenix', 'heartbeat', {}]);
		await c.next((f) => Array.isArray(f.text) && f.text[1] === '99', 'heartbeat after garbage');
	});

	it('speaks vsn 1.0.0 object frames', async () => {
		const c = await connect({ vsn: '1.0.0' });
		c.send({
			join_ref: '1',
			ref: '1',
			topic: 'realtime:v1',
			event: 'phx_join',
			payload: joinPayload()
		});
		await c.next(
			(f) => (f.text as Record<string, unknown>)?.event === 'phx_reply',
			'v1 join reply'
		);
		expect(c.frames[0].text).toEqual({
			join_ref: '1',
			ref: '1',
			topic: 'realtime:v1',
			event: 'phx_reply',
			payload: { status: 'ok', response: { postgres_changes: [] } }
		});
		c.send({ join_ref: null, ref: '2', topic: 'phoenix', event: 'heartbeat', payload: {} });
		await c.next((f) => (f.text as Record<string, unknown>)?.ref === '2', 'v1 heartbeat');
	});

	it('sends postgres_changes to vsn 1.0.0 clients as object frames', async () => {
		const c = await connect({ vsn: '1.0.0' });
		const binding = { event: 'INSERT', schema: 'public', table: 'notes', filter: 'room=eq.11' };
		c.send({
			join_ref: '1',
			ref: '1',
			topic: 'realtime:v1-changes',
			event: 'phx_join',
			payload: joinPayload({ postgres_changes: [binding] })
		});
		await c.next((f) => (f.text as Record<string, unknown>)?.event === 'system', 'v1 system');
		await testDb.db.query('insert into public.notes (room, body) values (11, $1)', ['v1']);
		const frame = await c.next<Record<string, unknown>>(
			(f) => (f.text as Record<string, unknown>)?.event === 'postgres_changes',
			'v1 change'
		);
		expect(frame).toMatchObject({
			join_ref: null,
			ref: null,
			topic: 'realtime:v1-changes',
			payload: { ids: [expect.any(Number)], data: { type: 'INSERT', record: { body: 'v1' } } }
		});
	});

	it('leaves with an ok reply and phx_close carrying the join ref', async () => {
		const c = await connect();
		const { ref } = await join(c, 'realtime:leave');
		c.send([ref, '50', 'realtime:leave', 'phx_leave', {}]);
		await c.event('realtime:leave', 'phx_close');
		const tail = c.frames.slice(-2).map((f) => f.text);
		expect(tail).toEqual([
			[ref, '50', 'realtime:leave', 'phx_reply', { status: 'ok', response: {} }],
			[ref, ref, 'realtime:leave', 'phx_close', {}]
		]);
		c.send([ref, '51', 'realtime:leave', 'broadcast', {}]);
		expect(
			(await c.next((f) => Array.isArray(f.text) && f.text[1] === '51', 'after leave'))[4]
		).toEqual({ status: 'error', response: { reason: 'unmatched topic' } });
	});

	it('replaces a channel joined twice, closing the old join ref', async () => {
		const c = await connect();
		const first = await join(c, 'realtime:twice');
		const second = await join(c, 'realtime:twice');
		expect(
			c.frames.some(
				(f) => Array.isArray(f.text) && f.text[3] === 'phx_close' && f.text[0] === first.ref
			)
		).toBe(true);
		expect(second.reply[4].status).toBe('ok');
	});
});

describe('access tokens', () => {
	it('refuses an expired token at join', async () => {
		const c = await connect();
		const { reply } = await join(
			c,
			'realtime:exp-join',
			{},
			{ access_token: userToken(crypto.randomUUID(), { expiresIn: -120 }) }
		);
		expect(reply[4]).toEqual({
			status: 'error',
			response: {
				reason: expect.stringMatching(/^InvalidJWTToken: Token has expired \d+ seconds ago$/)
			}
		});
	});

	it('ignores sb_ tokens, and shuts the channel on an expired refresh', async () => {
		const c = await connect();
		const { ref } = await join(
			c,
			'realtime:refresh',
			{},
			{ access_token: userToken(crypto.randomUUID()) }
		);
		const before = c.frames.length;
		c.send([
			ref,
			'10',
			'realtime:refresh',
			'access_token',
			{ access_token: LOCAL_PUBLISHABLE_KEY }
		]);
		c.send([
			ref,
			'11',
			'realtime:refresh',
			'access_token',
			{ access_token: userToken(crypto.randomUUID()) }
		]);
		c.send([null, '12', 'phoenix', 'heartbeat', {}]);
		await c.next((f) => Array.isArray(f.text) && f.text[1] === '12', 'heartbeat', before);
		c.send([ref, '13', 'realtime:refresh', 'presence', { type: 'presence', event: 'untrack' }]);
		await c.next((f) => Array.isArray(f.text) && f.text[1] === '13', 'channel still open', before);
		expect(
			c.frames.slice(before).some((f) => Array.isArray(f.text) && f.text[3] === 'phx_close')
		).toBe(false);

		c.send([
			ref,
			'14',
			'realtime:refresh',
			'access_token',
			{ access_token: userToken(crypto.randomUUID(), { expiresIn: -120 }) }
		]);
		const system = (await c.event('realtime:refresh', 'system', before)) as unknown[];
		expect(system).toEqual([
			ref,
			null,
			'realtime:refresh',
			'system',
			{
				extension: 'system',
				status: 'error',
				message: expect.stringMatching(/^Token has expired \d+ seconds ago$/),
				channel: 'refresh'
			}
		]);
		expect(await c.event('realtime:refresh', 'phx_close', before)).toEqual([
			ref,
			ref,
			'realtime:refresh',
			'phx_close',
			{}
		]);
	});

	it('shuts the channel when its token expires while joined', async () => {
		const c = await connect();
		const { ref } = await join(
			c,
			'realtime:expiring',
			{},
			{ access_token: userToken(crypto.randomUUID(), { expiresIn: 1 }) }
		);
		expect(((await c.event('realtime:expiring', 'system', 0, 5000)) as unknown[])[4]).toMatchObject(
			{ extension: 'system', status: 'error', message: expect.stringMatching(/^Token has expired/) }
		);
		expect(await c.event('realtime:expiring', 'phx_close')).toEqual([
			ref,
			ref,
			'realtime:expiring',
			'phx_close',
			{}
		]);
	});
});

describe('broadcast and presence', () => {
	it('relays binary kind 3 as kind 4, honouring self and ack', async () => {
		const a = await connect();
		const b = await connect();
		const v1 = await connect({ vsn: '1.0.0' });
		const ja = await join(a, 'realtime:bc', { broadcast: { self: true, ack: true } });
		await join(b, 'realtime:bc');
		v1.send({
			join_ref: '1',
			ref: '1',
			topic: 'realtime:bc',
			event: 'phx_join',
			payload: joinPayload()
		});
		await v1.next((f) => (f.text as Record<string, unknown>)?.event === 'phx_reply', 'v1 join');

		a.send(encodeUserBroadcastPush(ja.ref, '77', 'realtime:bc', 'hello', '{"a":1}'));
		const expected = Buffer.concat([
			Buffer.from([4, 11, 5, 0, 1]),
			Buffer.from('realtime:bchello{"a":1}')
		]);
		expect(await b.next((f) => !!f.binary, 'kind 4 at b')).toEqual(expected);
		expect(await a.next((f) => !!f.binary, 'kind 4 at self')).toEqual(expected);
		expect(await a.next((f) => Array.isArray(f.text) && f.text[1] === '77', 'ack')).toEqual([
			ja.ref,
			'77',
			'realtime:bc',
			'phx_reply',
			{ status: 'ok', response: {} }
		]);
		expect(
			await v1.next(
				(f) => (f.text as Record<string, unknown>)?.event === 'broadcast',
				'v1 broadcast'
			)
		).toEqual({
			join_ref: null,
			ref: null,
			topic: 'realtime:bc',
			event: 'broadcast',
			payload: { type: 'broadcast', event: 'hello', payload: { a: 1 } }
		});

		// b: no self, no ack; JSON pushes work too
		const jb = b.frames.length;
		b.send([
			null,
			'5',
			'realtime:bc',
			'broadcast',
			{ type: 'broadcast', event: 'json', payload: { b: 2 } }
		]);
		await a.next((f) => !!f.binary && f.binary.includes('json'), 'json broadcast at a');
		expect(b.frames.slice(jb).length).toBe(0);
	});

	it('sends presence_state after join, diffs on track and on disconnect', async () => {
		const a = await connect();
		const b = await connect();
		const ja = await join(a, 'realtime:pres', { presence: { key: 'ann', enabled: true } });
		await a.event('realtime:pres', 'presence_state');
		a.send([
			ja.ref,
			'20',
			'realtime:pres',
			'presence',
			{ type: 'presence', event: 'track', payload: { name: 'ann' } }
		]);
		expect(
			(await a.next((f) => Array.isArray(f.text) && f.text[1] === '20', 'track reply'))[4]
		).toEqual({ status: 'ok', response: {} });
		const diff = (await a.event('realtime:pres', 'presence_diff')) as [
			null,
			null,
			string,
			string,
			{ joins: Record<string, { metas: Record<string, unknown>[] }> }
		];
		expect(diff[4].joins.ann.metas[0]).toMatchObject({ name: 'ann', phx_ref: expect.any(String) });

		await join(b, 'realtime:pres', { presence: { key: 'bob', enabled: true } });
		const state = (await b.event('realtime:pres', 'presence_state')) as unknown[];
		expect(state[4]).toEqual({ ann: { metas: [diff[4].joins.ann.metas[0]] } });

		a.send([
			ja.ref,
			'21',
			'realtime:pres',
			'presence',
			{ type: 'presence', event: 'track', payload: 'nope' }
		]);
		expect(
			(await a.next((f) => Array.isArray(f.text) && f.text[1] === '21', 'bad track'))[4]
		).toEqual({ status: 'error', response: { reason: 'Presence track payload must be a map' } });

		a.close();
		const leave = (await b.event('realtime:pres', 'presence_diff')) as [
			null,
			null,
			string,
			string,
			{ leaves: Record<string, unknown> }
		];
		expect(Object.keys(leave[4].leaves)).toEqual(['ann']);
	});

	it('accepts REST broadcasts with 202 and delivers them', async () => {
		const c = await connect();
		await join(c, 'realtime:rest');
		const single = await fetch(
			`${server.url}/realtime/v1/api/broadcast/rest/events/ping?apikey=${LOCAL_PUBLISHABLE_KEY}&vsn=2.0.0`,
			{
				method: 'POST',
				headers: { apikey: LOCAL_PUBLISHABLE_KEY, 'content-type': 'application/json' },
				body: JSON.stringify({ n: 1 })
			}
		);
		expect(single.status).toBe(202);
		await c.next((f) => !!f.binary && f.binary.includes('ping'), 'single REST broadcast');
		const batch = await fetch(`${server.url}/realtime/v1/api/broadcast`, {
			method: 'POST',
			headers: { apikey: LOCAL_PUBLISHABLE_KEY, 'content-type': 'application/json' },
			body: JSON.stringify({
				messages: [{ topic: 'rest', event: 'pong', payload: { n: 2 }, private: false }]
			})
		});
		expect(batch.status).toBe(202);
		const frame = await c.next<Buffer>(
			(f) => !!f.binary && f.binary.includes('pong'),
			'batch REST broadcast'
		);
		expect(frame.subarray(5).toString()).toBe('realtime:restpong{"n":2}');

		const denied = await fetch(`${server.url}/realtime/v1/api/broadcast`, {
			method: 'POST',
			headers: { apikey: 'sb_publishable_wrong' },
			body: '{}'
		});
		expect(denied.status).toBe(401);
		const bad = await fetch(`${server.url}/realtime/v1/api/broadcast`, {
			method: 'POST',
			headers: { apikey: LOCAL_PUBLISHABLE_KEY },
			body: 'nope'
		});
		expect(bad.status).toBe(400);
	});
});

describe('robustness', () => {
	it('keeps serving other clients when one sends nonsense and disconnects abruptly', async () => {
		const bad = await connect();
		bad.send(Buffer.alloc(1024, 0xff));
		bad.ws.terminate();
		const good = await connect();
		good.send([null, '1', 'phoenix', 'heartbeat', {}]);
		await good.event('phoenix', 'phx_reply');
		await waitFor(() => bad.ws.readyState === bad.ws.CLOSED, 'bad client closed');
		expect(good.ws.readyState).toBe(good.ws.OPEN);
	});

	it('closes connections that stay silent past the idle timeout', async () => {
		const idle = await startRealtimeServer(testDb.db, { idleTimeoutMs: 200 });
		try {
			const c = await RawClient.connect(idle.url, { apikey: LOCAL_PUBLISHABLE_KEY, vsn: '2.0.0' });
			clients.push(c);
			await waitFor(() => c.ws.readyState === c.ws.CLOSED, 'idle connection closed', 5000);
		} finally {
			await idle.close();
		}
		expect(true).toBe(true);
	});

	it('cuts off a client that stops reading, without holding up the others', async () => {
		const slow = await connect();
		const other = await connect();
		await join(slow, 'realtime:slow');
		await join(other, 'realtime:slow');
		const tcp = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
		tcp.pause();
		const payload = JSON.stringify({ x: 'y'.repeat(1_000_000) });
		for (let i = 0; i < 50; i++) {
			const res = await fetch(`${server.url}/realtime/v1/api/broadcast/slow/events/big`, {
				method: 'POST',
				headers: { apikey: LOCAL_PUBLISHABLE_KEY, 'content-type': 'application/json' },
				body: payload
			});
			expect(res.status).toBe(202);
		}
		await waitFor(
			() => other.frames.filter((f) => f.binary).length === 50,
			'all broadcasts at the reader',
			20_000
		);
		tcp.resume();
		await waitFor(() => slow.ws.readyState === slow.ws.CLOSED, 'the slow client cut off', 20_000);
		expect(slow.frames.filter((f) => f.binary).length).toBeLessThan(50);
	}, 30_000);
});
