import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { io } from 'socket.io-client';
import { confirmHolds, holdSeats, releaseBookings } from '../../src/lib/api/bookings.ts';
import type { Supabase } from '../../src/lib/api/client.ts';
import { Child } from './child.ts';
import { book } from './booking.ts';
import type { Path, SubscriberClient } from './fanout-subscriber.ts';
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
	/** How our subscribers follow the event (supabase-js clients; default postgres_changes). */
	path?: Path;
	/** After the rates, the highest rate these subscribers take within a latency bound. */
	capacity?: CapacityOptions;
}

/**
 * Doubling from `startRate` while a probe holds (p95 below `p95Ms`, everything delivered, the rate
 * committed), then bisecting between the last that held and the first that did not, until the two
 * are within 15 %, `probes` probes were run, or `budgetMs` passed.
 */
export interface CapacityOptions {
	p95Ms: number;
	startRate: number;
	maxRate: number;
	seconds: number;
	probes: number;
	budgetMs: number;
}

export interface Capacity {
	/** The highest rate that held, and its probe (undefined: not even the first). */
	rate: number;
	held?: FanoutPhase;
	/** The lowest rate that did not hold (undefined: maxRate held). */
	failedRate?: number;
	failed?: FanoutPhase;
	probes: FanoutPhase[];
	wallMs: number;
}

export interface FanoutPhase {
	system: System;
	client: SubscriberClient | 'socket.io';
	/** How our subscribers get the changes (undefined for the seed). */
	path?: Path;
	/** What the booker does: one booking per change, or hold → book → release cycles. */
	workload: Workload;
	subscribers: number;
	rate: number;
	seconds: number;
	committed: number;
	/** Seat changes committed (rows changed), and messages each subscriber should get for them. */
	seatChanges: number;
	messagesPerSubscriber: number;
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
	/** CPU of this process (the booker, the drain's polling). */
	loadGeneratorCpuMs: number;
	/** The machine's 1-minute load average at the start and end of the phase. */
	load: [number, number];
	/** Channel state changes seen by subscribers during the phase (e.g. CHANNEL_ERROR, a rejoin). */
	incidents: Record<string, number>;
	/** Bookings that failed, by status/code, and the slowest booking request. */
	bookingFailures: Record<string, number>;
	slowestBookingMs: number;
	aborted?: string;
}

export interface FanoutResult {
	system: System;
	path?: Path;
	workload: Workload;
	/** Seats of the watched event. */
	seats: number;
	subscribers: number;
	ready: number;
	setupMs: number;
	phases: FanoutPhase[];
	capacity?: Capacity;
	errors: string[];
}

export type Workload = 'book' | 'cycle' | 'onsale';

/** The phase's changes as the database logged them (Broadcast from Database's messages). */
interface Committed {
	/** Commit time (ms) by receipt key: message id, and `booking id:status`. */
	keys: [string, number][];
	messages: number;
	rows: number;
}

/** What the fan-out needs from a system under test. */
export interface Target {
	system: System;
	url: string;
	eventId: number;
	seats: number;
	workload: Workload;
	/** Makes change `index` of the workload. */
	change(index: number): Promise<{ ok: boolean; why?: string }>;
	/** Where the database's message log of the event stands (before a phase). */
	mark?(): Promise<string>;
	/** What was committed after `mark`. */
	committedSince?(mark: string): Promise<Committed>;
	usage(): Promise<{ cpuMs: number; peakRss: number }>;
	/** CPU so far of each database server process serving this target (none for PGlite). */
	databaseCpu(): Map<string, number>;
	rss(): Promise<number>;
	/** seed: when each seat changed (seat id × 1000 + its change number), by the server's clock. */
	commits?(): Promise<[number, number][]>;
	close(): Promise<void>;
}

