/**
 * A subscriber process for the fan-out workload: `count` clients, each with its own connection, all
 * watching one event. Receive times are taken here, where the messages land, and only summaries
 * (a mergeable histogram, counts) go back to the parent.
 *
 *   supabase: each client is a supabase-js client with its own anonymous session following the
 *             event by one of two paths: 'broadcast', the app's, a private channel `event:<id>`
 *             (joined by the RLS policies on realtime.messages) receiving the database's
 *             messages; or 'postgres_changes' on bookings of the event (so the server checks RLS
 *             as that user for every change). Receipts are keyed (message id; booking id and
 *             status) and timed at the end against the commit instants the database logged
 *             (fanout.ts, messageLog).
 *             client 'phoenix' (postgres_changes only; latency = receipt − the booking's
 *             created_at) replaces supabase-js by the least a client must do, to show what the
 *             server alone sustains when supabase-js's own per-message cost would saturate this
 *             machine: the same anonymous sign-in (its own session and JWT), its own WebSocket (`ws`),
 *             the same vsn 2.0.0 join as realtime-js sends, heartbeats; every frame is JSON-parsed
 *             and a change counts only if it carries the binding id the join reply gave, for the
 *             watched event. It skips realtime-js's dispatch and column-type conversion.
 *             client 'phoenix-scan' is the same client checking change frames on their bytes
 *             instead of JSON-parsing them (`scanChange`): a measure of the server, not of a client.
 *   seed:     each client is a socket.io client of the baseline server, which sends the full seat
 *             array on every change; a client diffs it against the previous one to see what changed;
 *             latency = receipt − the time the baseline server changed the seat.
 */
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { LOCAL_ANON_KEY as ANON_KEY } from '../../backend/src/keys.ts';
import { newClient, pool, type Client } from './clients.ts';
import { Histogram, nowMs, timestamptzMs } from './stats.ts';

type Mode = 'supabase' | 'seed';
export type SubscriberClient = 'supabase-js' | 'phoenix' | 'phoenix-scan';
interface Setup {
	id: number;
	kind: 'setup';
	mode: Mode;
	client: SubscriberClient;
	path: Path;
	url: string;
	count: number;
	eventId: number;
}
type Msg =
	| Setup
	| { id: number; kind: 'progress' }
	| { id: number; kind: 'collect'; commits?: [number, number][]; keyed?: [string, number][] }
	| { id: number; kind: 'stop' };

let histogram = new Histogram();
let counts = new Uint32Array(0);
let delivered = 0;
let peakRss = 0;
let cpuMark = process.cpuUsage();
/** Channel state changes after a subscriber was ready (a lost socket, a rejoin): what was seen. */
let incidents: Record<string, number> = {};
const incident = (what: string) => (incidents[what] = (incidents[what] ?? 0) + 1);
const clients: Client[] = [];
const sockets: Socket[] = [];
const phoenix: WebSocket[] = [];
// seed mode: (seat id × 1000 + the seat's change number, receipt time) pairs, resolved against
// commit times at the end
let seen = { seat: new Float64Array(1 << 16), at: new Float64Array(1 << 16), n: 0 };

setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250).unref();

/** Every subscriber of this process gets the same created_at: parse each text once (bench cost, not the client's). */
const commitTimes = new Map<string, number>();
function commitMs(createdAt: string): number {
	let ms = commitTimes.get(createdAt);
	if (ms === undefined) {
		if (commitTimes.size > 10_000) commitTimes.clear();
		commitTimes.set(createdAt, (ms = timestamptzMs(createdAt)));
	}
	return ms;
}

function remember(seat: number, at: number): void {
	if (seen.n === seen.seat.length) {
		const grow = (a: Float64Array) => {
			const b = new Float64Array(a.length * 2);
			b.set(a);
			return b;
		};
		seen = { seat: grow(seen.seat), at: grow(seen.at), n: seen.n };
	}
	seen.seat[seen.n] = seat;
	seen.at[seen.n++] = at;
}

/**
 * Receipts of the supabase-js clients, resolved against commit times at the end of a phase: by
 * message id on the broadcast path, by booking id and status on the postgres_changes path. Every
 * subscriber of this process receives the same changes, so each key is interned once.
 */
const keyIndex = new Map<string, number>();
const keyNames: string[] = [];
let keyed = { key: new Uint32Array(1 << 16), at: new Float64Array(1 << 16), n: 0 };

