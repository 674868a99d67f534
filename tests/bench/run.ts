/**
 * `npm run bench [-- --quick] [--realtime] [--engine pglite|postgres|both] [--no-browser]`
 *
 * Workloads (see tests/bench/README.md): contended and uncontended booking through the full HTTP
 * stack; realtime (fan-out by Broadcast from Database and by postgres_changes side by side, the
 * seed's scale, a hot on-sale, capacity), then the seed's design as a baseline; and the
 * 54,000-seat map in headless Chromium. Every server runs in its own child process. Prints tables
 * and writes JSON to test-output/bench/<timestamp>.json. Figures only: nothing here asserts a
 * timing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { signInMany, type ClientFetch } from './clients.ts';
import { contended } from './contended.ts';
import {
	fanout,
	seedTarget,
	supabaseTarget,
	type CapacityOptions,
	type FanoutOptions,
	type FanoutResult
} from './fanout.ts';
import type { Path, SubscriberClient } from './fanout-subscriber.ts';
import { describeMachine, machine } from './machine.ts';
import { onsaleTarget } from './onsale.ts';
import {
	quotaLines,
	realtimeRows,
	realtimeTable,
	rows,
	table,
	type EngineResults
} from './report.ts';
import {
	describeSeatMap,
	hasBuild,
	SCREENS,
	seatMap,
	startApp,
	type App,
	type SeatMapResult
} from './seat-map.ts';
import { ZOOMS } from './map-frames.ts';
import { postgresAvailable, startServer, type BenchServer, type Engine } from './server.ts';
import { nowMs } from './stats.ts';
import { uncontended } from './uncontended.ts';

const USAGE = `Usage: npm run bench -- [--quick] [--engine pglite|postgres|both] [--users N] [--seats M]
  [--subscribers 1000,5000] [--rates 10,100] [--seconds T] [--fanout-seats F] [--requests R]
  [--paths broadcast,postgres_changes] [--parts fanout,seed-scale,onsale] [--viewers 2000]
  [--buyers 500] [--no-capacity]
  [--concurrency 1,8,32,128] [--no-browser] [--no-baseline] [--no-fanout] [--no-booking]
  [--realtime]  (the realtime section only: as --no-booking --no-browser; also BENCH_ONLY=realtime)
  [--profile]   (V8 CPU profiles of the back-end processes in test-output/bench/profiles/)
  [--client-fetch node|undici]   (HTTP client of the booking users' supabase-js; default node)
  [--subscriber-client supabase-js|phoenix|phoenix-scan]   (minimal Phoenix clients, see fanout-subscriber.ts)`;

const { values: a } = parseArgs({
	options: {
		quick: { type: 'boolean', default: false },
		engine: { type: 'string', default: 'both' },
		users: { type: 'string' },
		seats: { type: 'string' },
		subscribers: { type: 'string' },
		rates: { type: 'string' },
		seconds: { type: 'string' },
		paths: { type: 'string' },
		parts: { type: 'string', default: 'fanout,seed-scale,onsale' },
		viewers: { type: 'string' },
		buyers: { type: 'string' },
		'no-capacity': { type: 'boolean', default: false },
		realtime: { type: 'boolean', default: false },
		'fanout-seats': { type: 'string' },
		requests: { type: 'string' },
		concurrency: { type: 'string' },
		'no-browser': { type: 'boolean', default: false },
		'no-baseline': { type: 'boolean', default: false },
		'no-fanout': { type: 'boolean', default: false },
		'no-booking': { type: 'boolean', default: false },
		profile: { type: 'boolean', default: false },
		'client-fetch': { type: 'string', default: 'node' },
		'subscriber-client': { type: 'string', default: 'supabase-js' },
		help: { type: 'boolean', short: 'h', default: false }
	}
});
if (a.help) {
	console.log(USAGE);
	process.exit(0);
}
const quick = a.quick;
const int = (v: string | undefined, full: number, small: number) => {
	const n = v === undefined ? (quick ? small : full) : Number(v);
	if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive integer: ${v}\n${USAGE}`);
	return n;
};
const list = (v: string | undefined, full: number[], small: number[]) =>
	v === undefined ? (quick ? small : full) : v.split(',').map(Number);
const realtimeOnly = a.realtime || process.env.BENCH_ONLY === 'realtime';
const subscribers = list(a.subscribers, [1000, 5000], [20]);
const rates = list(a.rates, [10, 100], [20]);
const seconds = int(a.seconds, 5, 1);
const capacity: CapacityOptions | undefined =
	a['no-capacity'] || quick
		? undefined
		: { p95Ms: 200, startRate: 10, maxRate: 1000, seconds: 3, probes: 5, budgetMs: 120_000 };
// Seats for the capacity probes after the measured rates (a probe that would run out is not run).
const capacitySeats = capacity ? 3 * capacity.maxRate * capacity.seconds : 0;

const config = {
	quick,
	engines: (a.engine === 'both' ? ['pglite', 'postgres'] : [a.engine]) as Engine[],
	users: int(a.users, 1000, 100),
	seats: int(a.seats, 100, 10),
	requests: int(a.requests, 2000, 100),
	concurrency: list(a.concurrency, [1, 8, 32, 128], [16]),
	fanout: {
		subscribers: subscribers[0],
		rates,
		seconds,
		seats: int(a['fanout-seats'], 1000, 1000),
		drainMs: quick ? 3000 : 30_000,
		maxRssBytes: 4 * 2 ** 30,
		client: a['subscriber-client'] as SubscriberClient
	} satisfies FanoutOptions,
	realtime: {
		subscribers,
		paths: (a.paths?.split(',') ?? ['broadcast', 'postgres_changes']) as Path[],
		parts: new Set(a.parts.split(',')),
		capacity,
		capacitySeats,
		/** The seed's own scale: 50 seats, its lock / book / release events. */
		seedScale: { seats: 50, subscribers: subscribers[0] },
		onsale: { viewers: int(a.viewers, 2000, 20), buyers: int(a.buyers, 500, 10) }
	},
	browser: !a['no-browser'] && !realtimeOnly,
	baseline: !a['no-baseline'],
	booking: !a['no-booking'] && !realtimeOnly,
	fanoutOn: !a['no-fanout'],
	profile: a.profile,
	clientFetch: a['client-fetch'] as ClientFetch,
	loads: quick ? 1 : 3,
	changes: quick ? 3 : 20
};
for (const e of config.engines)
	if (e !== 'pglite' && e !== 'postgres') throw new Error(`unknown engine ${e}\n${USAGE}`);
