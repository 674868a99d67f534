import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU spent by the three parties of a booking run, so a figure can say which of them bounds it:
 * the load generator (this process), the back end (its child, read over IPC) and the PostgreSQL
 * server's processes (Linux /proc; zero elsewhere or for PGlite, which runs inside the back end).
 */
export interface CpuSplit {
	loadGeneratorMs: number;
	serverMs: number;
	postgresMs: number;
}

/** Kernel clock ticks per second; 100 on every Linux this runs on (USER_HZ). */
const TICK_MS = 10;

/**
 * CPU time of the PostgreSQL backends connected to `database` (every `postgres` process when
 * absent), in ms: other databases on the same server (other test suites) stay out of the figure,
 * and so do the shared WAL writer and checkpointer. A backend that exits in between is lost.
 */
export function postgresCpuMs(database?: string): number {
	let ticks = 0;
	let entries: string[];
	try {
		entries = readdirSync('/proc');
	} catch {
		return 0;
	}
	for (const pid of entries) {
		if (!/^\d+$/.test(pid)) continue;
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const close = stat.lastIndexOf(')');
			if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
			// A backend's title: `postgres: 15/main: <user> <database> <client> <activity>`.
			if (database && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `))
				continue;
			// Fields after the command: state is field 3, utime 14 and stime 15.
			const fields = stat.slice(close + 2).split(' ');
			ticks += Number(fields[11]) + Number(fields[12]);
		} catch {
			// exited while listed
		}
	}
	return ticks * TICK_MS;
}

export function loadGeneratorCpuMs(): number {
	const u = process.cpuUsage();
	return (u.user + u.system) / 1000;
}

/** Starts a reading; `stop(serverMs)` returns the split since then. */
export function cpuMeter(database?: string) {
	const client = loadGeneratorCpuMs();
	const pg = database ? postgresCpuMs(database) : 0;
	return (serverMs: number): CpuSplit => ({
		loadGeneratorMs: loadGeneratorCpuMs() - client,
		serverMs,
		postgresMs: database ? postgresCpuMs(database) - pg : 0
	});
}
