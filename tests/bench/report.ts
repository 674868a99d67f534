import type { ContendedResult } from './contended.ts';
import type { CpuSplit } from './cpu.ts';
import type { FanoutPhase, FanoutResult } from './fanout.ts';
import type { Buyers } from './onsale.ts';
import type { SeatMapResult } from './seat-map.ts';
import type { Summary } from './stats.ts';
import type { UncontendedResult } from './uncontended.ts';

export interface EngineResults {
	engine: string;
	serverStartMs?: number;
	signInMs?: number;
	contended?: ContendedResult;
	uncontended?: UncontendedResult;
	realtime?: RealtimeResults;
	skipped?: string;
}

export interface RealtimeResults {
	/** Single-seat bookings on a large event, per subscriber count and path. */
	fanout: FanoutResult[];
	/** The seed's scale: 50 seats, hold → book → release cycles, per path. */
	seedScale: FanoutResult[];
	/** The stadium on-sale, per path. */
	onsale: (FanoutResult & { buyers: Buyers })[];
}

const realtimeResults = (e: EngineResults) =>
	e.realtime ? [...e.realtime.fanout, ...e.realtime.seedScale, ...e.realtime.onsale] : [];

export interface Row {
	workload: string;
	system: string;
	throughput: string;
	p50: string;
	p95: string;
	p99: string;
	outcome: string;
}

const ms = (v: number) =>
	Number.isNaN(v)
		? '–'
		: v >= 10_000
			? `${(v / 1000).toFixed(1)} s`
			: v >= 100
				? `${v.toFixed(0)} ms`
				: `${v.toFixed(1)} ms`;
const rate = (v: number, unit: string) => (Number.isNaN(v) ? '–' : `${v.toFixed(0)} ${unit}`);
const pct = (v: number) =>
	Number.isNaN(v) ? '–' : `${(v * 100).toFixed(v < 1 && v > 0.999 ? 2 : 1)} %`;
/** CPU per request of each party: which one a booking figure is bound by. */
const cpuPer = (c: CpuSplit | undefined, n: number) =>
	c
		? `cpu/req: client ${(c.loadGeneratorMs / n).toFixed(2)}, server ${(c.serverMs / n).toFixed(2)}` +
			(c.postgresMs ? `, postgres ${(c.postgresMs / n).toFixed(2)}` : '') +
			' ms'
		: '';
const latency = (s: Summary) => ({ p50: ms(s.median), p95: ms(s.p95), p99: ms(s.p99) });

function fanoutRow(p: FanoutPhase, label: string): Row {
	const how = p.path ? ` ${p.path === 'broadcast' ? 'bc' : 'pc'}` : '';
	return {
		workload: `${p.workload === 'book' ? 'fan-out' : p.workload}${how} ${p.subscribers} ${p.client === 'supabase-js' || p.client === 'socket.io' ? '' : `${p.client} `}subs @ ${p.rate}/s × ${p.seconds}s`,
		system: label,
		throughput: rate((p.delivered * 1000) / p.wallMs, 'msg/s'),
		...latency(p.latency),
		outcome:
			`delivered ${p.delivered}/${p.expected} (${pct(p.deliveredRatio)}); committed at ${p.achievedRate.toFixed(0)}/s; cpu server ${ms(p.serverCpuMs)}${p.postgresCpuMs ? `, postgres ${ms(p.postgresCpuMs)}` : ''}, subscribers ${ms(p.subscriberCpuMs)} in ${ms(p.wallMs)}` +
			(p.aborted ? `; ABORTED: ${p.aborted}` : '') +
			(Object.keys(p.bookingFailures).length
				? `; bookings failed ${JSON.stringify(p.bookingFailures)}`
				: '') +
			(Object.keys(p.incidents).length
				? `; channel incidents ${JSON.stringify(p.incidents)}`
				: '') +
			(p.bookerLagMs > 50 ? `; booker lag ${ms(p.bookerLagMs)}` : '')
	};
}

