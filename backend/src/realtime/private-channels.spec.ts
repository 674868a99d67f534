/**
 * Private channels and Broadcast from Database at frame level, with a bare WebSocket client on
 * both engines and policies of the test's own on `realtime.messages`: the wire shapes (binary kind 4
 * with metadata, vsn 1.0.0 JSON), write checks for client and REST broadcasts, replay's limits; and
 * with the real supabase-js, a private channel authorised again when its token is refreshed.
 */
import { createClient, type RealtimeChannel } from '@supabase/supabase-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestDb, type TestDb } from '../../test-support/databases.ts';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from '../keys.ts';
import { encodeUserBroadcastPush } from './serializer.ts';
import {
	RawClient,
	startRealtimeServer,
	userToken,
	waitFor,
	type TestServer
} from '../../test-support/realtime.ts';

type Reply = [
	string,
	string,
	string,
	string,
	{ status: string; response: Record<string, unknown> }
];

/** Binary kind 4: topic, event, metadata JSON, payload JSON. */
function decodeKind4(b: Buffer) {
	expect(b[0]).toBe(4);
	const [topicLen, eventLen, metaLen, encoding] = [b[1], b[2], b[3], b[4]];
	let at = 5;
	const take = (n: number) => b.subarray(at, (at += n)).toString('utf8');
	const topic = take(topicLen);
	const event = take(eventLen);
	const meta = metaLen > 0 ? JSON.parse(take(metaLen)) : undefined;
	return { topic, event, meta, encoding, payload: JSON.parse(b.subarray(at).toString('utf8')) };
}