/** CPU time (ms) of each PostgreSQL backend connected to `database`, by pid (Linux /proc; else empty). */
export function backendCpu(database: string): Map<string, number> {
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

/**
 * Bench set-up, not the product: a deferred constraint trigger on realtime.messages that notes
 * each message's commit instant (clock_timestamp() as its transaction commits, like the delivery's
 * own capture trigger), so latency counts from the commit rather than from the transaction's start
 * (inserted_at), which a long statement such as best_available would inflate. SECURITY DEFINER: it
 * fires at commit as the API role that made the booking.
 */
const COMMIT_CLOCK_SQL = [
	'create schema if not exists bench',
	'create table if not exists bench.commits (id uuid primary key, at timestamptz not null)',
	`create or replace function bench.commit_clock() returns trigger
	language plpgsql security definer set search_path = '' as $$
	begin
		insert into bench.commits (id, at) values (new.id, clock_timestamp()) on conflict do nothing;
		return null;
	end $$`,
	`do $$
	begin
		if not exists (select from pg_trigger where tgname = 'bench_commit_clock') then
			create constraint trigger bench_commit_clock
				after insert on realtime.messages deferrable initially deferred
				for each row execute function bench.commit_clock();
		end if;
	end $$`
];

const clocked = new WeakSet<BenchServer>();

/**
 * The phase's changes of `topic` as the database logged them: every booking statement sends one
 * message there in its own transaction (Broadcast from Database), whichever path the subscribers
 * follow, so both paths are timed from the same instant (the commit) and counted from the same
 * record.
 */
export function messageLog(
	server: BenchServer,
	topic: string
): Pick<Target, 'mark' | 'committedSince'> {
	return {
		async mark() {
			if (!clocked.has(server)) {
				for (const sql of COMMIT_CLOCK_SQL) await server.sql(sql);
				clocked.add(server);
			}
			const [row] = await server.sql<{ at: string }>(
				`select coalesce(max(inserted_at), '-infinity')::text as at from realtime.messages
				where topic = $1`,
				[topic]
			);
			return row.at;
		},
		async committedSince(mark) {
			const list = await server.sql<{ id: string; ms: number; changes: string[] }>(
				`select m.id::text as id, extract(epoch from c.at)::float8 * 1000 as ms,
					array(select (x->>'id') || ':' || (x->>'status')
						from jsonb_array_elements(m.payload->'changes') x) as changes
				from realtime.messages m
				join bench.commits c on c.id = m.id
				where m.topic = $1 and m.inserted_at > $2::timestamp and m.extension = 'broadcast'`,
				[topic, mark]
			);
			const keys: [string, number][] = [];
			let rows = 0;
			for (const m of list) {
				keys.push([m.id, Number(m.ms)]);
				for (const c of m.changes) keys.push([c, Number(m.ms)]);
				rows += m.changes.length;
			}
			return { keys, messages: list.length, rows };
		}
	};
}

/**
 * Our stack: the bench server, a fresh event and several users changing seats through PostgREST.
 * `book`: change k books seat k (one INSERT, as the booking workloads do). `cycle`: the seed's
 * events on few seats, through the app's own API: change k is, on seat k mod seats, a hold, then
 * its confirmation, then a release, round after round (a seat's changes wait for each other).
 */
export async function supabaseTarget(
	server: BenchServer,
	bookers: SignedIn[],
	seats: number,
	workload: Workload = 'book'
): Promise<Target> {
	const event = await createEvent(server, seats, { label: `fanout-${workload}` });
	const topic = `event:${event.id}`;
	const chains: Promise<unknown>[] = [];
	const holds: number[] = [];
	const user = (seat: number) => bookers[seat % bookers.length].client as Supabase;
	async function cycleStep(seat: number, step: number) {
		const r =
			step === 0
				? await holdSeats(user(seat), event.id, [event.seatIds[seat]])
				: step === 1
					? await confirmHolds(user(seat), [holds[seat]])
					: await releaseBookings(user(seat), [holds[seat]]);
		if (r.error) return { ok: false, why: `${r.error.status}/${r.error.code}` };
		if (step === 0) holds[seat] = r.data[0].id;
		return { ok: true };
	}
	return {
		system: 'supabase',
		url: server.url,
		eventId: event.id,
		seats,
		workload,
		async change(i) {
			if (workload === 'book') {
				if (i >= seats) return { ok: false, why: 'no seat left' };
				const a = await book(bookers[i % bookers.length].client, event.id, event.seatIds[i]);
				return { ok: a.ok, why: a.ok ? undefined : `${a.status}/${a.code}` };
			}
			const seat = i % seats;
			const step = Math.floor(i / seats) % 3;
			const done = (chains[seat] ?? Promise.resolve()).then(() => cycleStep(seat, step));
			chains[seat] = done;
			return done;
		},
		...messageLog(server, topic),
		usage: () => server.usage(),
		databaseCpu: () => (server.database ? backendCpu(server.database) : new Map()),
		rss: () => server.rss(),
		async close() {}
	};
}

/**
 * The seed's design in its own process, changed over one socket.io connection: `book` books seat
 * k; `cycle` is the seed's own events on few seats (lock, book, release, round after round).
 */
export async function seedTarget(seats: number, workload: Workload = 'book'): Promise<Target> {
	const child = new Child(new URL('./baseline/child.ts', import.meta.url), [String(seats)]);
	const { url } = await child.waitFor<{ url: string }>('ready', 30_000);
	const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('connect_error', reject);
	});
	const send = async (event: string, seat: number) => {
		try {
			const reply = (await socket
				.timeout(60_000)
				.emitWithAck(event, { seatId: seat + 1, name: `booker-${seat % 20}` })) as {
				ok: boolean;
				error?: string;
			};
			return { ok: reply.ok, why: reply.error };
		} catch {
			return { ok: false, why: 'no ack in 60 s' };
		}
	};
	const chains: Promise<{ ok: boolean; why?: string }>[] = [];
	return {
		system: 'seed',
		url,
		eventId: 0,
		seats,
		workload,
		async change(i) {
			if (workload === 'book') return send('book', i);
			const seat = i % seats;
			const event = ['lock', 'book', 'release'][Math.floor(i / seats) % 3];
			return (chains[seat] = (chains[seat] ?? Promise.resolve()).then(() => send(event, seat)));
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
	let capacity: Capacity | undefined;
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
						path: options.path ?? 'postgres_changes',
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
		if (options.capacity && !phases.some((p) => p.aborted)) {
			const found = await searchCapacity(
				target,
				children,
				ready,
				offset,
				options,
				options.capacity,
				phases
			);
			capacity = found.capacity;
			offset = found.offset;
		}
	} finally {
		// Results are in; a subscriber still chewing a backlog (the seed's) need not finish it.
		await Promise.all(children.map((c) => c.stop(2000)));
	}
	return {
		system: target.system,
		path: target.system === 'seed' ? undefined : (options.path ?? 'postgres_changes'),
		workload: target.workload,
		seats: target.seats,
		subscribers: options.subscribers,
		ready,
		setupMs,
		phases,
		capacity,
		errors
	};
}

