import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Db } from '../db/types.ts';
import {
	defaultKeys,
	resolveCredentials as resolveWithKeys,
	type CredentialInput,
	type CredentialResult,
	type KeySet
} from '../http/credentials.ts';
import { Authorizer } from './authorization.ts';
import { handleBroadcastApi, isBroadcastApiPath } from './broadcast-api.ts';
import { Catalog } from './catalog.ts';
import { ChangeReader, installChangeCapture } from './change-capture.ts';
import type { Channel, Context } from './channel.ts';
import { DatabaseBroadcasts } from './messages.ts';
import { PostgresChanges } from './postgres-changes.ts';
import { Presence } from './presence.ts';
import { API_ROLES, REASON } from './protocol.ts';
import type { Vsn } from './serializer.ts';
import { Outbox } from './outbox.ts';
import { IDLE_TIMEOUT_MS, Socket } from './socket.ts';
import { connectError } from './tokens.ts';
import { Topics } from './topics.ts';

export { installChangeCapture } from './change-capture.ts';
export { isBroadcastApiPath } from './broadcast-api.ts';

export interface RealtimeOptions {
	db: Db;
	keys?: KeySet;
	/** The back end's shared API-key/bearer resolution (the gateway's rules). */
	resolveCredentials?: (input: CredentialInput) => CredentialResult;
	/** Close connections silent for this long (Phoenix: 60 s). */
	idleTimeoutMs?: number;
}

export interface Realtime {
	/** Takes the upgrade of `/realtime/v1/websocket`; false (untouched) for any other path. */
	handleUpgrade(
		req: IncomingMessage,
		socket: Duplex,
		head: Buffer,
		credentials?: CredentialResult
	): boolean;
	/**
	 * `/realtime/v1/api/broadcast` and `/realtime/v1/api/broadcast/<name>/events/<event>`, with the
	 * caller's credentials as the gateway resolved them (resolved here when served alone).
	 */
	fetch(request: Request, credentials?: CredentialResult): Promise<Response>;
	/** Change capture installed and listening. */
	readonly ready: Promise<void>;
	/** Re-reads publication `supabase_realtime` (after migrations) and updates the triggers. */
	refresh(): Promise<void>;
	close(): Promise<void>;
}

export const WEBSOCKET_PATH = '/realtime/v1/websocket';
const MAX_FRAME_BYTES = 5_000_000;

function rejectUpgrade(socket: Duplex, status: number, error: string): void {
	const body = JSON.stringify({ error });
	const reason = status === 401 ? 'Unauthorized' : status === 400 ? 'Bad Request' : 'Error';
	socket.end(
		`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
			`Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
	);
}

export function createRealtime(options: RealtimeOptions): Realtime {
	const { db } = options;
	const keys = options.keys ?? defaultKeys();
	const resolve = options.resolveCredentials ?? ((input) => resolveWithKeys(input, keys));
	const idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;

	const catalog = new Catalog(db);
	let captured = new Set<string>();
	let installing: Promise<void> = Promise.resolve();
	const install = () =>
		(installing = installing
			.catch(() => {})
			.then(async () => {
				captured = await installChangeCapture(db);
				catalog.invalidate();
			}));
	const ensureCaptured = async (table: string) => {
		if (!captured.has(table)) await install();
	};

	const topics = new Topics<Channel>();
	const presence = new Presence(topics);
	const changes = new PostgresChanges(db, catalog, ensureCaptured);
	const outbox = new Outbox();
	const messages = new DatabaseBroadcasts(db, topics);
	const authorizer = new Authorizer(db);
	const reader = new ChangeReader(db, async (batch, sent) => {
		if (batch.length > 0) await changes.dispatch(batch);
		if (sent.length > 0) messages.dispatch(sent);
		// written now, so the reader's pacing counts the writes as part of the batch's cost
		outbox.flush();
	});
	const ready = install().then(() => reader.start());
	ready.catch((e) => console.error('[realtime] change capture failed to start:', e));

	const ctx: Context = {
		db,
		topics,
		presence,
		changes,
		authorizer,
		ready,
		exclusive: (fn) => reader.exclusive(fn),
		verify: (token) => resolve({ authorization: `Bearer ${token}` })
	};

	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: MAX_FRAME_BYTES,
		perMessageDeflate: false
	});
	const sockets = new Set<Socket>();
	const idle = setInterval(
		() => {
			const cutoff = Date.now() - idleTimeoutMs;
			for (const s of sockets) if (s.lastSeen < cutoff) s.close(1000, 'idle timeout');
		},
		Math.min(idleTimeoutMs, 10_000)
	);
	idle.unref();
	let closing = false;

	return {
		ready,
		handleUpgrade(req, socket, head, credentials) {
			const url = new URL(req.url ?? '/', 'http://localhost');
			if (url.pathname !== WEBSOCKET_PATH && url.pathname !== `${WEBSOCKET_PATH}/`) return false;
			socket.on('error', () => {});
			if (closing) {
				rejectUpgrade(socket, 503, 'Server is shutting down');
				return true;
			}
			const header = req.headers['x-api-key'];
			const apikey = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('apikey');
			let auth: CredentialResult;
			try {
				auth = credentials ?? resolve({ apikey });
			} catch (e) {
				console.error('[realtime] resolving credentials failed:', e);
				rejectUpgrade(socket, 500, 'Internal server error');
				return true;
			}
			if (!auth.ok) {
				rejectUpgrade(socket, 401, connectError(auth, apikey));
				return true;
			}
			if (!API_ROLES.has(auth.role)) {
				rejectUpgrade(socket, 401, REASON.roleDenied(auth.role));
				return true;
			}
			if (typeof auth.claims.exp !== 'number') {
				rejectUpgrade(socket, 401, 'Fields `role` and `exp` are required in JWT');
				return true;
			}
			const vsn = url.searchParams.get('vsn') ?? '1.0.0';
			if (vsn !== '1.0.0' && vsn !== '2.0.0') {
				rejectUpgrade(socket, 400, `Unsupported serializer version: ${vsn}`);
				return true;
			}
			wss.handleUpgrade(req, socket, head, (ws) => {
				const s = new Socket(ws, vsn as Vsn, auth, ctx, outbox);
				sockets.add(s);
				s.onClose = () => sockets.delete(s);
			});
			return true;
		},
		fetch: (request, credentials) =>
			handleBroadcastApi(request, { topics, authorizer }, resolve, credentials),
		refresh: install,
		async close() {
			closing = true;
			clearInterval(idle);
			for (const s of [...sockets]) s.close();
			await ready.catch(() => {}); // a reader still starting would otherwise outlive close()
			await reader.close();
			await installing.catch(() => {});
			await new Promise<void>((done) => wss.close(() => done()));
		}
	};
}

export { isBroadcastApiPath as isRealtimeApiPath };
