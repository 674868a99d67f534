import { readdirSync, readFileSync } from 'node:fs';
import { io } from 'socket.io-client';
import { Child } from './child.ts';
import { book } from './booking.ts';
import type { SubscriberClient } from './fanout-subscriber.ts';
import type { SignedIn } from './clients.ts';
import type { BenchServer } from './server.ts';
import { Histogram, nowMs, type HistogramData, type Summary } from './stats.ts';
import { createEvent } from './venue.ts';

export type System = 'supabase' | 'seed';

export interface FanoutOptions {
	subscribers: number;
	rates: number[];
	seconds: number;
	/** Seats of the watched event (the seed broadcasts all of them on every change). */
	seats: number;
	/** How long to wait for late deliveries after the last booking. */
	drainMs: number;
	/** Stop feeding a system whose process grows past this (the seed's buffers can explode). */
	maxRssBytes: number;
	/** Write V8 CPU profiles of the subscriber processes here. */
	profileDir?: string;
	/** What each of our subscribers runs (the seed's are always socket.io clients). */
	client?: SubscriberClient;
}

export interface FanoutPhase {
	system: System;
	client: SubscriberClient | 'socket.io';
	subscribers: number;
	rate: number;
	seconds: number;
	committed: number;
	expected: number;
	delivered: number;
	/** delivered / expected */
	deliveredRatio: number;
	minPerSubscriber: number;
	latency: Summary;
	/**
	 * Bookings committed per second, first request to last answer: below `rate` when the server
	 * could not keep up (latency is counted from each booking's own transaction, so a server that
	 * queues bookings looks faster at fan-out than it is).
	 */
	achievedRate: number;
	/** Phase start to the end of the drain. */
	wallMs: number;
	/** How far behind schedule the booker fired at worst (the load generator's own lag). */
	bookerLagMs: number;
	/** Time from the last booking until everything arrived (or the drain gave up). */
	drainMs: number;
	serverCpuMs: number;
	/** CPU of the PostgreSQL backends of the bench database (0 on PGlite: it is in the server). */
	postgresCpuMs: number;
	serverPeakRss: number;
	subscriberPeakRss: number;
	/** CPU of all subscriber processes during the phase: what the clients cost on this machine. */
	subscriberCpuMs: number;
	/** Channel state changes seen by subscribers during the phase (e.g. CHANNEL_ERROR, a rejoin). */
	incidents: Record<string, number>;
	/** Bookings that failed, by status/code, and the slowest booking request. */
	bookingFailures: Record<string, number>;
	slowestBookingMs: number;
	aborted?: string;
}

export interface FanoutResult {
	system: System;
	subscribers: number;
	ready: number;
	setupMs: number;
	phases: FanoutPhase[];
	errors: string[];
}

/** What the fan-out needs from a system under test. */
interface Target {
	system: System;
	url: string;
	eventId: number;
	/** Books the seat at `index`. */
	book(index: number): Promise<{ ok: boolean; why?: string }>;
	usage(): Promise<{ cpuMs: number; peakRss: number }>;
	/** CPU so far of each database server process serving this target (none for PGlite). */
	databaseCpu(): Map<string, number>;
	rss(): Promise<number>;
	/** seed: when each seat was booked, by the server's clock. */
	commits?(): Promise<[number, number][]>;
	close(): Promise<void>;
}