describe.each(ENGINES)('private channels on %s', (engine) => {
	let testDb: TestDb;
	let server: TestServer;
	let clients: RawClient[] = [];

	beforeAll(async () => {
		testDb = await openTestDb(engine, { seed: false });
		await testDb.db.exec(`
			create policy "read rooms" on realtime.messages for select to anon, authenticated
				using (topic like 'room:%');
			create policy "talk in open rooms" on realtime.messages for insert to authenticated
				with check (topic like 'room:open%' and extension = 'broadcast');
			create policy "read own inbox" on realtime.messages for select to authenticated
				using (topic = 'inbox:' || (select auth.uid())::text);`);
		server = await startRealtimeServer(testDb.db);
	}, 60_000);

	afterEach(() => {
		for (const c of clients) c.close();
		clients = [];
	});

	afterAll(async () => {
		await server?.close();
		await testDb?.close();
	});

	async function connect(vsn = '2.0.0') {
		const c = await RawClient.connect(server.url, { apikey: LOCAL_PUBLISHABLE_KEY, vsn });
		clients.push(c);
		return c;
	}

	async function join(
		c: RawClient,
		topic: string,
		config: Record<string, unknown>,
		token?: string
	) {
		const ref = c.ref();
		const from = c.frames.length;
		const payload = {
			config: { private: true, ...config },
			...(token ? { access_token: token } : {})
		};
		c.send(
			c.ws.url.includes('vsn=1.0.0')
				? { join_ref: ref, ref, topic, event: 'phx_join', payload }
				: [ref, ref, topic, 'phx_join', payload]
		);
		const reply = await c.next(
			(f) =>
				(Array.isArray(f.text) && f.text[1] === ref && f.text[3] === 'phx_reply') ||
				(!!f.text && !Array.isArray(f.text) && f.text.ref === ref && f.text.event === 'phx_reply'),
			`join reply ${topic}`,
			from
		);
		return {
			ref,
			reply: (Array.isArray(reply)
				? reply[4]
				: (reply as unknown as { payload: Reply[4] }).payload) as Reply[4]
		};
	}

	const send = (topic: string, event: string, payload: unknown, isPrivate = true) =>
		testDb.db.query('select realtime.send($1::jsonb, $2, $3, $4)', [
			JSON.stringify(payload),
			event,
			topic,
			isPrivate
		]);

	it('sends database messages as kind 4 with their id, and as vsn 1 JSON with meta', async () => {
		const v2 = await connect();
		const v1 = await connect('1.0.0');
		expect((await join(v2, 'realtime:room:1', {})).reply.status).toBe('ok');
		expect((await join(v1, 'realtime:room:1', {})).reply.status).toBe('ok');
		const publicOnly = await connect();
		const { reply } = await join(publicOnly, 'realtime:room:1', { private: false });
		expect(reply.status).toBe('ok');

		await send('room:1', 'public-one', { n: 0 }, false);
		await send('room:1', 'seat', { n: 1 });
		const frame = await v2.next((f) => !!f.binary, 'kind 4');
		const m = decodeKind4(frame as unknown as Buffer);
		expect(m).toMatchObject({ topic: 'realtime:room:1', event: 'seat', encoding: 1 });
		expect(m.payload).toEqual({ n: 1, id: m.meta.id });
		const text = await v1.next(
			(f) => !!f.text && (f.text as { event?: string }).event === 'broadcast',
			'vsn 1 broadcast'
		);
		expect(text).toEqual({
			join_ref: null,
			ref: null,
			topic: 'realtime:room:1',
			event: 'broadcast',
			payload: {
				type: 'broadcast',
				event: 'seat',
				payload: { n: 1, id: m.meta.id },
				meta: { id: m.meta.id }
			}
		});
		// the private message reached no public channel, the public one no private channel
		const pub = await publicOnly.next((f) => !!f.binary, 'public message');
		expect(decodeKind4(pub as unknown as Buffer).event).toBe('public-one');
		expect(publicOnly.frames.filter((f) => f.binary)).toHaveLength(1);
		expect(v2.frames.filter((f) => f.binary)).toHaveLength(1);
	});

	it('lets clients broadcast only where the INSERT policy allows, checked at join', async () => {
		const user = userToken(crypto.randomUUID());
		const [a, b] = [await connect(), await connect()];
		for (const topic of ['realtime:room:open', 'realtime:room:closed']) {
			expect((await join(a, topic, { broadcast: { ack: true } }, user)).reply.status).toBe('ok');
			expect((await join(b, topic, {}, user)).reply.status).toBe('ok');
		}
		const [joinRef] = a.frames.find(
			(f) => Array.isArray(f.text) && f.text[2] === 'realtime:room:open'
		)!.text as string[];
		const closedRef = (
			a.frames.find((f) => Array.isArray(f.text) && f.text[2] === 'realtime:room:closed')!
				.text as string[]
		)[0];
		a.send(encodeUserBroadcastPush(closedRef, a.ref(), 'realtime:room:closed', 'hi', '{"x":0}'));
		const ok = a.ref();
		a.send(encodeUserBroadcastPush(joinRef, ok, 'realtime:room:open', 'hi', '{"x":1}'));
		await a.next((f) => Array.isArray(f.text) && f.text[1] === ok, 'ack of the allowed broadcast');
		const got = decodeKind4(
			(await b.next((f) => !!f.binary, 'broadcast at b')) as unknown as Buffer
		);
		expect(got).toMatchObject({ topic: 'realtime:room:open', payload: { x: 1 } });
		expect(b.frames.filter((f) => f.binary)).toHaveLength(1);
		// the refused one got no reply (Realtime drops it silently, even with ack)
		expect(a.frames.filter((f) => Array.isArray(f.text) && f.text[3] === 'phx_reply')).toHaveLength(
			3
		);

		// REST: private messages are checked the same way; the secret key bypasses RLS
		const post = (key: string, auth: string) =>
			fetch(`${server.url}/realtime/v1/api/broadcast`, {
				method: 'POST',
				headers: {
					apikey: key,
					authorization: `Bearer ${auth}`,
					'content-type': 'application/json'
				},
				body: JSON.stringify({
					messages: [
						{
							topic: 'room:closed',
							event: 'rest',
							payload: { by: auth === user ? 'user' : 'service' },
							private: true
						}
					]
				})
			});
		expect((await post(LOCAL_PUBLISHABLE_KEY, user)).status).toBe(202);
		expect((await post(LOCAL_SECRET_KEY, LOCAL_SECRET_KEY)).status).toBe(202);
		const rest = decodeKind4(
			(await b.next(
				(f) => !!f.binary && f.binary.includes('rest'),
				'REST broadcast'
			)) as unknown as Buffer
		);
		expect(rest.payload).toEqual({ by: 'service' });
	});

	it('replays at most 25, oldest first, only on private channels', async () => {
		const since = Date.now() - 1000;
		for (let i = 0; i < 30; i++) await send('room:replay', 'r', { i });
		const c = await connect();
		const { reply } = await join(c, 'realtime:room:replay', {
			broadcast: { replay: { since, limit: 100 } }
		});
		expect(reply.status).toBe('ok');
		const replayed = () =>
			c.frames
				.filter((f) => Array.isArray(f.text) && f.text[3] === 'broadcast')
				.map(
					(f) =>
						(f.text as Reply)[4] as unknown as {
							payload: { i: number };
							meta: { replayed: boolean };
						}
				);
		await c.next(() => replayed().length === 25, '25 replayed');
		expect(replayed().map((m) => m.payload.i)).toEqual(Array.from({ length: 25 }, (_, i) => i + 5));
		expect(replayed().every((m) => m.meta.replayed === true)).toBe(true);

		const pub = await connect();
		expect(
			(
				await join(pub, 'realtime:room:replay', {
					private: false,
					broadcast: { replay: { since } }
				})
			).reply
		).toEqual({
			status: 'error',
			response: { reason: 'UnableToReplayMessages: Replay is not allowed for public channels' }
		});
		expect(
			(await join(pub, 'realtime:room:x', { broadcast: { replay: { since: 1, limit: 2.5 } } }))
				.reply
		).toEqual({
			status: 'error',
			response: { reason: 'UnableToReplayMessages: Replay params are not valid' }
		});
	});
	it('authorises a private channel again when supabase-js refreshes its token', async () => {
		const uid = crypto.randomUUID();
		let token = userToken(uid, { expiresIn: 60 });
		const c = createClient(server.url, LOCAL_PUBLISHABLE_KEY, {
			auth: { persistSession: false },
			accessToken: async () => token
		});
		const got: string[] = [];
		const statuses: string[] = [];
		const system: string[] = [];
		const open = (topic: string): RealtimeChannel =>
			c
				.channel(topic, { config: { private: true } })
				.on('broadcast', { event: '*' }, (m) => got.push(`${topic} ${m.event}`))
				.on('system', {}, (m: { status?: string; message?: string }) => {
					if (m.status === 'error') system.push(`${topic}: ${m.message}`);
				})
				.subscribe((s) => statuses.push(`${topic} ${s}`));
		try {
			await c.realtime.setAuth();
			const inbox = open(`inbox:${uid}`);
			const room = open('room:refresh');
			await waitFor(() => statuses.length === 2, 'both joined');
			expect(statuses.sort()).toEqual([`inbox:${uid} SUBSCRIBED`, 'room:refresh SUBSCRIBED']);

			// A refreshed token of the same user: both stay joined and keep receiving.
			token = userToken(uid, { expiresIn: 120 });
			await c.realtime.setAuth();
			await send(`inbox:${uid}`, 'after-refresh', {});
			await send('room:refresh', 'after-refresh', {});
			await waitFor(() => got.length === 2, 'messages after the refresh');
			expect(got.sort()).toEqual([`inbox:${uid} after-refresh`, 'room:refresh after-refresh']);
			expect(statuses).toHaveLength(2);

			// The policies are asked again: another user's token may still read rooms, not this inbox.
			token = userToken(crypto.randomUUID());
			await c.realtime.setAuth();
			await waitFor(() => statuses.includes(`inbox:${uid} CLOSED`), 'the inbox closed');
			expect(system).toEqual([
				`inbox:${uid}: You no longer have permission to read from this Channel topic: inbox:${uid}`
			]);
			await send('room:refresh', 'other-user', {});
			await waitFor(() => got.includes('room:refresh other-user'), 'the room still joined');
			expect(room.state).toBe('joined');
			expect(inbox.state).toBe('closed');

			// An expired token, then a forged one, ends the channel.
			token = userToken(uid, { expiresIn: -30 });
			await c.realtime.setAuth();
			await waitFor(() => statuses.includes('room:refresh CLOSED'), 'the room closed');
			expect(system.at(-1)).toMatch(/^room:refresh: Token has expired \d+ seconds ago$/);
			token = userToken(uid);
			await c.realtime.setAuth();
			const again = open('room:forged');
			await waitFor(() => statuses.includes('room:forged SUBSCRIBED'), 'a new room joined');
			token = userToken(uid, { secret: 'x'.repeat(40) });
			await c.realtime.setAuth();
			await waitFor(() => statuses.includes('room:forged CLOSED'), 'the forged-token room closed');
			expect(system.at(-1)).toBe('room:forged: The token provided is not a valid JWT');
			expect(again.state).toBe('closed');
		} finally {
			await c.removeAllChannels();
		}
	});
});