if (config.clientFetch !== 'node' && config.clientFetch !== 'undici')
	throw new Error(`unknown --client-fetch ${config.clientFetch}\n${USAGE}`);
if (!['supabase-js', 'phoenix', 'phoenix-scan'].includes(config.fanout.client))
	throw new Error(`unknown subscriber client ${config.fanout.client}\n${USAGE}`);
for (const p of config.realtime.parts)
	if (!['fanout', 'seed-scale', 'onsale'].includes(p))
		throw new Error(`unknown part ${p}\n${USAGE}`);
for (const p of config.realtime.paths)
	if (p !== 'broadcast' && p !== 'postgres_changes') throw new Error(`unknown path ${p}\n${USAGE}`);
const needed = config.fanout.rates.reduce((s, r) => s + Math.round(r * config.fanout.seconds), 0);
if (needed > config.fanout.seats)
	throw new Error(`fan-out books ${needed} seats but the event has ${config.fanout.seats}`);
// the capacity probes need seats beyond the measured rates; rows of 50
const fanoutSeats = Math.ceil((config.fanout.seats + config.realtime.capacitySeats) / 50) * 50;

const m = machine();
const startedAt = new Date();
const log = (s: string) =>
	console.log(`[bench ${((nowMs() - startedAt.getTime()) / 1000).toFixed(1)}s] ${s}`);
