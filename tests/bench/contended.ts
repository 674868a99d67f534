import { book } from './booking.ts';
import type { SignedIn } from './clients.ts';
import { cpuMeter, type CpuSplit } from './cpu.ts';
import { listenOverflows } from './netstat.ts';
import type { BenchServer } from './server.ts';
import { nowMs, perSecond, summarize, type Summary } from './stats.ts';
import { createEvent } from './venue.ts';

export interface ContendedResult {
	users: number;
	seats: number;
	wallMs: number;
	/** Requests resolved (won or refused) per second of wall time. */
	requestsPerSecond: number;
	bookingsPerSecond: number;
	latency: Summary;
	winners: number;
	losers: number;
	/** Every check that failed; empty when the outcome is right. */
	errors: string[];
	serverCpuMs: number;
	/** CPU per party over the race (load generator, back end, PostgreSQL server). */
	cpu: CpuSplit;
	/** Untimed: every user's connection opened before the race (as a browser that loaded the page). */
	warmupMs: number;
	/** Kernel listen-queue drops during the warm-up and during the race (Linux, machine-wide). */
	listenOverflows: { warmup?: number; race?: number };
}

/**
 * N signed-in users race for M seats of a fresh event, all requests released at once; user k asks
 * for seat k mod M, so every seat has N/M contenders and exactly M must win.
 */
export async function contended(
	server: BenchServer,
	users: SignedIn[],
	seats: number
): Promise<ContendedResult> {
	const event = await createEvent(server, seats, { label: 'race' });
	// Users who are looking at the seat map already hold a connection: open one per user first, so
	// the race measures booking and not TCP set-up (both bench fetches keep them alive for 4 s).
	const overflowsBefore = listenOverflows();
	const warmStart = nowMs();
	await Promise.all(
		users.map((u) => u.fetch(`${server.url}/auth/v1/health`).then((r) => r.text()))
	);
	const warmupMs = nowMs() - warmStart;
	const overflowsWarm = listenOverflows();
	await server.usage();
	const meter = cpuMeter(server.database);
	const start = nowMs();
	const attempts = await Promise.all(
		users.map((u, k) => book(u.client, event.id, event.seatIds[k % seats]))
	);
	const wallMs = nowMs() - start;
	const usage = await server.usage();
	const cpu = meter(usage.cpuMs);
	const overflowsAfter = listenOverflows();
	const diff = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : b - a);

	const errors: string[] = [];
	const winners = attempts.filter((a) => a.ok);
	const losers = attempts.filter((a) => !a.ok);
	const expected = Math.min(seats, users.length);
	if (winners.length !== expected) errors.push(`${winners.length} winners, expected ${expected}`);
	const wrong = losers.filter((a) => a.status !== 409 || a.code !== '23505');
	if (wrong.length) {
		const kinds = [...new Set(wrong.map((a) => `${a.status}/${a.code}`))].join(', ');
		errors.push(`${wrong.length} losers not refused with 409/23505 (${kinds})`);
	}
	const [row] = await server.sql<{ booked: string; seats: string }>(
		`select count(*) as booked, count(distinct seat_id) as seats
		 from public.bookings where event_id = $1 and status = 'booked'`,
		[event.id]
	);
	if (Number(row.booked) !== expected || Number(row.seats) !== expected)
		errors.push(
			`database holds ${row.booked} bookings on ${row.seats} seats, expected ${expected}`
		);

	return {
		users: users.length,
		seats,
		wallMs,
		requestsPerSecond: perSecond(attempts.length, wallMs),
		bookingsPerSecond: perSecond(winners.length, wallMs),
		latency: summarize(attempts.map((a) => a.ms)),
		winners: winners.length,
		losers: losers.length,
		errors,
		serverCpuMs: usage.cpuMs,
		cpu,
		warmupMs,
		listenOverflows: {
			warmup: diff(overflowsBefore, overflowsWarm),
			race: diff(overflowsWarm, overflowsAfter)
		}
	};
}