function receipt(key: string, at: number): void {
	let k = keyIndex.get(key);
	if (k === undefined) {
		keyIndex.set(key, (k = keyNames.length));
		keyNames.push(key);
	}
	if (keyed.n === keyed.key.length) {
		const key2 = new Uint32Array(keyed.key.length * 2);
		const at2 = new Float64Array(keyed.at.length * 2);
		key2.set(keyed.key);
		at2.set(keyed.at);
		keyed = { key: key2, at: at2, n: keyed.n };
	}
	keyed.key[keyed.n] = k;
	keyed.at[keyed.n++] = at;
}

/** What a viewer of an event subscribes to: the app's broadcast topic, or postgres_changes on bookings. */
export type Path = 'broadcast' | 'postgres_changes';

async function subscribeSupabase(url: string, i: number, eventId: number, path: Path) {
	const client = newClient(url);
	const { error } = await client.auth.signInAnonymously();
	if (error) throw new Error(`sign-in: ${error.message}`);
	clients.push(client);
	let ready = false;
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('subscription not confirmed in 60 s')), 60_000);
		const channel =
			path === 'broadcast'
				? client
						.channel(`event:${eventId}`, { config: { private: true } })
						.on('broadcast', { event: '*' }, (message) => {
							const at = nowMs();
							const id = (message.payload as { id?: string }).id;
							if (!id) return incident('broadcast without an id');
							receipt(id, at);
							counts[i]++;
							delivered++;
						})
				: client
						.channel(`event-${eventId}`)
						.on(
							'postgres_changes',
							{ event: '*', schema: 'public', table: 'bookings', filter: `event_id=eq.${eventId}` },
							(payload) => {
								const at = nowMs();
								const record = payload.new as { id?: number; status?: string };
								if (record.id === undefined) return incident('change without a row');
								receipt(`${record.id}:${record.status}`, at);
								counts[i]++;
								delivered++;
							}
						)
						// The server confirms the database subscription after SUBSCRIBED; only then is a
						// change committed afterwards guaranteed to arrive.
						.on('system', {}, (p: { extension?: string; status?: string; message?: string }) => {
							if (p.extension !== 'postgres_changes') return;
							if (ready) return incident(`system ${p.status}`);
							clearTimeout(timer);
							ready = p.status === 'ok';
							if (p.status === 'ok') resolve();
							else reject(new Error(`postgres_changes: ${p.message}`));
						});
		channel.subscribe((status, err) => {
			if (ready) return incident(status);
			// A broadcast topic flows from the join reply on.
			if (status === 'SUBSCRIBED' && path === 'broadcast') {
				clearTimeout(timer);
				ready = true;
				resolve();
			} else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
				clearTimeout(timer);
				reject(new Error(`channel ${status} ${err?.message ?? ''}`));
			}
		});
	});
}

const HEARTBEAT_MS = 25_000;

/**
 * phoenix-scan: a change frame is checked on its bytes instead of being JSON-parsed — it must be a
 * postgres_changes frame of this topic naming this client's binding id, an INSERT of a booking of
 * the watched event — and created_at is read out of it. Relies on the server writing compact JSON.
 * Returns undefined for any other frame (which is then parsed).
 */
function scanChange(data: Buffer, p: ScanPatterns, bindingId: string) {
	const { head } = p;
	if (data.length < head.length || data.compare(head, 0, head.length, 0, head.length) !== 0) return;
	const idsEnd = data.indexOf(0x5d /* ] */, head.length);
	const ids = data.toString('latin1', head.length, idsEnd).split(',');
	const record = data.indexOf(p.record, idsEnd);
	const at = data.indexOf(p.createdAt, record);
	const ok =
		ids.includes(bindingId) &&
		data.indexOf(p.insert, idsEnd) > 0 &&
		record > 0 &&
		data.indexOf(p.eventId, record) > 0 &&
		at > 0;
	const from = at + p.createdAt.length;
	return ok ? data.toString('latin1', from, data.indexOf(0x22 /* " */, from)) : '';
}

interface ScanPatterns {
	head: Buffer;
	record: Buffer;
	createdAt: Buffer;
	insert: Buffer;
	eventId: Buffer;
}

