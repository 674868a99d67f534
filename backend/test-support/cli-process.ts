/**
 * Test helpers that run `npm run backend` (cli.ts) as a child process, so a test can kill it the
 * way an operating system or an operator would, and start it again on the same data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliProcess {
	child: ChildProcess;
	url: string;
	/** Resolves when the process has ended (any way). */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** Everything it wrote so far, for failure messages. */
	output(): string;
}

/** A port that was free a moment ago; restarts need the same port, so `--port 0` won't do. */
export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

/** Starts the CLI on `db` and resolves once it prints its URL (it listens by then). */
export async function startCli(db: string, port: number, timeoutMs = 60_000): Promise<CliProcess> {
	const child = spawn(process.execPath, [CLI, '--db', db, '--port', String(port)], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	child.stdout.on('data', (d) => (out += d));
	child.stderr.on('data', (d) => (out += d));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.on('exit', (code, signal) => resolve({ code, signal }))
	);
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`back end did not start within ${timeoutMs} ms:\n${out}`));
		}, timeoutMs);
		const onData = () => {
			const m = /API URL: (http:\/\/\S+)/.exec(out);
			if (!m) return;
			clearTimeout(timer);
			child.stdout.off('data', onData);
			resolve(m[1]);
		};
		child.stdout.on('data', onData);
		void exited.then(({ code, signal }) => {
			clearTimeout(timer);
			reject(new Error(`back end exited early (${code ?? signal}):\n${out}`));
		});
	});
	return { child, url, exited, output: () => out };
}