/** See CapacityOptions. Runs on the subscribers already set up, after the measured rates. */
async function searchCapacity(
	target: Target,
	children: Child[],
	subscribers: number,
	offset: number,
	options: FanoutOptions,
	c: CapacityOptions,
	measured: FanoutPhase[]
): Promise<{ capacity: Capacity; offset: number }> {
	const start = nowMs();
	const probes: FanoutPhase[] = [];
	const holds = (p: FanoutPhase) =>
		!p.aborted &&
		p.deliveredRatio === 1 &&
		p.latency.p95 < c.p95Ms &&
		p.committed === Math.round(p.rate * p.seconds) &&
		p.achievedRate >= 0.9 * p.rate;
	let good: FanoutPhase | undefined;
	let bad: FanoutPhase | undefined;
	const judge = (phase: FanoutPhase) => {
		if (holds(phase)) good = !good || phase.rate > good.rate ? phase : good;
		else bad = !bad || phase.rate < bad.rate ? phase : bad;
	};
	// the measured rates are probes already: start above the best that held, or below the worst
	measured.forEach(judge);
	const next = (): number | undefined => {
		if (!bad) return good ? Math.min(c.maxRate, good.rate * 2) : c.startRate;
		const low = good && good.rate < bad.rate ? good.rate : 0;
		if (bad.rate <= low * 1.15) return undefined;
		const mid = Math.round((low + bad.rate) / 2);
		return mid <= low || mid >= bad.rate ? undefined : mid;
	};
	for (
		let rate = next();
		rate !== undefined && probes.length < c.probes && nowMs() - start < c.budgetMs;
		rate = next()
	) {
		if (good && rate <= good.rate) break; // maxRate held
		const seatsLeft = target.workload === 'book' ? target.seats - offset : Infinity;
		if (Math.round(rate * c.seconds) > seatsLeft) break;
		const phase = await runPhase(target, children, subscribers, rate, offset, {
			...options,
			seconds: c.seconds
		});
		offset += Math.round(rate * c.seconds);
		probes.push(phase);
		judge(phase);
		if (phase.aborted) break;
		// the previous probe's backlog must not count against the next
		await sleep(1000);
	}
	return {
		capacity: {
			rate: good?.rate ?? 0,
			held: good,
			failedRate: bad?.rate,
			failed: bad,
			probes,
			wallMs: nowMs() - start
		},
		offset
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
	const loadStart = loadavg()[0];
	const mark = await target.mark?.();
	const generatorStart = process.cpuUsage();
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
		pending.push(target.change(offset + k).then((r) => ({ ...r, ms: nowMs() - sent })));
	}
	const outcomes = await Promise.all(pending);
	const committed = outcomes.filter((o) => o.ok).length;
	const bookingFailures: Record<string, number> = {};
	for (const o of outcomes)
		if (!o.ok) bookingFailures[o.why ?? '?'] = (bookingFailures[o.why ?? '?'] ?? 0) + 1;
	const slowestBookingMs = Math.max(...outcomes.map((o) => o.ms));
	const achievedRate = (committed * 1000) / (nowMs() - start);
	// Ours: what the database logged (a statement's message may carry several rows). Seed: one
	// array per booking.
	const logged = mark !== undefined ? await target.committedSince!(mark) : undefined;
	const seatChanges = logged?.rows ?? committed;
	const messagesPerSubscriber = !logged
		? committed
		: options.path === 'broadcast'
			? logged.messages
			: logged.rows;
	const expected = messagesPerSubscriber * subscribers;

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
			}>('collect', { commits, keyed: logged?.keys })
		)
	);
	const generator = process.cpuUsage(generatorStart);
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
		path: target.system === 'seed' ? undefined : (options.path ?? 'postgres_changes'),
		workload: target.workload,
		subscribers,
		rate,
		seconds: options.seconds,
		committed,
		seatChanges,
		messagesPerSubscriber,
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
		loadGeneratorCpuMs: (generator.user + generator.system) / 1000,
		load: [loadStart, loadavg()[0]],
		incidents,
		bookingFailures,
		slowestBookingMs,
		aborted
	};
}