console.log(`Machine: ${describeMachine(m)}`);
console.log(
	`Mode: ${quick ? 'quick' : 'full'}${realtimeOnly ? ', realtime only' : ''}; engines ${config.engines.join(', ')}; ` +
		(config.booking
			? `${config.users} users → ${config.seats} seats; ${config.requests} bookings per level at c=${config.concurrency.join('/')}; `
			: '') +
		`fan-out ${subscribers.join(' and ')} subscribers by ${config.realtime.paths.join(' and ')} at ` +
		`${rates.join(' and ')}/s for ${seconds}s${capacity ? ', then capacity probes' : ''}; the seed's scale (${config.realtime.seedScale.seats} seats); ` +
		`on-sale ${config.realtime.onsale.viewers} viewers, ${config.realtime.onsale.buyers} buyers\n`
);

const engines: EngineResults[] = [];
const failures: string[] = [];
const profileDir = (engine: string) =>
	config.profile
		? new URL(`../../test-output/bench/profiles/${engine}`, import.meta.url).pathname
		: undefined;
const usable = new Map<Engine, boolean>();
for (const engine of config.engines)
	usable.set(engine, engine === 'pglite' || (await postgresAvailable()));
const browserPlan: string | undefined = !config.browser
	? '--no-browser'
	: quick && !hasBuild()
		? 'quick mode and no production build (run `npm run build`)'
		: undefined;

// Quick mode starts every server at once (start-up is most of its minute); a full run starts each
// just before its workloads, so nothing else competes for the two cores while they are measured.
const early = new Map<Engine, Promise<BenchServer>>();
let earlyApp: Promise<App> | undefined;
if (quick) {
	for (const engine of config.engines)
		if (usable.get(engine)) early.set(engine, startServer(engine, profileDir(engine)));
	if (!browserPlan && hasBuild()) earlyApp = startApp();
	// a failure is reported where the promise is awaited
	for (const p of [...early.values(), earlyApp]) p?.catch(() => {});
}

for (const engine of config.engines) {
	const result: EngineResults = { engine };
	engines.push(result);
	if (!usable.get(engine)) {
		result.skipped = 'no PostgreSQL at TEST_DATABASE_URL / 127.0.0.1:5432';
		log(`postgres: ${result.skipped}`);
		continue;
	}
	log(`${engine}: starting the back end (migrations + seed)…`);
	const server = await (early.get(engine) ?? startServer(engine, profileDir(engine)));
	try {
		result.serverStartMs = server.startMs;
		const users = config.users;
		let t = nowMs();
		const signedIn = await signInMany(
			server.url,
			Math.max(
				config.booking ? users : 0,
				config.fanoutOn && config.realtime.parts.has('onsale') ? config.realtime.onsale.buyers : 0,
				20
			),
			16,
			config.clientFetch
		);
		result.signInMs = nowMs() - t;
		log(`${engine}: ${signedIn.length} users signed in (${result.signInMs.toFixed(0)} ms)`);
		if (config.booking) {
			result.contended = await contended(server, signedIn.slice(0, users), config.seats);
			failures.push(...result.contended.errors.map((e) => `${engine} contended: ${e}`));
			log(`${engine}: contended done (${result.contended.wallMs.toFixed(0)} ms)`);
			result.uncontended = await uncontended(server, signedIn, config.requests, config.concurrency);
			failures.push(...result.uncontended.errors.map((e) => `${engine} uncontended: ${e}`));
			log(`${engine}: uncontended done`);
		}
		if (config.fanoutOn) {
			const rt = config.realtime;
			const bookers = signedIn.slice(0, 20);
			result.realtime = { fanout: [], seedScale: [], onsale: [] };
			const run = async (
				what: string,
				target: Awaited<ReturnType<typeof supabaseTarget>>,
				options: FanoutOptions
			) => {
				t = nowMs();
				const r = await fanout(target, { ...options, profileDir: profileDir(engine) });
				log(
					`${engine}: ${what}, ${options.subscribers} by ${options.path} done (${((nowMs() - t) / 1000).toFixed(1)} s)`
				);
				return r;
			};
			for (const s of rt.parts.has('fanout') ? rt.subscribers : [])
				for (const path of rt.paths)
					result.realtime.fanout.push(
						await run('fan-out', await supabaseTarget(server, bookers, fanoutSeats), {
							...config.fanout,
							subscribers: s,
							path,
							capacity: rt.capacity
						})
					);
			for (const path of rt.parts.has('seed-scale') ? rt.paths : [])
				result.realtime.seedScale.push(
					await run(
						"the seed's scale",
						await supabaseTarget(server, bookers, rt.seedScale.seats, 'cycle'),
						{ ...config.fanout, subscribers: rt.seedScale.subscribers, path }
					)
				);
			for (const path of rt.parts.has('onsale') ? rt.paths : []) {
				const target = await onsaleTarget(server, signedIn.slice(0, rt.onsale.buyers));
				const r = await run('on-sale', target, {
					...config.fanout,
					subscribers: rt.onsale.viewers,
					// the buyers arrive within the first second
					rates: [rt.onsale.buyers],
					seconds: 1,
					path
				});
				result.realtime.onsale.push({ ...r, buyers: target.buyers() });
			}
		}
	} finally {
		await server.stop();
	}
}