export function rows(
	engines: EngineResults[],
	seed: FanoutResult[],
	seatMap: SeatMapResult | string | undefined
): Row[] {
	const out: Row[] = [];
	for (const e of engines) {
		const label = `ours/${e.engine}`;
		if (e.skipped) {
			out.push({
				workload: 'all',
				system: label,
				throughput: '',
				p50: '',
				p95: '',
				p99: '',
				outcome: `skipped: ${e.skipped}`
			});
			continue;
		}
		const c = e.contended;
		if (c)
			out.push({
				workload: `contended ${c.users} users → ${c.seats} seats`,
				system: label,
				throughput: `${rate(c.bookingsPerSecond, 'bk/s')} (${rate(c.requestsPerSecond, 'req/s')})`,
				...latency(c.latency),
				outcome:
					`resolved in ${ms(c.wallMs)}; ${c.winners} won, ${c.losers} refused` +
					(c.listenOverflows.race ? `; ${c.listenOverflows.race} listen-queue drops` : '') +
					`; ${cpuPer(c.cpu, c.users)}` +
					(c.errors.length ? `; CHECK FAILED: ${c.errors.join('; ')}` : ' (all 409/23505)')
			});
		for (const l of e.uncontended?.levels ?? [])
			out.push({
				workload: `uncontended c=${l.concurrency}${l === e.uncontended!.best ? ' (best)' : ''}`,
				system: label,
				throughput: rate(l.bookingsPerSecond, 'bk/s'),
				...latency(l.latency),
				outcome: `${l.requests} bookings in ${ms(l.wallMs)}${l.failures ? `, ${l.failures} FAILED` : ''}; ${cpuPer(l.cpu, l.requests)}`
			});
		for (const r of realtimeResults(e))
			for (const p of [...r.phases, ...(r.capacity?.probes ?? [])]) out.push(fanoutRow(p, label));
		for (const err of realtimeResults(e).flatMap((r) => r.errors))
			if (!err.includes(' delivered '))
				out.push({
					workload: 'fan-out',
					system: label,
					throughput: '',
					p50: '',
					p95: '',
					p99: '',
					outcome: err
				});
	}
	for (const p of seed.flatMap((r) => r.phases)) out.push(fanoutRow(p, 'SEED baseline'));
	// ours (the app's path) / seed, per engine, workload and rate: below 1 means ours is faster
	for (const e of engines)
		for (const p of [...(e.realtime?.fanout ?? []), ...(e.realtime?.seedScale ?? [])]
			.filter((r) => r.path === 'broadcast')
			.flatMap((r) => r.phases)) {
			const s = seed
				.flatMap((r) => r.phases)
				.find(
					(q) => q.workload === p.workload && q.rate === p.rate && q.subscribers === p.subscribers
				);
			if (!s) continue;
			const r = (a: number, b: number) => (b > 0 ? (a / b).toPrecision(2) : '–');
			out.push({
				workload: `ratio ours/seed ${p.workload} @ ${p.rate}/s`,
				system: `ours/${e.engine}`,
				throughput: `cpu ×${r(p.serverCpuMs, s.serverCpuMs)}`,
				p50: `×${r(p.latency.median, s.latency.median)}`,
				p95: `×${r(p.latency.p95, s.latency.p95)}`,
				p99: `×${r(p.latency.p99, s.latency.p99)}`,
				outcome: `delivered ${pct(p.deliveredRatio)} vs ${pct(s.deliveredRatio)}`
			});
		}
	if (typeof seatMap === 'string')
		out.push({
			workload: 'seat map (Chromium)',
			system: 'app',
			throughput: '',
			p50: '',
			p95: '',
			p99: '',
			outcome: `skipped: ${seatMap}`
		});
	else if (seatMap) {
		out.push({
			workload: `seat map ${seatMap.seats} seats, first render`,
			system: 'app/pglite',
			throughput: '',
			...latency(seatMap.firstCompleteRender),
			outcome: `${seatMap.loads} cold loads; synced p50 ${ms(seatMap.synced.median)}, DOMContentLoaded p50 ${ms(seatMap.domContentLoaded.median)}; JS heap ${(seatMap.jsHeapUsedBytes / 2 ** 20).toFixed(1)} MiB${seatMap.arrayBufferBytes === undefined ? '' : ` + ${(seatMap.arrayBufferBytes / 2 ** 20).toFixed(1)} MiB array buffers`}`
		});
		out.push({
			workload: 'seat map, one remote change painted',
			system: 'app/pglite',
			throughput: '',
			...latency(seatMap.receiveToPaint),
			outcome: `${seatMap.changes} changes, ws frame → canvas frame; commit → painted p50 ${ms(seatMap.commitToPaint.median)}, p95 ${ms(seatMap.commitToPaint.p95)}`
		});
		for (const err of seatMap.errors)
			out.push({
				workload: 'seat map',
				system: 'app',
				throughput: '',
				p50: '',
				p95: '',
				p99: '',
				outcome: `ERROR: ${err}`
			});
	}
	return out;
}

