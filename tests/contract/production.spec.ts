/**
 * `npm start` as an operator runs it (`node backend/serve-app.ts` on the production build), on
 * fresh data of its own, with no secret given: it must never accept what Supabase publishes (the
 * demo JWT secret, the CLI's service key and sb_secret_ key), must keep its own secret across a
 * restart, must never show a service key, and logs one line per request. Builds the app first
 * when there is no build yet.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../backend/src/jwt.ts';
import {
	LOCAL_ANON_KEY,
	LOCAL_JWT_SECRET,
	LOCAL_PUBLISHABLE_KEY,
	LOCAL_SECRET_KEY,
	LOCAL_SERVICE_ROLE_KEY,
	deriveKeys
} from '../../backend/src/keys.ts';
import { secretFile } from '../../backend/src/secrets.ts';
import type { KeySet } from '../../backend/src/http/credentials.ts';
import { ENGINES } from '../../backend/test-support/databases.ts';
import { freePort } from '../../backend/test-support/cli-process.ts';
import { createTestDatabase, type TestDatabase } from '../../backend/test-support/test-database.ts';
import { openPostgres } from '../../backend/src/db/postgres.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILD = join(REPO_ROOT, 'build');

/** The environment of an operator who set nothing but where to listen and the data. */
function operatorEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', LOG_REQUESTS: '1', ...extra };
	for (const name of [
		'JWT_SECRET',
		'ANON_KEY',
		'SERVICE_ROLE_KEY',
		'SUPABASE_PUBLISHABLE_KEY',
		'SUPABASE_SECRET_KEY',
		'PUBLIC_SUPABASE_URL',
		'PUBLIC_SUPABASE_ANON_KEY',
		'VITEST',
		'ORIGIN'
	]) {
		if (!(name in extra)) delete env[name];
	}
	return env;
}

interface Server {
	url: string;
	child: ChildProcess;
	output(): string;
	stop(): Promise<void>;
}

function start(env: NodeJS.ProcessEnv): Promise<Server> {
	const child = spawn(process.execPath, ['backend/serve-app.ts'], {
		cwd: REPO_ROOT,
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	child.stdout!.on('data', (d) => (out += d));
	child.stderr!.on('data', (d) => (out += d));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`not listening after 90 s:\n${out}`));
		}, 90_000);
		child.stdout!.on('data', () => {
			if (!out.includes('Listening on')) return;
			clearTimeout(timer);
			resolve({
				url: `http://127.0.0.1:${env.PORT}`,
				child,
				output: () => out,
				async stop() {
					if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
					await exited;
				}
			});
		});
		void exited.then(() => {
			clearTimeout(timer);
			reject(new Error(`exited (${child.exitCode}):\n${out}`));
		});
	});
}

/** Runs serve-app expecting it to refuse to start; resolves with its exit code and output. */
function refusal(env: NodeJS.ProcessEnv) {
	const run = spawnSync(process.execPath, ['backend/serve-app.ts'], {
		cwd: REPO_ROOT,
		env,
		encoding: 'utf8',
		timeout: 90_000
	});
	return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

beforeAll(() => {
	if (existsSync(join(BUILD, 'handler.js'))) return;
	const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, encoding: 'utf8' });
	if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}, 300_000);

describe('the production build', () => {
	it('contains no service key or secret of the CLI, and no sb_secret_ key at all', async () => {
		const files: string[] = [];
		const walk = async (dir: string) => {
			for (const entry of await readdir(dir, { withFileTypes: true })) {
				const path = join(dir, entry.name);
				if (entry.isDirectory()) await walk(path);
				else files.push(path);
			}
		};
		await walk(BUILD);
		expect(files.length).toBeGreaterThan(10);
		for (const file of files) {
			const text = await readFile(file, 'latin1');
			for (const secret of [LOCAL_SERVICE_ROLE_KEY, LOCAL_SECRET_KEY, LOCAL_JWT_SECRET]) {
				expect(text.includes(secret), `${secret.slice(0, 16)}… in ${file}`).toBe(false);
			}
			// supabase-js itself names the prefix (to tell key kinds apart); no key follows it.
			expect(text, file).not.toMatch(/sb_secret_[\w-]{20}/);
		}
	});
});

