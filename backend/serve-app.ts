/**
 * `npm start`: the production build (adapter-node) on one port. With no PUBLIC_SUPABASE_URL the
 * embedded back end shares that port (same origin as the app), signing with the environment's
 * `JWT_SECRET` or a random secret generated on the first start and kept with the data (see
 * src/secrets.ts), never with the CLI's published one; with a URL, the app alone runs and talks
 * to that Supabase.
 */
import { createServer } from 'node:http';
import { describeDb, startEmbedded, type Embedded } from './src/embedded.ts';
import { attach } from './src/node.ts';
import { logRequests, requestLogEnabled } from './src/request-log.ts';
import { KeyConfigError } from './src/secrets.ts';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

// adapter-node assumes https unless told otherwise, and the app's server-side loads reach the
// embedded back end through the request's own origin: this server speaks plain http, so say so
// (a proxy in front still sets x-forwarded-proto itself).
const trustProxyProto = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (trustProxyProto) process.env.PROTOCOL_HEADER = 'x-forwarded-proto';

let embedded: Embedded | undefined;
if (!process.env.PUBLIC_SUPABASE_URL) {
	const spec = process.env.SUPABASE_DB ?? '.data/pglite';
	try {
		embedded = await startEmbedded(spec, { keys: 'production' });
	} catch (e) {
		if (!(e instanceof KeyConfigError)) throw e;
		console.error(`Not starting: ${e.message}`);
		process.exit(1);
	}
	// The browser client gets the publishable key through the app's public env; it is the only
	// key that leaves the server.
	process.env.PUBLIC_SUPABASE_ANON_KEY ??= embedded.backend.keys.publishableKey;
	console.log(
		`Embedded Supabase back end on ${describeDb(spec)}; JWT secret: ${embedded.keySource}`
	);
}

// The build reads env at import time; the handler module exists only after `npm run build`.
const { handler } = (await import(new URL('../build/handler.js', import.meta.url).href)) as {
	handler: (
		req: import('node:http').IncomingMessage,
		res: import('node:http').ServerResponse
	) => void;
};

const server = createServer((req, res) => {
	if (trustProxyProto) req.headers['x-forwarded-proto'] ??= 'http';
	handler(req, res);
});
if (embedded) attach(server, embedded.backend);
// On by default: an operator should see what happened. LOG_REQUESTS=0 turns it off; the test
// runners' servers run with it off.
if (embedded && requestLogEnabled(process.env, !process.env.VITEST)) {
	logRequests(server, embedded.backend.keys);
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
