/**
 * A subscriber process for the fan-out workload: `count` clients, each with its own connection, all
 * watching one event. Receive times are taken here, where the messages land, and only summaries
 * (a mergeable histogram, counts) go back to the parent.
 *
 *   supabase: each client is a supabase-js client with its own anonymous session, subscribed to
 *             postgres_changes on bookings of the event (so the server checks RLS as that user);
 *             latency = receipt − the booking's created_at (stamped by the database in the
 *             inserting transaction).
 *   seed:     each client is a socket.io client of the baseline server, which sends the full seat
 *             array on every change; a client diffs it against the previous one to see what changed;
 *             latency = receipt − the time the baseline server changed the seat.
 */
import { io, type Socket } from 'socket.io-client';
import { newClient, pool, type Client } from './clients.ts';
import { Histogram, nowMs, timestamptzMs } from './stats.ts';

type Mode = 'supabase' | 'seed';
interface Setup {
	id: number;
	kind: 'setup';
	mode: Mode;
	url: string;
	count: number;
	eventId: number;
}
type Msg =
	| Setup
	| { id: number; kind: 'progress' }
	| { id: number; kind: 'collect'; commits?: [number, number][] }
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
// seed mode: (seat id, receipt time) pairs, resolved against commit times at the end
let seen = { seat: new Float64Array(1 << 16), at: new Float64Array(1 << 16), n: 0 };

setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250).unref();

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

async function subscribeSupabase(url: string, i: number, eventId: number): Promise<void> {
	const client = newClient(url);
	const { error } = await client.auth.signInAnonymously();
	if (error) throw new Error(`sign-in: ${error.message}`);
	clients.push(client);
	let ready = false;
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('subscription not confirmed in 60 s')), 60_000);
		client
			.channel(`event-${eventId}`)
			.on(
				'postgres_changes',
				{ event: '*', schema: 'public', table: 'bookings', filter: `event_id=eq.${eventId}` },
				(payload) => {
					const at = nowMs();
					const record = payload.new as { created_at?: string };
					if (payload.eventType !== 'INSERT' || !record.created_at) return;
					histogram.record(at - timestamptzMs(record.created_at));
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
			})
			.subscribe((status, err) => {
				if (ready) return incident(status);
				if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
					clearTimeout(timer);
					reject(new Error(`channel ${status} ${err?.message ?? ''}`));
				}
			});
	});
}

async function subscribeSeed(url: string, i: number): Promise<void> {
	const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
	sockets.push(socket);
	let previous: Uint8Array | null = null;
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('no seat array in 60 s')), 60_000);
		socket.on('connect_error', (e) => reject(e));
		socket.on('disconnect', (reason) => incident(`disconnect ${reason}`));
		socket.on('seats', (seats: { id: number; status: string }[]) => {
			const at = nowMs();
			const now = new Uint8Array(seats.length);
			for (let k = 0; k < seats.length; k++) now[k] = seats[k].status === 'booked' ? 1 : 0;
			if (!previous) {
				previous = now;
				clearTimeout(timer);
				resolve();
				return;
			}
			for (let k = 0; k < seats.length; k++) {
				if (now[k] && !previous[k]) {
					remember(seats[k].id, at);
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
			if (msg.mode === 'supabase') await subscribeSupabase(msg.url, i, msg.eventId);
			else await subscribeSeed(msg.url, i);
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

function collect(commits?: [number, number][]) {
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
	peakRss = 0;
	return result;
}

process.on('message', async (msg: Msg) => {
	try {
		let value: unknown = null;
		if (msg.kind === 'setup') value = await setup(msg);
		else if (msg.kind === 'progress')
			value = { delivered, rss: process.memoryUsage().rss, at: nowMs() };
		else if (msg.kind === 'collect') value = collect(msg.commits);
		else if (msg.kind === 'stop') {
			for (const s of sockets) s.close();
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