describe.each(ENGINES)('npm start on %s with no secret given', { timeout: 240_000 }, (engine) => {
	let dir: string;
	let database: TestDatabase | undefined;
	let spec: string;
	let port: number;
	let server: Server;
	let keys: KeySet;

	/** The secret the server generated, read from where it keeps it. */
	async function storedKeys(): Promise<KeySet> {
		if (engine === 'pglite') return deriveKeys((await readFile(secretFile(spec), 'utf8')).trim());
		const db = await openPostgres(spec, { max: 1 });
		try {
			const { rows } = await db.query<{ secret: string }>(
				'select secret from _embedded.jwt_secret'
			);
			return deriveKeys(rows[0].secret);
		} finally {
			await db.close();
		}
	}

	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'production-'));
		if (engine === 'postgres') database = await createTestDatabase();
		spec = database?.url ?? join(dir, 'pglite');
		port = await freePort();
		server = await start(operatorEnv({ PORT: String(port), SUPABASE_DB: spec }));
		keys = await storedKeys();
	}, 240_000);
	afterAll(async () => {
		await server?.stop();
		await database?.drop();
		await rm(dir, { recursive: true, force: true });
	});

	const rest = (path: string, headers: Record<string, string>, init: RequestInit = {}) =>
		fetch(`${server.url}/rest/v1${path}`, { ...init, headers: { ...headers, ...init.headers } });

	it("refuses the demo secret's tokens, the CLI's service key and sb_secret_ key with 401", async () => {
		const now = Math.floor(Date.now() / 1000);
		const demoService = signJwt({ role: 'service_role', exp: now + 600 }, LOCAL_JWT_SECRET);
		const somebody = signJwt(
			{ sub: '00000000-0000-4000-8000-000000000001', role: 'authenticated', exp: now + 600 },
			LOCAL_JWT_SECRET
		);
		const attempts: Record<string, Record<string, string>> = {
			'the CLI service_role key': { apikey: LOCAL_SERVICE_ROLE_KEY },
			'the CLI sb_secret_ key': {
				apikey: LOCAL_SECRET_KEY,
				authorization: `Bearer ${LOCAL_SECRET_KEY}`
			},
			'the CLI anon key (signed with the demo secret)': { apikey: LOCAL_ANON_KEY },
			'a service_role token signed with the demo secret': {
				apikey: LOCAL_PUBLISHABLE_KEY,
				authorization: `Bearer ${demoService}`
			},
			"a user's token signed with the demo secret": {
				apikey: LOCAL_PUBLISHABLE_KEY,
				authorization: `Bearer ${somebody}`
			}
		};
		for (const [what, headers] of Object.entries(attempts)) {
			const read = await rest('/events?select=id&limit=1', headers);
			expect(read.status, what).toBe(401);
			const write = await rest('/events?id=eq.1', headers, {
				method: 'PATCH',
				headers: { 'content-type': 'application/json', prefer: 'return=representation' },
				body: JSON.stringify({ name: 'Owned' })
			});
			expect(write.status, what).toBe(401);
		}
		const events = await rest('/events?select=name&name=eq.Owned', {
			apikey: LOCAL_PUBLISHABLE_KEY
		});
		expect(await events.json()).toEqual([]);
	});

	it('accepts its own anon key and the publishable key, and its own service key', async () => {
		for (const apikey of [keys.anonKey, LOCAL_PUBLISHABLE_KEY]) {
			const res = await rest('/events?select=id&limit=1', { apikey });
			expect(res.status).toBe(200);
			expect(await res.json()).toHaveLength(1);
		}
		const service = await rest('/bookings?select=id&limit=1', { apikey: keys.secretKey });
		expect(service.status).toBe(200);
	});

	it('shows no service key or secret: not in its output, not in the pages it serves', async () => {
		const page = await (await fetch(`${server.url}/`)).text();
		expect(page).toContain(LOCAL_PUBLISHABLE_KEY);
		for (const secret of [keys.jwtSecret, keys.serviceRoleKey, keys.secretKey]) {
			expect(server.output()).not.toContain(secret);
			expect(page).not.toContain(secret);
		}
		expect(server.output()).toMatch(/JWT secret: generated, kept in/);
	});

	it('keeps its secret over a restart: a session from before still works', async () => {
		const signup = await fetch(`${server.url}/auth/v1/signup`, {
			method: 'POST',
			headers: { apikey: LOCAL_PUBLISHABLE_KEY, 'content-type': 'application/json' },
			body: JSON.stringify({ data: { display_name: 'Before' } })
		});
		expect(signup.status).toBe(200);
		const session = (await signup.json()) as { access_token: string; refresh_token: string };

		await server.stop();
		server = await start(operatorEnv({ PORT: String(port), SUPABASE_DB: spec }));
		expect(await storedKeys()).toEqual(keys);

		const auth = { apikey: LOCAL_PUBLISHABLE_KEY, authorization: `Bearer ${session.access_token}` };
		const user = await fetch(`${server.url}/auth/v1/user`, { headers: auth });
		expect(user.status).toBe(200);
		expect((await user.json()).user_metadata).toEqual({ display_name: 'Before' });
		expect((await rest('/bookings?select=id', auth)).status).toBe(200);
		const refreshed = await fetch(`${server.url}/auth/v1/token?grant_type=refresh_token`, {
			method: 'POST',
			headers: { apikey: LOCAL_PUBLISHABLE_KEY, 'content-type': 'application/json' },
			body: JSON.stringify({ refresh_token: session.refresh_token })
		});
		expect(refreshed.status).toBe(200);
	});

	it('logs each request in one line: method, path without values, status, duration, user', async () => {
		const signup = await fetch(`${server.url}/auth/v1/signup`, {
			method: 'POST',
			headers: { apikey: LOCAL_PUBLISHABLE_KEY, 'content-type': 'application/json' },
			body: '{}'
		});
		const { access_token: token, user } = (await signup.json()) as {
			access_token: string;
			user: { id: string };
		};
		await rest('/events?select=id&slug=eq.secret-slug', {
			apikey: LOCAL_PUBLISHABLE_KEY,
			authorization: `Bearer ${token}`
		});
		await (await fetch(`${server.url}/`)).text();
		const ts = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
		// A line is written once the answer has ended, which the client may see a moment earlier.
		const page = new RegExp(`^${ts} GET / 200 \\d+\\.\\dms -$`, 'm');
		for (let waited = 0; !page.test(server.output()) && waited < 5000; waited += 20)
			await new Promise((resolve) => setTimeout(resolve, 20));
		const lines = server.output().split('\n');
		expect(lines).toContainEqual(
			expect.stringMatching(new RegExp(`^${ts} POST /auth/v1/signup 200 \\d+\\.\\dms -$`))
		);
		expect(lines).toContainEqual(
			expect.stringMatching(
				new RegExp(`^${ts} GET /rest/v1/events\\?select&slug 200 \\d+\\.\\dms ${user.id}$`)
			)
		);
		expect(lines).toContainEqual(
			expect.stringMatching(new RegExp(`^${ts} GET / 200 \\d+\\.\\dms -$`))
		);
		expect(server.output()).not.toContain('secret-slug');
	});

	it('refuses to start on a secret shorter than 32 bytes, or on the demo secret', async () => {
		for (const [secret, message] of [
			['too-short-a-secret', 'JWT_SECRET is 18 bytes long; it must be at least 32 bytes'],
			[LOCAL_JWT_SECRET, 'demo secret']
		]) {
			const run = refusal(
				operatorEnv({
					PORT: String(await freePort()),
					SUPABASE_DB: engine === 'pglite' ? join(dir, 'refused') : spec,
					JWT_SECRET: secret
				})
			);
			expect(run.code).toBe(1);
			expect(run.output).toContain(message);
			expect(run.output).not.toContain('Listening on');
		}
	});
});
