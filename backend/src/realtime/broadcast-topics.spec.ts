/**
 * Broadcast from Database on private channels, end to end: the real supabase-js against the whole
 * back end (auth, REST, realtime) on the project's migrations, on PostgreSQL 15 and on PGlite. The
 * topics and policies are the app's (supabase/migrations/20261202120000_realtime_broadcast.sql):
 * event:<id> for everyone, user:<id> for its owner, events for the list, written only by the
 * database.
 */
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createBackend, type Backend } from '../backend.ts';
import { ENGINES, openTestDb, type TestDb } from '../../test-support/databases.ts';
import { RawClient, userToken, waitFor } from '../../test-support/realtime.ts';
import { LOCAL_JWT_SECRET } from '../keys.ts';
import { serve, type Served } from '../node.ts';
import { signJwt } from '../jwt.ts';

type Broadcast = {
	type: string;
	event: string;
	payload: Record<string, unknown>;
	meta?: { id: string; replayed?: boolean };
};
type Change = {
	id: number;
	seat_id: number;
	user_id?: string;
	status: string;
	expires_at: string | null;
	version: number;
};

const cannotRead = (topic: string) =>
	`Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`;

describe.each(ENGINES)('Broadcast from Database on %s', (engine) => {
	let t: TestDb;
	let backend: Backend;
	let served: Served;
	let eventId: number;
	let seats: number[];
	let clients: SupabaseClient[] = [];

	beforeAll(async () => {
		t = await openTestDb(engine, { seed: false });
		const { rows } = await t.db.query<{ id: number }>(
			`select public.create_venue_event('rt', 'RT', 'Hall', now() + interval '1 day',
				'[{"name": "A", "rows": 4, "seats": 10, "price_cents": 100}]') as id`
		);
		eventId = Number(rows[0].id);
		seats = (
			await t.db.query<{ id: number }>(
				'select id from public.seats where event_id = $1 order by id',
				[eventId]
			)
		).rows.map((r) => Number(r.id));
		await t.db.exec(
			'create table public.rt_counter (n int not null); insert into public.rt_counter values (0);'
		);
		backend = createBackend({ db: t.db });
		served = await serve(backend, { port: 0 });
		await backend.ready;
	}, 60_000);

	afterEach(async () => {
		for (const c of clients) {
			await c.removeAllChannels();
			await c.realtime.disconnect();
		}
		clients = [];
	});

	afterAll(async () => {
		await served?.close(2000);
		await t?.close();
	});

	function client(): SupabaseClient {
		const c = createClient(served.url, backend.keys.publishableKey, {
			auth: { persistSession: false, autoRefreshToken: false }
		});
		clients.push(c);
		return c;
	}

	async function signedIn(): Promise<{ c: SupabaseClient; uid: string }> {
		const c = client();
		const { data, error } = await c.auth.signInAnonymously({
			options: { data: { display_name: 'viewer' } }
		});
		expect(error).toBeNull();
		await c.realtime.setAuth(data.session!.access_token);
		return { c, uid: data.user!.id };
	}

	interface Listener {
		channel: RealtimeChannel;
		got: Broadcast[];
		status: () => string;
		error: () => string | undefined;
	}

	function listen(
		c: SupabaseClient,
		topic: string,
		config: Record<string, unknown> = {}
	): Listener {
		const got: Broadcast[] = [];
		let status = '';
		let error: string | undefined;
		const channel = c
			.channel(topic, { config: { private: true, ...config } })
			.on('broadcast', { event: '*' }, (m) => got.push(m as Broadcast));
		channel.subscribe((s, e) => {
			status = s;
			if (e) error = e.message;
		});
		return { channel, got, status: () => status, error: () => error };
	}

	async function joined(l: Listener): Promise<Listener> {
		await waitFor(() => l.status() === 'SUBSCRIBED' || l.error(), `${l.channel.topic} joined`);
		expect(l.error()).toBeUndefined();
		return l;
	}

	async function refused(l: Listener): Promise<string> {
		const reason = await waitFor(() => l.error(), `${l.channel.topic} refused`);
		await l.channel.unsubscribe();
		return reason;
	}

	/** A change by the database that every event:<id> viewer receives, to wait on. */
	async function marker(): Promise<string> {
		const { rows } = await t.db.query<{ id: string }>(`select gen_random_uuid()::text as id`);
		await t.db.query(`select realtime.send($1::jsonb, 'marker', $2, true)`, [
			JSON.stringify({ marker: rows[0].id }),
			`event:${eventId}`
		]);
		return rows[0].id;
	}
	const sawMarker = (l: Listener, id: string) =>
		l.got.some((m) => m.event === 'marker' && m.payload.marker === id);

	it('lets anyone read event:<id>; a multi-seat hold reaches others once, as one message', async () => {
		const anon = await joined(listen(client(), `event:${eventId}`));
		const { c: ann, uid } = await signedIn();
		const mine = await joined(listen(ann, `user:${uid}`));
		const lists = await joined(listen(client(), 'events'));

		const held = await ann
			.from('bookings')
			.insert(seats.slice(0, 4).map((seat_id) => ({ event_id: eventId, seat_id, status: 'held' })))
			.select('id, seat_id, status, expires_at');
		expect(held.error).toBeNull();
		const ids = held.data!.map((b) => b.id);
		const confirmed = await ann
			.from('bookings')
			.update({ status: 'booked' })
			.in('id', ids)
			.select('id');
		expect(confirmed.error).toBeNull();

		await waitFor(() => anon.got.length >= 2, 'hold and confirmation at the viewer');
		const id = await marker();
		await waitFor(() => sawMarker(anon, id), 'marker');
		const seen = anon.got.filter((m) => m.event !== 'marker');
		expect(seen.map((m) => m.event)).toEqual(['INSERT', 'UPDATE']);
		const [hold, confirm] = seen.map((m) => m.payload.changes as Change[]);
		expect(hold.map((c) => c.seat_id)).toEqual(seats.slice(0, 4));
		expect(hold.every((c) => c.status === 'held' && c.user_id === uid && c.expires_at)).toBe(true);
		expect(hold.map((c) => c.version)).toEqual(ids.map((i) => i * 3));
		expect(confirm.map((c) => [c.status, c.version, c.expires_at])).toEqual(
			ids.map((i) => ['booked', i * 3 + 1, null])
		);
		// hosted's shape: meta carries the message id, which realtime.send also put in the payload
		expect(seen.every((m) => m.type === 'broadcast' && m.meta?.id === m.payload.id)).toBe(true);

		// The person's topic also hears of the order the confirmation made.
		await waitFor(() => mine.got.length === 3 && lists.got.length === 2, 'user and events topics');
		expect(mine.got.map((m) => m.event)).toEqual(['INSERT', 'UPDATE', 'order']);
		expect((mine.got[0].payload.changes as Change[]).map((c) => c.seat_id)).toEqual(
			seats.slice(0, 4)
		);
		expect(mine.got[2].payload.orders).toEqual([
			expect.objectContaining({ event_id: eventId, status: 'active', seats: 4 })
		]);
		expect(lists.got.map((m) => m.payload.events)).toEqual([
			[{ event_id: eventId, booked: 0, held: 4, next_lapse: hold[0].expires_at }],
			[{ event_id: eventId, booked: 4, held: -4, next_lapse: null }]
		]);
		await ann.from('bookings').update({ status: 'released' }).in('id', ids);
	});

	it("refuses anyone's user:<id> but the owner's, with Realtime's words", async () => {
		const { uid: annId } = await signedIn();
		const { c: bob } = await signedIn();
		expect(await refused(listen(bob, `user:${annId}`))).toBe(cannotRead(`user:${annId}`));
		expect(await refused(listen(client(), `user:${annId}`))).toBe(cannotRead(`user:${annId}`));
		// a topic no policy mentions
		expect(await refused(listen(client(), 'somewhere'))).toBe(cannotRead('somewhere'));
	});

	it("delivers no client's broadcast on event:<id>, and takes presence from viewers", async () => {
		const sender = listen(client(), `event:${eventId}`, {
			broadcast: { self: true },
			presence: { key: 'anon-viewer' }
		});
		const { c: ann } = await signedIn();
		const other = listen(ann, `event:${eventId}`, { presence: { key: 'ann' } });
		await joined(sender);
		await joined(other);
		await sender.channel.send({ type: 'broadcast', event: 'INSERT', payload: { changes: [] } });
		expect(await sender.channel.track({ at: 1 })).toBe('ok');
		expect(await other.channel.track({ at: 2 })).toBe('ok');
		await waitFor(
			() => Object.keys(sender.channel.presenceState()).length === 2,
			'two viewers present'
		);
		expect(Object.keys(other.channel.presenceState()).sort()).toEqual(['ann', 'anon-viewer']);
		const id = await marker();
		await waitFor(() => sawMarker(other, id) && sawMarker(sender, id), 'marker at both');
		expect([...sender.got, ...other.got].filter((m) => m.event !== 'marker')).toEqual([]);
	});

	it('refuses forged, expired and non-API tokens at join', async () => {
		const forged = createClient(served.url, backend.keys.publishableKey, {
			auth: { persistSession: false },
			accessToken: async () => userToken(crypto.randomUUID(), { secret: 'x'.repeat(40) })
		});
		const expired = createClient(served.url, backend.keys.publishableKey, {
			auth: { persistSession: false },
			accessToken: async () => userToken(crypto.randomUUID(), { expiresIn: -60 })
		});
		clients.push(forged, expired);
		await forged.realtime.setAuth();
		await expired.realtime.setAuth();
		expect(await refused(listen(forged, `event:${eventId}`))).toBe(
			'InvalidJWTToken: The token provided is not a valid JWT'
		);
		expect(await refused(listen(expired, `event:${eventId}`))).toMatch(
			/^InvalidJWTToken: Token has expired \d+ seconds ago$/
		);
	});

	it('sends nothing for a rolled-back booking, and everything, in commit order, under load', async () => {
		const viewer = await joined(listen(client(), `event:${eventId}`));
		const { c: ann, uid } = await signedIn();
		await t.db
			.transaction(async (tx) => {
				await tx.query(
					`insert into public.bookings (event_id, seat_id, user_id, status) values ($1, $2, $3, 'held')`,
					[eventId, seats[10], uid]
				);
				throw new Error('roll back');
			})
			.catch(() => {});
		// Each transaction takes the counter's row lock and keeps it to its commit, so n is the commit order.
		const n = 40;
		await Promise.all(
			Array.from({ length: n }, () =>
				t.db.transaction(async (tx) => {
					const { rows } = await tx.query<{ n: number }>(
						'update public.rt_counter set n = n + 1 returning n'
					);
					await tx.query(`select realtime.send($1::jsonb, 'tick', $2, true)`, [
						JSON.stringify({ n: rows[0].n }),
						`event:${eventId}`
					]);
				})
			)
		);
		const ticks = () => viewer.got.filter((m) => m.event === 'tick');
		await waitFor(() => ticks().length >= n, `${n} ticks`);
		const id = await marker();
		await waitFor(() => sawMarker(viewer, id), 'marker');
		const first = Number(ticks()[0].payload.n);
		expect(ticks().map((m) => m.payload.n)).toEqual(Array.from({ length: n }, (_, i) => first + i));
		expect(viewer.got.filter((m) => m.event === 'INSERT')).toEqual([]);
		void ann;
	});

	it('replays what a short disconnect missed, and refuses bad replay values', async () => {
		const { c: ann, uid } = await signedIn();
		const before = await joined(listen(client(), `event:${eventId}`));
		const seat = seats[20];
		const held = await ann
			.from('bookings')
			.insert({ event_id: eventId, seat_id: seat, status: 'held' })
			.select('id');
		await waitFor(() => before.got.length === 1, 'the hold, live');
		const lastSeen = Date.now();
		await before.channel.unsubscribe();
		// while away: confirmed, then released
		const id = held.data![0].id;
		await ann.from('bookings').update({ status: 'booked' }).eq('id', id);
		await ann.from('bookings').update({ status: 'released' }).eq('id', id);

		// the transaction's start time stamps a message, so look back a little
		const back = await joined(
			listen(client(), `event:${eventId}`, {
				broadcast: { replay: { since: lastSeen - 1000, limit: 25 } }
			})
		);
		await waitFor(() => back.got.filter((m) => m.meta?.replayed).length >= 2, 'replayed');
		const replayed = back.got.filter((m) => m.meta?.replayed);
		const versions = replayed.flatMap((m) =>
			((m.payload.changes ?? []) as Change[])
				.filter((c) => c.seat_id === seat)
				.map((c) => c.version)
		);
		expect(versions).toContain(id * 3 + 1);
		expect(versions).toContain(id * 3 + 2);
		const ids = replayed.map((m) => m.meta!.id);
		expect(new Set(ids).size).toBe(ids.length);
		// replayed once: live delivery skips what the replay carried
		const mark = await marker();
		await waitFor(() => sawMarker(back, mark), 'marker');
		expect(back.got.filter((m) => ids.includes(m.meta!.id)).length).toBe(ids.length);

		expect(
			await refused(
				listen(client(), `event:${eventId}`, { broadcast: { replay: { since: 'yesterday' } } })
			)
		).toBe('UnableToReplayMessages: Replay params are not valid');
		expect(
			await refused(listen(client(), `user:${uid}`, { broadcast: { replay: { since: 0 } } }))
		).toBe(cannotRead(`user:${uid}`));
	});

	it('accepts only API roles, at connect and at join', async () => {
		for (const role of ['postgres', 'supabase_admin', 'authenticator']) {
			const token = signJwt(
				{ role, exp: Math.floor(Date.now() / 1000) + 600, iat: Math.floor(Date.now() / 1000) },
				LOCAL_JWT_SECRET
			);
			const url = `${served.url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${token}&vsn=2.0.0`;
			const status = await new Promise<number>((resolve) => {
				const ws = new WebSocket(url);
				ws.on('open', () => resolve(101));
				ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
				ws.on('error', () => {});
			});
			expect(status, role).toBe(401);

			const c = await RawClient.connect(served.url, {
				apikey: backend.keys.publishableKey,
				vsn: '2.0.0'
			});
			const ref = c.ref();
			c.send([ref, ref, 'realtime:room', 'phx_join', { config: {}, access_token: token }]);
			const reply = (await c.event('realtime:room', 'phx_reply')) as [
				string,
				string,
				string,
				string,
				{ status: string; response: { reason: string } }
			];
			expect(reply[4]).toEqual({
				status: 'error',
				response: { reason: `Unauthorized: permission denied to set role "${role}"` }
			});
			c.close();
		}
	});
});
