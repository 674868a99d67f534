/**
 * Test helpers for the realtime service: an HTTP server carrying only realtime (upgrade + REST
 * broadcast), a raw WebSocket client that records frames, user JWTs, and event waits with deadlines.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import type { Db } from '../src/db/types.ts';
import { signJwt } from '../src/jwt.ts';
import { LOCAL_JWT_SECRET } from '../src/keys.ts';
import { createRealtime, type Realtime, type RealtimeOptions } from '../src/realtime/index.ts';
import { isBroadcastApiPath } from '../src/realtime/broadcast-api.ts';
import { anonymousClaims } from './callers.ts';

/** Resolves when `check` returns a value other than undefined/false, re-checked on every `signal`. */
export function waitFor<T>(
	check: () => T | undefined | false,
	what: string,
	timeoutMs = 10_000,
	subscribe?: (wake: () => void) => () => void
): Promise<T> {
	return new Promise((resolve, reject) => {
		let unsubscribe = () => {};
		let interval: ReturnType<typeof setInterval> | undefined;
		const done = () => {
			clearTimeout(timer);
			clearInterval(interval);
			unsubscribe();
		};
		const timer = setTimeout(() => {
			done();
			reject(new Error(`timed out waiting for ${what}`));
		}, timeoutMs);
		const wake = () => {
			let v: T | undefined | false;
			try {
				v = check();
			} catch (e) {
				done();
				reject(e);
				return;
			}
			if (v !== undefined && v !== false) {
				done();
				resolve(v);
			}
		};
		if (subscribe) unsubscribe = subscribe(wake);
		// state changed by callbacks outside our reach (supabase-js) is re-checked on a short tick
		else interval = setInterval(wake, 10);
		wake();
	});
}

export interface TestServer {
	url: string;
	port: number;
	realtime: Realtime;
	/** Stops realtime and the HTTP server (connections are dropped; clients will reconnect). */
	stop(): Promise<void>;
	/** Starts again on the same port with the same database. */
	restart(): Promise<void>;
	close(): Promise<void>;
}

export async function startRealtimeServer(
	db: Db,
	options: Omit<RealtimeOptions, 'db'> = {}
): Promise<TestServer> {
	let realtime!: Realtime;
	let server: Server | undefined;
	let port = 0;
	const listen = async () => {
		realtime = createRealtime({ db, ...options });
		await realtime.ready;
		const s = createServer(async (req, res) => {
			const url = new URL(req.url ?? '/', 'http://localhost');
			if (!isBroadcastApiPath(url.pathname)) {
				res.writeHead(404).end();
				return;
			}
			const chunks: Buffer[] = [];
			for await (const c of req) chunks.push(c as Buffer);
			const headers = new Headers();
			for (const [k, v] of Object.entries(req.headers))
				if (typeof v === 'string') headers.set(k, v);
			const response = await realtime.fetch(
				new Request(`http://localhost${req.url}`, {
					method: req.method,
					headers,
					body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks)
				})
			);
			res.writeHead(response.status, Object.fromEntries(response.headers));
			res.end(Buffer.from(await response.arrayBuffer()));
		});
		s.on('upgrade', (req, socket, head) => {
			if (!realtime.handleUpgrade(req, socket, head)) socket.destroy();
		});
		await new Promise<void>((done) => s.listen(port, '127.0.0.1', done));
		port = (s.address() as AddressInfo).port;
		server = s;
	};
	const stop = async () => {
		const s = server;
		server = undefined;
		await realtime.close();
		if (s) {
			s.closeAllConnections();
			await new Promise<void>((done) => s.close(() => done()));
		}
	};
	await listen();
	return {
		get url() {
			return `http://127.0.0.1:${port}`;
		},
		get port() {
			return port;
		},
		get realtime() {
			return realtime;
		},
		stop,
		restart: listen,
		close: stop
	};
}

/** An access token as GoTrue issues it for an anonymous user (its claims, HS256). */
export function userToken(
	sub: string,
	{ expiresIn = 3600, secret = LOCAL_JWT_SECRET, extra = {} as Record<string, unknown> } = {}
): string {
	return signJwt({ ...anonymousClaims(sub, { expiresIn }), ...extra }, secret);
}

/** Inserts an anonymous auth.users row, as signup would. */
export async function createUser(db: Db, id: string = randomUUID()): Promise<string> {
	await db.query(
		`insert into auth.users (instance_id, id, aud, role, raw_app_meta_data, raw_user_meta_data,
			is_anonymous, created_at, updated_at)
		values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', '{}',
			'{"display_name":"tester"}', true, now(), now())`,
		[id]
	);
	return id;
}

export type Frame = { text?: unknown[] | Record<string, unknown>; binary?: Buffer };

/** A bare Phoenix client: records every frame; `next` waits for a matching one. */
export class RawClient {
	readonly ws: WebSocket;
	readonly frames: Frame[] = [];
	#listeners = new Set<() => void>();
	#ref = 0;

	constructor(ws: WebSocket) {
		this.ws = ws;
		ws.on('message', (data, isBinary) => {
			const buf = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
			this.frames.push(isBinary ? { binary: buf } : { text: JSON.parse(buf.toString('utf8')) });
			for (const l of this.#listeners) l();
		});
		ws.on('close', () => {
			for (const l of this.#listeners) l();
		});
	}

	static async connect(url: string, query: Record<string, string>): Promise<RawClient> {
		const u = new URL('/realtime/v1/websocket', url.replace(/^http/, 'ws'));
		for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
		const ws = new WebSocket(u);
		const client = new RawClient(ws);
		await new Promise<void>((resolve, reject) => {
			ws.once('open', () => resolve());
			ws.once('error', reject);
		});
		return client;
	}

	ref(): string {
		return String(++this.#ref);
	}

	send(frame: unknown[] | Record<string, unknown> | string | Uint8Array): void {
		this.ws.send(
			typeof frame === 'string' || frame instanceof Uint8Array ? frame : JSON.stringify(frame)
		);
	}

	/** Waits for the first frame from index `from` satisfying `pred`; returns it. */
	next<T = unknown[]>(
		pred: (f: Frame) => boolean,
		what: string,
		from = 0,
		timeoutMs = 5000
	): Promise<T> {
		return waitFor(
			() => {
				const f = this.frames.slice(from).find(pred);
				return f ? ((f.text ?? f.binary) as T) : undefined;
			},
			what,
			timeoutMs,
			(wake) => {
				this.#listeners.add(wake);
				return () => this.#listeners.delete(wake);
			}
		);
	}

	/** Waits for a V2 text frame with this topic and event. */
	event(topic: string, event: string, from = 0, timeoutMs = 5000): Promise<unknown[]> {
		return this.next(
			(f) => Array.isArray(f.text) && f.text[2] === topic && f.text[3] === event,
			`${event} on ${topic}`,
			from,
			timeoutMs
		);
	}

	close(): void {
		this.ws.terminate();
	}
}
