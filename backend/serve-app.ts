/**
 * `npm start`: the production build (adapter-node) on one port. With no PUBLIC_SUPABASE_URL the
 * embedded back end shares that port (same origin as the app); with one, the app alone runs and
 * talks to that Supabase.
 */
import { createServer } from 'node:http';
import { describeDb, startEmbedded, type Embedded } from './src/embedded.ts';
import { attach } from './src/node.ts';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

// adapter-node assumes https unless told otherwise, and the app's server-side loads reach the
// embedded back end through the request's own origin: this server speaks plain http, so say so
// (a proxy in front still sets x-forwarded-proto itself).
const trustProxyProto = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (trustProxyProto) process.env.PROTOCOL_HEADER = 'x-forwarded-proto';

// The build reads env at import time; the handler module exists only after `npm run build`.
const { handler } = (await import(new URL('../build/handler.js', import.meta.url).href)) as {
	handler: (
		req: import('node:http').IncomingMessage,
		res: import('node:http').ServerResponse
	) => void;
};

let embedded: Embedded | undefined;
const server = createServer((req, res) => {
	if (trustProxyProto) req.headers['x-forwarded-proto'] ??= 'http';
	handler(req, res);
});
if (!process.env.PUBLIC_SUPABASE_URL) {
	const spec = process.env.SUPABASE_DB ?? '.data/pglite';
	embedded = await startEmbedded(spec);
	attach(server, embedded.backend);
	console.log(`Embedded Supabase back end on ${describeDb(spec)}`);
}
server.listen(port, host, () => console.log(`Listening on http://${host}:${port}`));

let stopping = false;
async function stop(signal: string) {
	if (stopping) return;
	stopping = true;
	console.log(`${signal}: finishing in-flight requests…`);
	const closed = new Promise((resolve) => server.close(resolve));
	server.closeIdleConnections();
	await embedded?.close();
	await closed;
	process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