export function table(list: Row[]): string {
	const head: Row = {
		workload: 'workload',
		system: 'system',
		throughput: 'throughput',
		p50: 'p50',
		p95: 'p95',
		p99: 'p99',
		outcome: 'outcome'
	};
	const cols = Object.keys(head) as (keyof Row)[];
	const width = (k: keyof Row) => Math.max(...[head, ...list].map((r) => r[k].length));
	const line = (r: Row) =>
		cols
			.map((k, i) =>
				i === cols.length - 1
					? r[k]
					: i >= 2 && i <= 5
						? r[k].padStart(width(k))
						: r[k].padEnd(width(k))
			)
			.join('  ');
	return [
		line(head),
		cols.map((k) => '-'.repeat(k === 'outcome' ? 7 : width(k))).join('  '),
		...list.map(line)
	].join('\n');
}

/** One row of the realtime table: a phase of one path, its pair on the other path beside it. */
export interface RealtimeRow {
	engine: string;
	workload: string;
	load: string;
	path: string;
	committed: string;
	p50: string;
	p95: string;
	p99: string;
	delivered: string;
	serverUs: string;
	postgresUs: string;
	subscriberUs: string;
	perChange: string;
	cores: string;
}

const us = (cpuMs: number, n: number) => (n > 0 ? ((cpuMs * 1000) / n).toFixed(2) : '–');
const cores = (cpuMs: number, wallMs: number) => (cpuMs / wallMs).toFixed(2);

function workloadLabel(r: FanoutResult, p: FanoutPhase, probe: boolean): string {
	const scale = `${p.subscribers.toLocaleString('en')} × ${p.rate}/s`;
	if (r.workload === 'cycle') return `seed's scale, ${r.seats} seats hold/book/release, ${scale}`;
	if (r.workload === 'onsale')
		return `on-sale, ${r.seats.toLocaleString('en')} seats, ${p.subscribers.toLocaleString('en')} viewers, ${p.rate} buyers`;
	return `${probe ? 'capacity probe' : 'fan-out'}, ${r.seats.toLocaleString('en')}-seat event, ${scale}`;
}

function realtimeRow(engine: string, r: FanoutResult, p: FanoutPhase, probe = false): RealtimeRow {
	return {
		engine,
		workload: workloadLabel(r, p, probe),
		load: `${p.load[0].toFixed(1)}→${p.load[1].toFixed(1)}`,
		path: p.path ?? '',
		committed: `${p.achievedRate.toFixed(0)}/s`,
		...latency(p.latency),
		delivered: pct(p.deliveredRatio),
		serverUs: us(p.serverCpuMs, p.delivered),
		postgresUs: p.postgresCpuMs ? us(p.postgresCpuMs, p.delivered) : '–',
		subscriberUs: us(p.subscriberCpuMs, p.delivered),
		// what the server sends each viewer per seat change (delivered is its own column)
		perChange: p.seatChanges ? (p.messagesPerSubscriber / p.seatChanges).toFixed(2) : '–',
		cores: [
			cores(p.serverCpuMs, p.wallMs),
			p.postgresCpuMs ? cores(p.postgresCpuMs, p.wallMs) : '–',
			cores(p.subscriberCpuMs, p.wallMs),
			cores(p.loadGeneratorCpuMs, p.wallMs)
		].join(' / ')
	};
}

const blank = (engine: string, workload: string, note: string): RealtimeRow => ({
	engine,
	workload,
	load: '',
	path: note,
	committed: '',
	p50: '',
	p95: '',
	p99: '',
	delivered: '',
	serverUs: '',
	postgresUs: '',
	subscriberUs: '',
	perChange: '',
	cores: ''
});

