import type { ContendedResult } from './contended.ts';
import type { CpuSplit } from './cpu.ts';
import type { FanoutPhase, FanoutResult } from './fanout.ts';
import type { SeatMapResult } from './seat-map.ts';
import type { Summary } from './stats.ts';
import type { UncontendedResult } from './uncontended.ts';

export interface EngineResults {
	engine: string;
	serverStartMs?: number;
	signInMs?: number;
	contended?: ContendedResult;
	uncontended?: UncontendedResult;
	fanout?: FanoutResult;
	skipped?: string;
}

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
	return {
		workload: `fan-out ${p.subscribers} ${p.client === 'supabase-js' || p.client === 'socket.io' ? '' : `${p.client} `}subs @ ${p.rate}/s × ${p.seconds}s`,
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
	seed: FanoutResult | undefined,
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
		for (const p of e.fanout?.phases ?? []) out.push(fanoutRow(p, label));
		for (const err of e.fanout?.errors ?? [])
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
	for (const p of seed?.phases ?? []) out.push(fanoutRow(p, 'SEED baseline'));
	// ours / seed, per engine and rate: below 1 means ours is faster
	for (const e of engines)
		for (const p of e.fanout?.phases ?? []) {
			const s = seed?.phases.find((q) => q.rate === p.rate && q.subscribers === p.subscribers);
			if (!s) continue;
			const r = (a: number, b: number) => (b > 0 ? (a / b).toPrecision(2) : '–');
			out.push({
				workload: `ratio ours/seed @ ${p.rate}/s`,
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
