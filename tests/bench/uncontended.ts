import { book } from './booking.ts';
import type { SignedIn } from './clients.ts';
import { cpuMeter, type CpuSplit } from './cpu.ts';
import type { BenchServer } from './server.ts';
import { nowMs, perSecond, summarize, type Summary } from './stats.ts';
import { createEvent } from './venue.ts';

export interface LevelResult {
	concurrency: number;
	requests: number;
	wallMs: number;
	bookingsPerSecond: number;
	latency: Summary;
	failures: number;
	serverCpuMs: number;
	/** CPU per party over the level (load generator, back end, PostgreSQL server). */
	cpu: CpuSplit;
}

export interface UncontendedResult {
	levels: LevelResult[];
	/** The level with the highest throughput. */
	best: LevelResult;
	errors: string[];
}

/**
 * Every request books a different seat (no two requests ever meet on a seat), with `concurrency`
 * requests in flight, each from a different user. One fresh event per level.
 */
export async function uncontended(
	server: BenchServer,
	users: SignedIn[],
	requests: number,
	concurrencies: number[]
): Promise<UncontendedResult> {
	const levels: LevelResult[] = [];
	const errors: string[] = [];
	for (const concurrency of concurrencies) {
		const event = await createEvent(server, requests, { label: 'free' });
		// a short warm-up on other seats' neighbours is not needed: the contended run warmed the stack
		await server.usage();
		const meter = cpuMeter(server.database);
		let next = 0;
		let failures = 0;
		const codes = new Set<string>();
		const latencies: number[] = [];
		const start = nowMs();
		await Promise.all(
			Array.from({ length: concurrency }, async () => {
				while (next < requests) {
					const i = next++;
					const a = await book(users[i % users.length].client, event.id, event.seatIds[i]);
					latencies.push(a.ms);
					if (!a.ok) {
						failures++;
						codes.add(`${a.status}/${a.code}`);
					}
				}
			})
		);
		const wallMs = nowMs() - start;
		const usage = await server.usage();
		if (failures) errors.push(`c=${concurrency}: ${failures} failed (${[...codes].join(', ')})`);
		levels.push({
			concurrency,
			requests,
			wallMs,
			bookingsPerSecond: perSecond(requests - failures, wallMs),
			latency: summarize(latencies),
			failures,
			serverCpuMs: usage.cpuMs,
			cpu: meter(usage.cpuMs)
		});
	}
	const best = levels.reduce((a, b) => (b.bookingsPerSecond > a.bookingsPerSecond ? b : a));
	return { levels, best, errors };
}