const scanPatterns = (topic: string, eventId: number): ScanPatterns => ({
	head: Buffer.from(`[null,null,${JSON.stringify(topic)},"postgres_changes",{"ids":[`),
	record: Buffer.from('"record":{'),
	createdAt: Buffer.from('"created_at":"'),
	insert: Buffer.from('"type":"INSERT"'),
	eventId: Buffer.from(`"event_id":${eventId},`)
});

async function subscribePhoenix(
	url: string,
	i: number,
	eventId: number,
	scan: boolean
): Promise<void> {
	const res = await fetch(`${url}/auth/v1/signup`, {
		method: 'POST',
		headers: {
			apikey: ANON_KEY,
			authorization: `Bearer ${ANON_KEY}`,
			'content-type': 'application/json;charset=UTF-8'
		},
		body: JSON.stringify({ data: {}, gotrue_meta_security: {} })
	});
	const session = (await res.json()) as { access_token?: string; msg?: string };
	if (!res.ok || !session.access_token) throw new Error(`sign-in: ${res.status} ${session.msg}`);
	const ws = new WebSocket(
		`${url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${ANON_KEY}&vsn=2.0.0`
	);
	phoenix.push(ws);
	const topic = `realtime:event-${eventId}`;
	const params = {
		event: '*',
		schema: 'public',
		table: 'bookings',
		filter: `event_id=eq.${eventId}`
	};
	let ref = 1;
	let bindingId: number | undefined;
	let ready = false;
	const patterns = scanPatterns(topic, eventId);
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('subscription not confirmed in 60 s')), 60_000);
		const fail = (why: string) => {
			if (ready) return incident(why);
			clearTimeout(timer);
			reject(new Error(why));
		};
		ws.on('error', (e) => fail(`socket error ${e.message}`));
		ws.on('close', (code) => fail(`socket closed ${code}`));
		ws.on('open', () => {
			const join = String(ref++);
			ws.send(
				JSON.stringify([
					join,
					join,
					topic,
					'phx_join',
					{
						config: {
							broadcast: { ack: false, self: false },
							presence: { key: '', enabled: false },
							postgres_changes: [params],
							private: false
						},
						access_token: session.access_token
					}
				])
			);
			const beat = setInterval(
				() => ws.send(JSON.stringify([null, String(ref++), 'phoenix', 'heartbeat', {}])),
				HEARTBEAT_MS
			);
			ws.on('close', () => clearInterval(beat));
		});
		ws.on('message', (data: Buffer, isBinary) => {
			const at = nowMs();
			if (isBinary) return;
			if (scan && ready) {
				const createdAt = scanChange(data, patterns, String(bindingId));
				if (createdAt) {
					histogram.record(at - commitMs(createdAt));
					counts[i]++;
					delivered++;
					return;
				}
				if (createdAt === '') return incident('change not for this subscriber');
			}
			const [, , t, event, payload] = JSON.parse(data.toString()) as [
				string | null,
				string | null,
				string,
				string,
				Record<string, unknown>
			];
			if (t !== topic) return;
			if (event === 'postgres_changes') {
				const { ids, data: change } = payload as {
					ids: number[];
					data: { type: string; record?: { event_id?: number; created_at?: string } };
				};
				const record = change.record;
				if (!ids.includes(bindingId!) || change.type !== 'INSERT' || !record?.created_at) return;
				if (record.event_id !== eventId) return incident('change of another event');
				histogram.record(at - commitMs(record.created_at));
				counts[i]++;
				delivered++;
			} else if (event === 'phx_reply' && bindingId === undefined) {
				const reply = payload as {
					status: string;
					response: { postgres_changes?: { id: number }[]; reason?: string };
				};
				if (reply.status !== 'ok') return fail(`join: ${reply.response.reason}`);
				bindingId = reply.response.postgres_changes?.[0]?.id;
			} else if (event === 'system' && payload.extension === 'postgres_changes') {
				if (ready) return incident(`system ${payload.status}`);
				if (payload.status !== 'ok') return fail(`postgres_changes: ${payload.message}`);
				ready = true;
				clearTimeout(timer);
				resolve();
			} else if (event === 'phx_close' || event === 'phx_error') fail(event);
		});
	});
}

const SEED_STATUS: Record<string, number> = { available: 0, locked: 1, booked: 2 };