/** CPU time (ms) of each PostgreSQL backend connected to `database`, by pid (Linux /proc; else empty). */
function backendCpu(database: string): Map<string, number> {
	const out = new Map<string, number>();
	let pids: string[];
	try {
		pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
	} catch {
		return out;
	}
	for (const pid of pids) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const close = stat.lastIndexOf(')');
			if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
			if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `)) continue;
			const fields = stat.slice(close + 2).split(' ');
			// utime and stime, in clock ticks of 10 ms (USER_HZ)
			out.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
		} catch {
			// exited while listed
		}
	}
	return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Our stack: the bench server, a fresh event, bookings through PostgREST by several users. */
export async function supabaseTarget(
	server: BenchServer,
	bookers: SignedIn[],
	seats: number
): Promise<Target> {
	const event = await createEvent(server, seats, { label: 'fanout' });
	return {
		system: 'supabase',
		url: server.url,
		eventId: event.id,
		async book(i) {
			const a = await book(bookers[i % bookers.length].client, event.id, event.seatIds[i]);
			return { ok: a.ok, why: a.ok ? undefined : `${a.status}/${a.code}` };
		},
		usage: () => server.usage(),
		databaseCpu: () => (server.database ? backendCpu(server.database) : new Map()),
		rss: () => server.rss(),
		async close() {}
	};
}

/** The seed's design in its own process, booked over one socket.io connection. */
export async function seedTarget(seats: number): Promise<Target> {
	const child = new Child(new URL('./baseline/child.ts', import.meta.url), [String(seats)]);
	const { url } = await child.waitFor<{ url: string }>('ready', 30_000);
	const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('connect_error', reject);
	});
	return {
		system: 'seed',
		url,
		eventId: 0,
		async book(i) {
			try {
				const reply = (await socket
					.timeout(60_000)
					.emitWithAck('book', { seatId: i + 1, name: `booker-${i % 20}` })) as {
					ok: boolean;
					error?: string;
				};
				return { ok: reply.ok, why: reply.error };
			} catch {
				return { ok: false, why: 'no ack in 60 s' };
			}
		},
		usage: () => child.request('usage'),
		databaseCpu: () => new Map(),
		rss: () => child.request('rss'),
		commits: () => child.request('commits'),
		async close() {
			socket.close();
			await child.stop();
		}
	};
}

/**
 * S subscribers (in one or two processes) watch one event while bookings are committed at each
 * rate in turn for `seconds`; every subscriber must receive every booking.
 */
export async function fanout(target: Target, options: FanoutOptions): Promise<FanoutResult> {
	const processes = options.subscribers > 500 ? 2 : 1;
	const children = Array.from(
		{ length: processes },
		() =>
			new Child(new URL('./fanout-subscriber.ts', import.meta.url), [], {
				execArgv: options.profileDir
					? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}/${target.system}-subscribers`]
					: []
			})
	);
	const errors: string[] = [];
	const phases: FanoutPhase[] = [];
	let ready: number;
	let setupMs: number;
	try {
		await Promise.all(children.map((c) => c.waitFor('ready', 30_000)));
		const share = (k: number) =>
			Math.floor(options.subscribers / processes) + (k < options.subscribers % processes ? 1 : 0);
		const setups = await Promise.all(
			children.map((c, k) =>
				c.request<{ ready: number; failures: number; firstFailure?: string; setupMs: number }>(
					'setup',
					{
						mode: target.system,
						client: options.client ?? 'supabase-js',
						url: target.url,
						count: share(k),
						eventId: target.eventId
					}
				)
			)
		);
		ready = setups.reduce((s, r) => s + r.ready, 0);
		setupMs = Math.max(...setups.map((r) => r.setupMs));
		const failed = setups.filter((r) => r.failures);
		if (failed.length)
			errors.push(
				`${options.subscribers - ready} subscribers failed to subscribe: ${failed[0].firstFailure}`
			);

		let offset = 0;
		for (const rate of options.rates) {
			const phase = await runPhase(target, children, ready, rate, offset, options);
			offset += Math.round(rate * options.seconds);
			phases.push(phase);
			if (phase.deliveredRatio < 1)
				errors.push(
					`${target.system} at ${rate}/s: delivered ${phase.delivered} of ${phase.expected}`
				);
			if (phase.aborted) break;
		}
	} finally {
		// Results are in; a subscriber still chewing a backlog (the seed's) need not finish it.
		await Promise.all(children.map((c) => c.stop(2000)));
	}
	return {
		system: target.system,
		subscribers: options.subscribers,
		ready,
		setupMs,
		phases,
		errors
	};
}

