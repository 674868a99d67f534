/**
 * Runs the baseline (seed-server.ts) in its own process for the bench: listens on a free port and
 * answers the bench's IPC (resource readings, the time of each seat's n-th change, keyed
 * seat id × 1000 + n). Not part of the seed's design.
 */
import type { AddressInfo } from 'node:net';
import { nowMs } from '../stats.ts';
import { createSeedServer } from './seed-server.ts';

const commits = new Map<number, number>();
const changes = new Map<number, number>();
const seed = createSeedServer(Number(process.argv[2] ?? 1000), (seatId) => {
	const n = (changes.get(seatId) ?? 0) + 1;
	changes.set(seatId, n);
	commits.set(seatId * 1000 + n, nowMs());
});
await new Promise<void>((resolve) => seed.http.listen(0, '127.0.0.1', resolve));
const { port } = seed.http.address() as AddressInfo;
process.send!({ kind: 'ready', url: `http://127.0.0.1:${port}`, startMs: 0 });

let cpuMark = process.cpuUsage();
let peakRss = process.memoryUsage().rss;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250).unref();

process.on('message', async (msg: { id: number; kind: string }) => {
	let value: unknown = null;
	if (msg.kind === 'usage') {
		const cpu = process.cpuUsage(cpuMark);
		cpuMark = process.cpuUsage();
		const rss = process.memoryUsage().rss;
		value = { cpuMs: (cpu.user + cpu.system) / 1000, rss, peakRss: Math.max(peakRss, rss) };
		peakRss = rss;
	} else if (msg.kind === 'rss') value = process.memoryUsage().rss;
	else if (msg.kind === 'commits') value = [...commits];
	else if (msg.kind === 'stop') {
		seed.io.disconnectSockets(true);
		process.send!({ id: msg.id, ok: true, value: null });
		process.exit(0);
	}
	process.send!({ id: msg.id, ok: true, value });
});
