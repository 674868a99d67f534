import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Duplex } from 'node:stream';
import type { Backend } from './backend.ts';
import { logRequests, type LogSink } from './request-log.ts';

/**
 * The Node side of the back end, in the shape of Hono's node adapter: IncomingMessage → Request,
 * Response → ServerResponse, plus ways to share an app's server (attach, middleware) and a
 * stand-alone server with graceful shutdown.
 */

/** The prefixes the back end owns on a shared port. */
export const BACKEND_PATH = /^\/(auth|rest|realtime)\/v1(\/|\?|$)/;
export const REALTIME_WEBSOCKET_PATH = /^\/realtime\/v1\/websocket(\?|$)/;

export function isBackendPath(url: string | undefined): boolean {
	return BACKEND_PATH.test(url ?? '');
}

/**
 * `body`: the whole body when it was read already (see `smallBody`); otherwise it is streamed from
 * `req`.
 */
export function toRequest(req: IncomingMessage, body?: Buffer): Request {
	const protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
	const url = new URL(req.url ?? '/', `${protocol}://${req.headers.host || 'localhost'}`);
	const headers = new Headers();
	for (const [name, value] of Object.entries(req.headers)) {
		if (value === undefined) continue;
		if (Array.isArray(value)) for (const v of value) headers.append(name, v);
		else headers.set(name, value);
	}
	const method = req.method ?? 'GET';
	const hasBody = method !== 'GET' && method !== 'HEAD';
	if (!hasBody) return new Request(url, { method, headers });
	if (body) return new Request(url, { method, headers, body: body as Uint8Array<ArrayBuffer> });
	return new Request(url, {
		method,
		headers,
		body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
		// Required by undici for a streamed request body.
		duplex: 'half'
	} as RequestInit);
}

/**
 * Bodies up to this size (by Content-Length) are read whole before the Request is made, sparing a
 * small API call the web-stream adapter over the socket (about 8 µs of CPU of the ~90 µs the Node
 * side of a request costs). Larger or chunked bodies stay streamed, so the services' size limits
 * apply while reading.
 */
const SMALL_BODY = 64 * 1024;

/** The whole body of a small request, or undefined when it is large or of unknown length. */
function smallBody(req: IncomingMessage): Promise<Buffer> | undefined {
	const length = Number(req.headers['content-length']);
	if (!(length >= 0 && length <= SMALL_BODY) || req.headers['transfer-encoding']) return undefined;
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let ended = false;
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			ended = true;
			resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
		});
		req.on('error', reject);
		// A client that goes away mid-body: nobody is left to answer.
		req.on('close', () => {
			if (!ended) reject(new Error('request closed before its body ended'));
		});
	});
}

/**
 * Answers from this size on are compressed when the client accepts it, as hosted Supabase's edge
 * compresses them: a stadium's seat map is 0.53 MB of JSON and 68 kB compressed, a bookings
 * snapshot of thousands of seats hundreds of kB. At the fastest settings (brotli 1, gzip 1) the
 * map costs 2–3 ms of CPU, off the event loop.
 */
const COMPRESS_FROM = 1024;
const COMPRESSIBLE = /^(application\/([\w.+-]*\+)?json|text\/)/;
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** The encoding to answer in: brotli or gzip if the client takes it (Accept-Encoding), else none. */
export function pickEncoding(accept: string | undefined): 'br' | 'gzip' | null {
	const taken = new Set<string>();
	for (const part of (accept ?? '').split(',')) {
		const [name, ...params] = part.trim().toLowerCase().split(';');
		const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
		if (name && !(q && Number(q.slice(2)) === 0)) taken.add(name);
	}
	if (taken.has('br')) return 'br';
	if (taken.has('gzip')) return 'gzip';
	return null;
}