/** Goal lines: each met or not, with the figure it was judged on. */
function goals(engine: string, list: FanoutResult[]): RealtimeRow[] {
	const fan = list.filter((r) => r.workload === 'book');
	const phase = (path: string, s: number, rate: number) =>
		fan.find((r) => r.path === path && r.subscribers === s)?.phases.find((p) => p.rate === rate);
	const out: RealtimeRow[] = [];
	const line = (text: string, ok: boolean | undefined) =>
		out.push(blank(engine, `goal: ${text}`, ok === undefined ? 'not run' : ok ? 'met' : 'NOT met'));
	for (const [s, rate, bound] of [
		[1000, 100, 50],
		[5000, 10, 150]
	]) {
		const p = phase('broadcast', s, rate);
		line(
			`broadcast ${s.toLocaleString('en')} × ${rate}/s p95 < ${bound} ms${p ? ` (${ms(p.latency.p95)})` : ''}`,
			p && p.latency.p95 < bound
		);
	}
	const pairs = fan
		.filter((r) => r.path === 'broadcast')
		.flatMap((r) =>
			r.phases.map((b) => ({ b, c: phase('postgres_changes', b.subscribers, b.rate) }))
		)
		.filter((x) => x.c);
	const cheaper = pairs.map(
		({ b, c }) =>
			`${b.subscribers}×${b.rate}: ${us(b.subscriberCpuMs, b.delivered)} vs ${us(c!.subscriberCpuMs, c!.delivered)}`
	);
	line(
		`subscriber CPU per message, broadcast below postgres_changes (µs, ${cheaper.join('; ') || 'no pair'})`,
		pairs.length
			? pairs.every(
					({ b, c }) => b.subscriberCpuMs / b.delivered < c!.subscriberCpuMs / c!.delivered
				)
			: undefined
	);
	const bc = fan.filter((r) => r.path === 'broadcast').flatMap((r) => r.phases);
	const perMsg = bc.map((p) => (p.serverCpuMs * 1000) / p.delivered);
	line(
		`server CPU ≤ 1 µs per delivered broadcast message (${perMsg.length ? `${Math.min(...perMsg).toFixed(2)}–${Math.max(...perMsg).toFixed(2)} µs` : '–'})`,
		perMsg.length ? perMsg.every((v) => v <= 1) : undefined
	);
	const all = list.flatMap((r) => [...r.phases, ...(r.capacity?.probes ?? [])]);
	const short = all.filter((p) => p.deliveredRatio < 1);
	line(
		`100 % delivered in every phase and probe (${all.length - short.length} of ${all.length})`,
		all.length ? short.length === 0 : undefined
	);
	return out;
}

export function realtimeRows(engines: EngineResults[], seed: FanoutResult[] = []): RealtimeRow[] {
	const out: RealtimeRow[] = [];
	for (const e of engines) {
		const rt = e.realtime;
		if (!rt) continue;
		const groups = [rt.fanout, rt.seedScale, rt.onsale];
		for (const group of groups) {
			// the paths of one scenario next to each other
			const keys = [
				...new Set(group.flatMap((r) => r.phases.map((p) => `${r.subscribers}|${p.rate}`)))
			];
			for (const key of keys)
				for (const r of group)
					for (const p of r.phases)
						if (`${r.subscribers}|${p.rate}` === key) out.push(realtimeRow(e.engine, r, p));
		}
		for (const r of rt.onsale) {
			const b = r.buyers;
			out.push(
				blank(
					e.engine,
					`on-sale buyers (${r.path}): ${b.bought} of ${b.buyers} bought ${b.seatsBooked} seats, ${b.conflicts} retried conflicts${Object.keys(b.failures).length ? `, failed ${JSON.stringify(b.failures)}` : ''}`,
					`hold p50 ${ms(b.hold.median)} p99 ${ms(b.hold.p99)}; best_available p50 ${ms(b.holdBest.median)} p99 ${ms(b.holdBest.p99)}; book p50 ${ms(b.confirm.median)} p99 ${ms(b.confirm.p99)}; purchase p50 ${ms(b.purchase.median)} p99 ${ms(b.purchase.p99)}`
				)
			);
		}
		for (const r of rt.fanout) {
			const c = r.capacity;
			if (!c) continue;
			for (const p of c.probes) out.push(realtimeRow(e.engine, r, p, true));
			const held = c.held
				? `${c.rate}/s = ${(c.rate * r.subscribers).toLocaleString('en')} msg/s (p95 ${ms(c.held.latency.p95)})`
				: 'none';
			const failed = c.failed
				? `; ${c.failedRate}/s did not (p95 ${ms(c.failed.latency.p95)}, ${pct(c.failed.deliveredRatio)}, committed ${c.failed.achievedRate.toFixed(0)}/s)`
				: '';
			out.push(
				blank(
					e.engine,
					`capacity ${r.path}, ${r.subscribers.toLocaleString('en')} subscribers (p95 < 200 ms, 100 %)`,
					`${held}${failed}`
				)
			);
		}
		out.push(...goals(e.engine, [...rt.fanout, ...rt.seedScale, ...rt.onsale]));
	}
	for (const r of seed)
		for (const p of r.phases)
			out.push({ ...realtimeRow('seed', r, p), path: 'Socket.IO, full array' });
	return out;
}