/** A seed client: every array is diffed against the previous one; a changed seat is a change. */
async function subscribeSeed(url: string, i: number): Promise<void> {
	const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
	sockets.push(socket);
	let previous: Uint8Array | null = null;
	// the n-th change of each seat this client saw: the key its commit time is logged under
	let changes = new Uint16Array(0);
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('no seat array in 60 s')), 60_000);
		socket.on('connect_error', (e) => reject(e));
		socket.on('disconnect', (reason) => incident(`disconnect ${reason}`));
		socket.on('seats', (seats: { id: number; status: string }[]) => {
			const at = nowMs();
			const now = new Uint8Array(seats.length);
			for (let k = 0; k < seats.length; k++) now[k] = SEED_STATUS[seats[k].status] ?? 0;
			if (!previous) {
				previous = now;
				changes = new Uint16Array(seats.length);
				clearTimeout(timer);
				resolve();
				return;
			}
			for (let k = 0; k < seats.length; k++) {
				if (now[k] !== previous[k]) {
					remember(seats[k].id * 1000 + ++changes[k], at);
					counts[i]++;
					delivered++;
				}
			}
			previous = now;
		});
	});
}

async function setup(msg: Setup) {
	counts = new Uint32Array(msg.count);
	const start = nowMs();
	const failures: string[] = [];
	// Connections are opened a few at a time, as users arrive; not part of the measurement.
	await pool(Array.from({ length: msg.count }), msg.mode === 'supabase' ? 8 : 32, async (_, i) => {
		try {
			if (msg.mode === 'seed') await subscribeSeed(msg.url, i);
			else if (msg.client !== 'supabase-js')
				await subscribePhoenix(msg.url, i, msg.eventId, msg.client === 'phoenix-scan');
			else await subscribeSupabase(msg.url, i, msg.eventId, msg.path);
		} catch (e) {
			failures.push(e instanceof Error ? e.message : String(e));
		}
	});
	cpuMark = process.cpuUsage();
	return {
		ready: msg.count - failures.length,
		failures: failures.length,
		firstFailure: failures[0],
		setupMs: nowMs() - start,
		rss: process.memoryUsage().rss
	};
}

function collect(commits?: [number, number][], keys?: [string, number][]) {
	let unmatched = 0;
	if (keys) {
		const at = new Map(keys);
		for (let k = 0; k < keyed.n; k++) {
			const committed = at.get(keyNames[keyed.key[k]]);
			if (committed === undefined) unmatched++;
			else histogram.record(keyed.at[k] - committed);
		}
	}
	if (unmatched) incidents['receipts of no change of the phase'] = unmatched;
	if (commits) {
		const at = new Map(commits);
		for (let k = 0; k < seen.n; k++) {
			const committed = at.get(seen.seat[k]);
			if (committed !== undefined) histogram.record(seen.at[k] - committed);
		}
	}
	let min = Infinity;
	let max = 0;
	for (const c of counts) {
		min = Math.min(min, c);
		max = Math.max(max, c);
	}
	const result = {
		delivered,
		minPerSubscriber: counts.length ? min : 0,
		maxPerSubscriber: max,
		histogram: histogram.toJSON(),
		rss: process.memoryUsage().rss,
		peakRss: Math.max(peakRss, process.memoryUsage().rss),
		incidents,
		cpuMs: ((u) => (u.user + u.system) / 1000)(process.cpuUsage(cpuMark))
	};
	cpuMark = process.cpuUsage();
	incidents = {};
	// the next phase starts from zero
	histogram = new Histogram();
	counts.fill(0);
	delivered = 0;
	seen.n = 0;
	keyed.n = 0;
	keyIndex.clear();
	keyNames.length = 0;
	peakRss = 0;
	return result;
}

process.on('message', async (msg: Msg) => {
	try {
		let value: unknown = null;
		if (msg.kind === 'setup') value = await setup(msg);
		else if (msg.kind === 'progress')
			value = { delivered, rss: process.memoryUsage().rss, at: nowMs() };
		else if (msg.kind === 'collect') value = collect(msg.commits, msg.keyed);
		else if (msg.kind === 'stop') {
			for (const s of sockets) s.close();
			for (const ws of phoenix) ws.terminate();
			await Promise.all(clients.map((c) => c.removeAllChannels()));
			process.send!({ id: msg.id, ok: true, value: null });
			process.exit(0);
		}
		process.send!({ id: msg.id, ok: true, value });
	} catch (e) {
		process.send!({ id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) });
	}
});
process.send!({ kind: 'ready' });
