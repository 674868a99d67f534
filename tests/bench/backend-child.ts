/**
 * The embedded back end in its own process, so the load generator and the server never share an
 * event loop. Same start-up as `npm run backend` (startEmbedded + serve); the IPC channel only
 * carries set-up SQL run as the owner (creating events) and resource readings, never the measured
 * traffic, which goes through HTTP and WebSockets like any client's.
 */
import { startEmbedded } from '../../backend/src/embedded.ts';
import { serve } from '../../backend/src/node.ts';

type Request =
	| { id: number; kind: 'sql'; sql: string; params?: unknown[] }
	| { id: number; kind: 'usage' }
	| { id: number; kind: 'rss' }
	| { id: number; kind: 'stop' };

const spec = process.argv[2] ?? 'memory';
const started = performance.now();
// The CLI's start-up, keys and all; its thousands of users all sign in from 127.0.0.1.
const embedded = await startEmbedded(spec, {
	keys: 'local-development',
	anonymousSignInsPerHour: 0
});
const served = await serve(embedded.backend, { port: 0, host: '127.0.0.1' });
process.send!({ kind: 'ready', url: served.url, startMs: performance.now() - started });

let cpuMark = process.cpuUsage();
let peakRss = process.memoryUsage().rss;
setInterval(() => {
	peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 250).unref();

process.on('message', async (msg: Request) => {
	try {
		if (msg.kind === 'sql') {
			const result = await embedded.db.query(msg.sql, msg.params);
			process.send!({ id: msg.id, ok: true, value: result.rows });
		} else if (msg.kind === 'usage') {
			// CPU since the previous reading: the caller brackets a workload with two readings.
			const cpu = process.cpuUsage(cpuMark);
			cpuMark = process.cpuUsage();
			const rss = process.memoryUsage().rss;
			process.send!({
				id: msg.id,
				ok: true,
				value: { cpuMs: (cpu.user + cpu.system) / 1000, rss, peakRss: Math.max(peakRss, rss) }
			});
			peakRss = rss;
		} else if (msg.kind === 'rss') {
			process.send!({ id: msg.id, ok: true, value: process.memoryUsage().rss });
		} else if (msg.kind === 'stop') {
			await served.close(2000);
			await embedded.db.close();
			process.send!({ id: msg.id, ok: true, value: null });
			process.exit(0);
		}
	} catch (e) {
		process.send!({ id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) });
	}
});