export function realtimeTable(list: RealtimeRow[]): string {
	const head: RealtimeRow = {
		engine: 'engine',
		workload: 'workload',
		load: 'load',
		path: 'path',
		committed: 'committed',
		p50: 'p50',
		p95: 'p95',
		p99: 'p99',
		delivered: 'delivered',
		serverUs: 'server µs/msg',
		postgresUs: 'pg µs/msg',
		subscriberUs: 'subs µs/msg',
		perChange: 'msg/change/viewer',
		cores: 'cores srv/pg/subs/gen'
	};
	const cols = Object.keys(head) as (keyof RealtimeRow)[];
	// notes (goals, capacity, buyers) span the row: they are not padded into the columns
	const isNote = (r: RealtimeRow) => r !== head && r.load === '' && r.p50 === '';
	const width = (k: keyof RealtimeRow) =>
		Math.max(...[head, ...list.filter((r) => !isNote(r))].map((r) => r[k].length));
	const line = (r: RealtimeRow) =>
		isNote(r)
			? `${r.engine.padEnd(width('engine'))}  ${r.workload}: ${r.path}`
			: cols
					.map((k, i) =>
						i === cols.length - 1 ? r[k] : i >= 4 ? r[k].padStart(width(k)) : r[k].padEnd(width(k))
					)
					.join('  ');
	return [line(head), ...list.map(line)].join('\n');
}

/**
 * Hosted Supabase's published Realtime limits by plan (supabase.com/docs/guides/realtime/limits):
 * concurrent connections and messages per second, a message counting once per recipient.
 */
export const PLANS = [
	{ plan: 'Free', connections: 200, messagesPerSecond: 100 },
	{ plan: 'Pro', connections: 500, messagesPerSecond: 500 },
	{ plan: 'Pro, no spend cap / Team', connections: 10_000, messagesPerSecond: 2_500 }
];

/**
 * What following an event costs on hosted quotas, from the messages per seat change each viewer is
 * sent (m, as the database logged them; a phase that delivered everything received exactly these): N viewers and R seat changes/s cost N × R × m messages/s; the most seat changes/s a
 * plan allows is its message limit / (N × m), when its connections allow N viewers at all.
 */
export function quotaLines(engines: EngineResults[]): string[] {
	const measured = new Map<string, number>();
	for (const e of engines)
		for (const r of [...(e.realtime?.fanout ?? []), ...(e.realtime?.onsale ?? [])])
			for (const p of r.phases) {
				const key = `${r.path}, ${r.workload === 'onsale' ? 'on-sale holds of 1–4 seats' : 'single-seat changes'}`;
				if (!measured.has(key) && p.seatChanges)
					measured.set(key, p.messagesPerSubscriber / p.seatChanges);
			}
	const out: string[] = [];
	for (const [what, m] of measured) {
		const cells = [100, 1000, 5000].map((n) => {
			const per = PLANS.map((q) =>
				n > q.connections
					? `${q.plan} –`
					: `${q.plan} ${(q.messagesPerSecond / (n * m)).toPrecision(2)}/s`
			);
			return `${n.toLocaleString('en')} viewers: ${per.join(', ')}`;
		});
		out.push(
			`${what}: ${m.toFixed(2)} msg per seat change per viewer; most seat changes/s — ${cells.join('; ')}`
		);
	}
	return out;
}