export async function writeResponse(
	res: ServerResponse,
	response: Response,
	acceptEncoding?: string
): Promise<void> {
	const headers: Record<string, string | string[]> = {};
	response.headers.forEach((value, name) => {
		if (name !== 'set-cookie') headers[name] = value;
	});
	const cookies = response.headers.getSetCookie();
	if (cookies.length) headers['set-cookie'] = cookies;
	let body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
	const encoding = pickEncoding(acceptEncoding);
	if (
		body &&
		body.length >= COMPRESS_FROM &&
		COMPRESSIBLE.test(headers['content-type']?.toString() ?? '') &&
		!headers['content-encoding']
	) {
		headers.vary = headers.vary ? `${headers.vary}, Accept-Encoding` : 'Accept-Encoding';
		if (encoding === 'br')
			body = await brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
		else if (encoding === 'gzip') body = await gzipped(body, { level: 1 });
		if (encoding) headers['content-encoding'] = encoding;
	}
	if (body) headers['content-length'] = String(body.length);
	res.writeHead(response.status, headers);
	res.end(body);
}

/** Serves one Node request with the back end; never throws (a broken request gets a 400/500). */
export async function handleNodeRequest(
	backend: Backend,
	req: IncomingMessage,
	res: ServerResponse
) {
	let request: Request;
	try {
		const method = req.method ?? 'GET';
		const body = method === 'GET' || method === 'HEAD' ? undefined : smallBody(req);
		request = toRequest(req, body && (await body));
	} catch {
		res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"Bad request"}');
		return;
	}
	try {
		const response = await backend.fetch(request, { remoteAddress: req.socket.remoteAddress });
		await writeResponse(res, response, req.headers['accept-encoding']);
	} catch (e) {
		console.error('[backend] request failed', e);
		if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
		res.end('{"message":"Internal server error"}');
	}
}

/** A WebSocket upgrade listener: takes `/realtime/v1/websocket`, leaves other paths alone. */
export function upgradeListener(backend: Backend) {
	return (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		if (!REALTIME_WEBSOCKET_PATH.test(req.url ?? '')) return;
		if (!backend.handleUpgrade(req, socket, head)) {
			socket.end(
				'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'
			);
		}
	};
}

/**
 * Connect-style middleware (Vite's dev server): back-end paths are answered, everything else goes
 * to `next()`. Upgrades need `upgradeListener` on the HTTP server as well.
 */
export function createMiddleware(backend: Backend) {
	return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => {
		if (!isBackendPath(req.url)) return next();
		void handleNodeRequest(backend, req, res);
	};
}

/**
 * Mounts the back end on an existing server (an app's): its paths are served here, every other
 * request reaches the listeners the server already had. Returns a function that undoes it.
 */
export function attach(server: Server, backend: Backend): () => void {
	const previous = server.listeners('request') as ((
		req: IncomingMessage,
		res: ServerResponse
	) => void)[];
	server.removeAllListeners('request');
	const onRequest = (req: IncomingMessage, res: ServerResponse) => {
		if (isBackendPath(req.url)) return void handleNodeRequest(backend, req, res);
		if (!previous.length) return void res.writeHead(404).end();
		for (const listener of previous) listener.call(server, req, res);
	};
	const onUpgrade = upgradeListener(backend);
	server.on('request', onRequest);
	server.on('upgrade', onUpgrade);
	return () => {
		server.off('request', onRequest);
		server.off('upgrade', onUpgrade);
		for (const listener of previous) server.on('request', listener);
	};
}

export interface Served {
	server: Server;
	/** `http://host:port` */
	url: string;
	/**
	 * Graceful shutdown: stop accepting, let in-flight requests finish (up to `timeoutMs`), then
	 * drop what is left and stop the back end.
	 */
	close(timeoutMs?: number): Promise<void>;
}

export async function serve(
	backend: Backend,
	{
		port = 54321,
		host = '127.0.0.1',
		log = false
	}: {
		port?: number;
		host?: string;
		/** One line per request (see request-log.ts), to the console or to a sink. Default off. */
		log?: boolean | LogSink;
	} = {}
): Promise<Served> {
	await backend.ready;
	const server = createServer();
	attach(server, backend);
	if (log) logRequests(server, backend.keys, log === true ? undefined : log);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address() as AddressInfo;
	const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	let closing: Promise<void> | undefined;
	return {
		server,
		url: `http://${shownHost}:${address.port}`,
		close(timeoutMs = 10_000) {
			closing ??= (async () => {
				const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
				server.closeIdleConnections();
				const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
				await backend.close();
				server.closeIdleConnections();
				await stopped;
				clearTimeout(timer);
			})();
			return closing;
		}
	};
}
