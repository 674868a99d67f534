import http from 'node:http';

/**
 * A `fetch` for the bench's supabase-js clients on `node:http` with keep-alive, in place of Node's
 * built-in fetch (undici). The load generator shares the two cores with the server it measures,
 * and undici's WHATWG machinery (request objects, web streams for every body) cost it about as
 * much CPU per booking as the server spent; this one sends the same requests over the same kind of
 * connection for roughly half of that. Enough of fetch for supabase-js: a string or absent body,
 * the response read whole into a real `Response`. `--client-fetch undici` restores the built-in.
 */
export function createHttpFetch(): { fetch: typeof fetch; agent: http.Agent } {
	// Every user keeps its connection (Node keeps 256 idle ones by default); idle sockets are dropped
	// before the server's 5 s keep-alive timeout could close one under a request being sent on it.
	const agent = new http.Agent({
		keepAlive: true,
		maxSockets: Infinity,
		maxFreeSockets: Infinity,
		timeout: 4000
	});
	const lightFetch = (input: string | URL | Request, init: RequestInit = {}) =>
		new Promise<Response>((resolve, reject) => {
			if (input instanceof Request) throw new Error('bench fetch: Request input not supported');
			const url = typeof input === 'string' ? new URL(input) : input;
			const headers: Record<string, string> = {};
			new Headers(init.headers).forEach((value, name) => {
				headers[name] = value;
			});
			const body = init.body;
			if (body !== undefined && body !== null && typeof body !== 'string') {
				throw new Error('bench fetch: only string bodies are supported');
			}
			if (body) headers['content-length'] = String(Buffer.byteLength(body));
			const req = http.request(
				url,
				{ method: init.method ?? 'GET', headers, agent, signal: init.signal ?? undefined },
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					res.on('error', reject);
					res.on('end', () => {
						const status = res.statusCode ?? 0;
						const out = new Headers();
						const raw = res.rawHeaders;
						for (let i = 0; i < raw.length; i += 2) out.append(raw[i], raw[i + 1]);
						const empty = status === 204 || status === 205 || status === 304;
						resolve(
							new Response(empty ? null : Buffer.concat(chunks), {
								status,
								statusText: res.statusMessage,
								headers: out
							})
						);
					});
				}
			);
			req.on('error', reject);
			req.end(body ?? undefined);
		});
	return { fetch: lightFetch as typeof fetch, agent };
}
