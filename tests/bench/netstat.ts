import { readFileSync } from 'node:fs';

/**
 * The kernel's count of connections dropped because a listen queue was full (Linux
 * TcpExt ListenOverflows, machine-wide); undefined elsewhere. A drop costs the client a SYN
 * retransmit, 1 s and more, which is what a burst of new connections beyond the server's listen
 * backlog looks like in a latency figure.
 */
export function listenOverflows(): number | undefined {
	try {
		const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
		for (let i = 0; i + 1 < lines.length; i += 2) {
			if (!lines[i].startsWith('TcpExt:')) continue;
			const names = lines[i].split(/\s+/);
			const values = lines[i + 1].split(/\s+/);
			const k = names.indexOf('ListenOverflows');
			return k > 0 ? Number(values[k]) : undefined;
		}
	} catch {
		// not Linux
	}
	return undefined;
}