async function runPhase(
	target: Target,
	children: Child[],
	subscribers: number,
	rate: number,
	offset: number,
	options: FanoutOptions
): Promise<FanoutPhase> {
	const total = Math.round(rate * options.seconds);
	let aborted: string | undefined;
	let stopFeeding = false;
	const watch = setInterval(async () => {
		try {
			const [server, ...subs] = await Promise.all([
				target.rss(),
				...children.map((c) => c.request<{ rss: number }>('progress').then((p) => p.rss))
			]);
			const worst = Math.max(server, ...subs);
			if (worst > options.maxRssBytes && !aborted) {
				aborted = `a process passed ${(options.maxRssBytes / 2 ** 30).toFixed(1)} GiB RSS (${(worst / 2 ** 30).toFixed(1)} GiB${server === worst ? ', the server' : ', a subscriber process'}); stopped feeding`;
				stopFeeding = true;
			}
		} catch {
			// a child busy or gone: the phase's own requests will say so
		}
	}, 250);

	await target.usage();
	const dbCpuStart = target.databaseCpu();
	const start = nowMs();
	let lag = 0;
	const pending: Promise<{ ok: boolean; why?: string; ms: number }>[] = [];
	for (let k = 0; k < total && !stopFeeding; k++) {
		const due = start + (k * 1000) / rate;
		const wait = due - nowMs();
		if (wait > 1) await sleep(wait);
		lag = Math.max(lag, nowMs() - due);
		const sent = nowMs();
		pending.push(target.book(offset + k).then((r) => ({ ...r, ms: nowMs() - sent })));
	}
	const outcomes = await Promise.all(pending);
	const committed = outcomes.filter((o) => o.ok).length;
	const bookingFailures: Record<string, number> = {};
	for (const o of outcomes)
		if (!o.ok) bookingFailures[o.why ?? '?'] = (bookingFailures[o.why ?? '?'] ?? 0) + 1;
	const slowestBookingMs = Math.max(...outcomes.map((o) => o.ms));
	const achievedRate = (committed * 1000) / (nowMs() - start);
	const expected = committed * subscribers;

	// Wait for the stragglers: until everything arrived, nothing moved for 5 s, or the deadline.
	const lastBooking = nowMs();
	let delivered = 0;
	let progressAt = nowMs();
	while (nowMs() - lastBooking < options.drainMs && !aborted) {
		const counts = await Promise.all(
			children.map((c) => c.request<{ delivered: number }>('progress'))
		);
		const now = counts.reduce((s, c) => s + c.delivered, 0);
		if (now !== delivered) progressAt = nowMs();
		delivered = now;
		if (delivered >= expected || nowMs() - progressAt > 5000) break;
		await sleep(100);
	}
	const drainMs = nowMs() - lastBooking;
	const wallMs = nowMs() - start;
	clearInterval(watch);
	const usage = await target.usage();
	let dbCpuMs = 0;
	// per backend: the pool closes idle connections, and an exited backend's time must not go negative
	for (const [pid, ms] of target.databaseCpu()) dbCpuMs += ms - (dbCpuStart.get(pid) ?? 0);

	const commits = target.commits ? await target.commits() : undefined;
	const results = await Promise.all(
		children.map((c) =>
			c.request<{
				delivered: number;
				minPerSubscriber: number;
				histogram: HistogramData;
				peakRss: number;
				incidents: Record<string, number>;
				cpuMs: number;
			}>('collect', { commits })
		)
	);
	const histogram = new Histogram();
	const incidents: Record<string, number> = {};
	for (const r of results) {
		histogram.merge(r.histogram);
		for (const [k, n] of Object.entries(r.incidents)) incidents[k] = (incidents[k] ?? 0) + n;
	}
	delivered = results.reduce((s, r) => s + r.delivered, 0);
	return {
		system: target.system,
		client: target.system === 'seed' ? 'socket.io' : (options.client ?? 'supabase-js'),
		subscribers,
		rate,
		seconds: options.seconds,
		committed,
		expected,
		delivered,
		deliveredRatio: expected ? delivered / expected : NaN,
		minPerSubscriber: Math.min(...results.map((r) => r.minPerSubscriber)),
		latency: histogram.summary(),
		achievedRate,
		wallMs,
		bookerLagMs: lag,
		drainMs,
		serverCpuMs: usage.cpuMs,
		postgresCpuMs: dbCpuMs,
		serverPeakRss: usage.peakRss,
		subscriberPeakRss: Math.max(...results.map((r) => r.peakRss)),
		subscriberCpuMs: results.reduce((sum, r) => sum + r.cpuMs, 0),
		incidents,
		bookingFailures,
		slowestBookingMs,
		aborted
	};
}