// The seed's design: the larger comparison (single bookings on the fan-out's 1,000 seats) and its
// own scale (50 seats, lock / book / release), with the first subscriber count.
const seed: FanoutResult[] = [];
if (config.fanoutOn && config.baseline) {
	const rt = config.realtime;
	for (const [seats, workload] of [
		...(rt.parts.has('fanout') ? [[config.fanout.seats, 'book'] as const] : []),
		...(rt.parts.has('seed-scale') ? [[rt.seedScale.seats, 'cycle'] as const] : [])
	]) {
		log(`seed baseline: ${workload} on ${seats} seats…`);
		const target = await seedTarget(seats, workload);
		try {
			seed.push(await fanout(target, config.fanout));
		} finally {
			await target.close();
		}
	}
	log('seed baseline: done');
}

let map: SeatMapResult | string | undefined = browserPlan;
if (!browserPlan) {
	if (!hasBuild()) {
		log('seat map: no production build, running `npm run build`…');
		const { execFileSync } = await import('node:child_process');
		execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
	}
	log('seat map: headless Chromium…');
	try {
		const before = describeMachine(machine());
		map = await seatMap(
			config.loads,
			config.changes,
			earlyApp,
			quick ? { screens: [SCREENS[0]], zooms: ZOOMS.slice(0, 1), phoneLoads: 1 } : {}
		);
		console.log(describeSeatMap(map, before, describeMachine(machine())));
	} catch (e) {
		map = `failed: ${e instanceof Error ? e.message.split('\n')[0] : e}`;
		failures.push(`seat map ${map}`);
	}
}

const finishedAt = new Date();
const report = {
	startedAt,
	finishedAt,
	machine: m,
	machineAfter: machine(),
	config,
	engines,
	seed,
	seatMap: map,
	failures
};
console.log(`\nMachine: ${describeMachine(m)}`);
console.log(table(rows(engines, seed, map)));
if (engines.some((e) => e.realtime)) {
	console.log(
		'\nRealtime, side by side (clients co-located with the server on this machine; CPU per delivered message):'
	);
	console.log(realtimeTable(realtimeRows(engines, seed)));
	console.log(
		"\nOn hosted Supabase's published Realtime limits (messages/s and connections per plan):"
	);
	for (const line of quotaLines(engines)) console.log(`- ${line}`);
}
console.log(`Machine at the end: ${describeMachine(machine())}`);
const dir = new URL('../../test-output/bench/', import.meta.url);
await mkdir(dir, { recursive: true });
const file = new URL(`${startedAt.toISOString().replace(/[:.]/g, '-')}.json`, dir);
await writeFile(file, JSON.stringify(report, null, '\t'));
console.log(
	`\nJSON: ${file.pathname}\nTook ${((finishedAt.getTime() - startedAt.getTime()) / 1000).toFixed(1)} s`
);
if (failures.length) {
	console.log(`\nCorrectness checks failed:\n- ${failures.join('\n- ')}`);
	process.exitCode = 1;
}
// Clients keep sockets and timers alive; everything measured has been written.
process.exit();
