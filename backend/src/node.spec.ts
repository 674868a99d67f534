import { spawn } from 'node:child_process';
import { createServer, get as httpGet, type IncomingHttpHeaders, type Server } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from './backend.ts';
import { attach, createMiddleware, serve } from './node.ts';
import { openFixtureDb, type FixtureDb } from '../test-support/harness.ts';

/** The Node adapter: sharing an app's port, Vite-style middleware, limits and graceful shutdown. */
describe('node adapter', () => {
	let fixture: FixtureDb;
	let backend: Backend;
	const headers = () => ({
		apikey: backend.keys.publishableKey,
		'content-type': 'application/json'
	});

	beforeAll(async () => {
		fixture = await openFixtureDb('pglite');
		backend = createBackend({ db: fixture.db, maxBodyBytes: 1024 });
		await backend.ready;
	}, 60_000);
	afterAll(async () => {
		await backend.close();
		await fixture.close();
	});

	async function listen(server: Server) {
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	it('attach() serves the back-end prefixes and hands every other request to the app', async () => {
		const server = createServer((_req, res) => res.end('app'));
		const detach = attach(server, backend);
		const url = await listen(server);
		try {
			expect(await (await fetch(`${url}/`)).text()).toBe('app');
			expect(await (await fetch(`${url}/restaurant`)).text()).toBe('app');
			const rest = await fetch(`${url}/rest/v1/notes?select=id&id=eq.1`, { headers: headers() });
			expect(await rest.json()).toEqual([{ id: 1 }]);
			const health = await fetch(`${url}/auth/v1/health`);
			expect(health.status).toBe(200);
			detach();
			expect(await (await fetch(`${url}/rest/v1/notes`)).text()).toBe('app');
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('createMiddleware() answers back-end paths and calls next() for the rest', async () => {
		const middleware = createMiddleware(backend);
		const server = createServer((req, res) => middleware(req, res, () => res.end('next')));
		const url = await listen(server);
		try {
			expect(await (await fetch(`${url}/src/app.ts`)).text()).toBe('next');
			const res = await fetch(`${url}/rest/v1/rpc/add`, {
				method: 'POST',
				headers: headers(),
				body: '{"a":41}'
			});
			expect(await res.json()).toBe(42);
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('compresses big JSON answers as the client accepts (brotli, else gzip), not small ones', async () => {
		await fixture.db.query(
			`insert into public.notes (id, body) select g, repeat('seat ', 40) from generate_series(1000, 1099) g
			 on conflict do nothing`
		);
		const server = createServer((_req, res) => res.end('app'));
		attach(server, backend);
		const url = await listen(server);
		const get = (path: string, acceptEncoding?: string) =>
			new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
				const h: Record<string, string> = { apikey: backend.keys.publishableKey };
				if (acceptEncoding) h['accept-encoding'] = acceptEncoding;
				httpGet(`${url}${path}`, { headers: h }, (res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
				}).on('error', reject);
			});
		try {
			const many = '/rest/v1/notes?select=id,body&id=gte.1000&order=id';
			const plain = await get(many);
			expect(plain.headers['content-encoding']).toBeUndefined();
			expect(JSON.parse(plain.body.toString())).toHaveLength(100);

			const br = await get(many, 'gzip, deflate, br');
			expect(br.headers['content-encoding']).toBe('br');
			expect(br.headers.vary).toMatch(/Accept-Encoding/);
			expect(Number(br.headers['content-length'])).toBe(br.body.length);
			expect(br.body.length).toBeLessThan(plain.body.length / 5);
			expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);

			const gz = await get(many, 'gzip, deflate');
			expect(gz.headers['content-encoding']).toBe('gzip');
			expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
			// Refused by q=0: not sent that way.
			expect((await get(many, 'br;q=0, gzip')).headers['content-encoding']).toBe('gzip');

			const one = await get('/rest/v1/notes?select=id&id=eq.1', 'gzip, br');
			expect(one.headers['content-encoding']).toBeUndefined();
			expect(JSON.parse(one.body.toString())).toEqual([{ id: 1 }]);
			// fetch (undici, under supabase-js in Node) asks for it and decodes it.
			const viaFetch = await fetch(`${url}${many}`, { headers: headers() });
			expect(await viaFetch.json()).toEqual(JSON.parse(plain.body.toString()));
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
	});

	it('refuses a streamed body over the limit with 413 and stays up', async () => {
		const served = await serve(backend, { port: 0 });
		try {
			const chunks = new ReadableStream({
				start(controller) {
					for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(512)));
					controller.close();
				}
			});
			const res = await fetch(`${served.url}/rest/v1/notes`, {
				method: 'POST',
				headers: headers(),
				body: chunks,
				duplex: 'half'
			} as RequestInit);
			expect(res.status).toBe(413);
			const ok = await fetch(`${served.url}/rest/v1/notes?id=eq.2&select=body`, {
				headers: headers()
			});
			expect(await ok.json()).toEqual([{ body: 'two' }]);
		} finally {
			await served.close();
		}
	});

	it('graceful close lets an in-flight request finish and refuses new connections', async () => {
		const own = createBackend({ db: fixture.db });
		let arrived!: () => void;
		const inFlight = new Promise<void>((resolve) => (arrived = resolve));
		const fetchOriginal = own.fetch;
		own.fetch = (req, info) => {
			arrived();
			return fetchOriginal(req, info);
		};
		const served = await serve(own, { port: 0 });
		const slow = fetch(`${served.url}/rest/v1/rpc/slow`, {
			method: 'POST',
			headers: headers(),
			body: '{"seconds":0.3}'
		});
		await inFlight;
		const closing = served.close();
		const res = await slow;
		expect(res.status).toBe(200);
		expect(await res.json()).toBe('slept');
		await closing;
		await expect(fetch(`${served.url}/auth/v1/health`)).rejects.toThrow();
	});
});

describe('npm run backend (cli.ts)', () => {
	it('starts on an in-memory database, prints URL and keys, and exits cleanly on SIGTERM', async () => {
		const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
		const child = spawn(process.execPath, [cli, '--db', 'memory', '--port', '0'], {
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		child.stderr.on('data', (d) => (out += d));
		const url = await new Promise<string>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 60_000);
			child.stdout.on('data', (d) => {
				out += d;
				const m = /API URL: (http:\/\/\S+)/.exec(out);
				if (m) {
					clearTimeout(timer);
					resolve(m[1]);
				}
			});
			child.on('exit', () => reject(new Error(`exited early:\n${out}`)));
		});
		expect(out).toContain('sb_publishable_');
		expect(out).toContain('service_role key: eyJ');
		const health = await fetch(`${url}/auth/v1/health`);
		expect(health.status).toBe(200);
		const exited = new Promise<number | null>((resolve) =>
			child.on('exit', (code) => resolve(code))
		);
		child.kill('SIGTERM');
		expect(await exited).toBe(0);
	}, 90_000);
});
