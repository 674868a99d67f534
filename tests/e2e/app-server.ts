/**
 * The production server (`npm start`: app + embedded back end on one port) as a child process of a
 * test, on its own port and PGlite directory, so the test can kill it the way an operating system
 * would and start it again on the same data. Needs `npm run build` first (`npm run test:e2e` does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_KEYS, TEST_SERVER_ENV } from '../../backend/test-support/test-keys.ts';

const SERVE_APP = fileURLToPath(new URL('../../backend/serve-app.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface AppServer {
	url: string;
	child: ChildProcess;
	/** Everything it wrote so far, for failure messages. */
	output(): string;
	/** Sends `signal` and resolves once the process has ended (at once if it already has). */
	stop(signal: NodeJS.Signals): Promise<void>;
}

/** Starts the server on `dataDir` and resolves once it listens on `port`. */
export async function startAppServer(
	dataDir: string,
	port: number,
	timeoutMs = 60_000
): Promise<AppServer> {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		...TEST_SERVER_ENV,
		PORT: String(port),
		HOST: '127.0.0.1',
		SUPABASE_DB: dataDir
	};
	// The test needs the embedded back end, whatever the shell points the app at.
	delete env.PUBLIC_SUPABASE_URL;
	delete env.PUBLIC_SUPABASE_ANON_KEY;
	// The runner's own Node (24, from the `node` devDependency) strips the types of serve-app.ts.
	const child = spawn(process.execPath, [SERVE_APP], {
		cwd: REPO_ROOT,
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	child.stdout.on('data', (d) => (out += d));
	child.stderr.on('data', (d) => (out += d));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const ended = () => child.exitCode !== null || child.signalCode !== null;

	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`server did not start within ${timeoutMs} ms:\n${out}`));
		}, timeoutMs);
		const onData = () => {
			if (!out.includes('Listening on')) return;
			clearTimeout(timer);
			child.stdout.off('data', onData);
			resolve();
		};
		child.stdout.on('data', onData);
		void exited.then(() => {
			clearTimeout(timer);
			reject(new Error(`server exited early (${child.exitCode ?? child.signalCode}):\n${out}`));
		});
	});

	const url = `http://127.0.0.1:${port}`;
	// The REST API answers as the app will ask it (the schema cache loads on the first request):
	// a server that is up but broken fails here, with its own output, not as a page's error.
	const probe = await fetch(`${url}/rest/v1/events?select=id&limit=1`, {
		headers: { apikey: TEST_KEYS.anonKey }
	}).catch((e: unknown) => e as Error);
	if (probe instanceof Error || !probe.ok) {
		child.kill('SIGKILL');
		await exited;
		const said = probe instanceof Error ? String(probe) : `${probe.status} ${await probe.text()}`;
		throw new Error(`server started but its REST API failed (${said}):\n${out}`);
	}

	return {
		url,
		child,
		output: () => out,
		async stop(signal) {
			if (ended()) return;
			child.kill(signal);
			await exited;
		}
	};
}
