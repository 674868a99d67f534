import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createAuth } from './auth/service.ts';
import type { Db } from './db/types.ts';
import { isPreflight, preflight, withCors } from './http/cors.ts';
import { resolveCredentials, type KeySet } from './http/credentials.ts';
import { ApiError } from './http/errors.ts';
import { gateway, isOpenAuthRoute, upgradeCredentials } from './http/gateway.ts';
import { deriveKeys, localDevelopmentKeys } from './keys.ts';
import { createRealtime } from './realtime/index.ts';
import { createRest } from './rest/service.ts';

export interface BackendOptions {
	db: Db;
	/**
	 * Omitted: the CLI's published local development secret and keys, for in-process tests only.
	 * Servers start through `startEmbedded`, which makes every entry point choose its keys.
	 */
	jwtSecret?: string;
	/** Default: the keys `deriveKeys` makes from `jwtSecret` (the CLI's local keys without one). */
	keys?: Partial<Omit<KeySet, 'jwtSecret'>>;
	/** Public URL of this back end; the access tokens' `iss` is `<apiUrl>/auth/v1`. */
	apiUrl?: string;
	/** `[auth] site_url`. */
	siteUrl?: string;
	/** `[api] max_rows`; null for no cap. Default 1000. */
	maxRows?: number | null;
	/** `[api] schemas`. Default `['public']`. */
	schemas?: string[];
	/** `[api] extra_search_path`. Default `['public', 'extensions']`. */
	extraSearchPath?: string[];
	/** `[auth] jwt_expiry` in seconds. Default 3600. */
	jwtExpiry?: number;
	/** `[auth] enable_anonymous_sign_ins`. Default true (this app needs them). */
	anonymousSignIns?: boolean;
	/**
	 * `[auth.rate_limit] anonymous_users`: anonymous sign-ins per IP and hour; 0 = unlimited
	 * (the default here, for in-process tests; `startEmbedded` applies the config's, or 30).
	 */
	anonymousSignInsPerHour?: number;
	/**
	 * `GOTRUE_RATE_LIMIT_HEADER`: behind a proxy, the header whose last entry is the client's
	 * address for rate limits (e.g. `X-Forwarded-For`). Default: the connection's address.
	 */
	rateLimitHeader?: string;
	/** `[auth] refresh_token_reuse_interval` in seconds. Default 10. */
	refreshTokenReuseInterval?: number;
	/** Largest accepted request body. Default 4 MiB. */
	maxBodyBytes?: number;
	/**
	 * Largest REST response body, and largest embedded array within one, in bytes; null for no
	 * limit. A read that would pass it is stopped while the database builds it and answers 500
	 * `54000` instead of holding the whole body in memory. Default 16 MiB (the 54,000-seat map is
	 * ~3 MB).
	 */
	maxResponseBytes?: number | null;
}

export interface RequestInfo {
	/** The client's address, for per-IP rate limits. */
	remoteAddress?: string;
}

export interface Backend {
	/** Serves `/auth/v1/…`, `/rest/v1/…` and `/realtime/v1/api/…` (404 for anything else). */
	fetch(req: Request, info?: RequestInfo): Promise<Response>;
	/** Takes over a WebSocket upgrade on `/realtime/v1/websocket`; false when it is not ours. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
	/** Resolves once realtime's change capture is installed. */
	readonly ready: Promise<void>;
	readonly keys: KeySet;
	/** Re-reads the REST schema cache and realtime's publication (after migrations while serving). */
	reloadSchema(): Promise<void>;
	/** Waits for in-flight requests and stops realtime; the caller closes the Db. */
	close(): Promise<void>;
}

export const DEFAULT_PORT = 54321;

export function createBackend(options: BackendOptions): Backend {
	const base =
		options.jwtSecret === undefined ? localDevelopmentKeys() : deriveKeys(options.jwtSecret);
	const jwtSecret = base.jwtSecret;
	const keys: KeySet = { ...base, ...options.keys, jwtSecret };
	const apiUrl = (options.apiUrl ?? `http://127.0.0.1:${DEFAULT_PORT}`).replace(/\/+$/, '');
	const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
	const { db } = options;

	const rest = createRest({
		db,
		schemas: options.schemas ?? ['public'],
		extraSearchPath: options.extraSearchPath ?? ['public', 'extensions'],
		maxRows: options.maxRows === undefined ? 1000 : options.maxRows,
		maxBodyBytes,
		maxResponseBytes:
			options.maxResponseBytes === undefined ? 16 * 1024 * 1024 : options.maxResponseBytes
	});
	const auth = createAuth({
		db,
		keys,
		token: { jwtSecret, issuer: `${apiUrl}/auth/v1`, expiry: options.jwtExpiry ?? 3600 },
		anonymousSignIns: options.anonymousSignIns ?? true,
		anonymousSignInsPerHour: options.anonymousSignInsPerHour ?? 0,
		rateLimitHeader: options.rateLimitHeader,
		refreshTokenReuseInterval: options.refreshTokenReuseInterval ?? 10,
		siteUrl: options.siteUrl ?? 'http://127.0.0.1:3000',
		maxBodyBytes
	});

	const realtime = createRealtime({
		db,
		keys,
		resolveCredentials: (input) => resolveCredentials(input, keys)
	});
	const ready = realtime.ready.catch((e: unknown) => {
		console.error('[backend] realtime change capture failed to start', e);
	});
	let closed = false;

	const inFlight = new Set<Promise<unknown>>();

	/** CORS, then the gateway's API-key check, then the service the path names. */
	async function route(req: Request, info: RequestInfo): Promise<Response> {
		const url = new URL(req.url);
		if (isPreflight(req)) return preflight(req);
		let res: Response;
		const service = /^\/(auth|rest|realtime)\/v1(\/.*)?$/.exec(url.pathname);
		try {
			const name = service?.[1];
			const path = service?.[2] ?? '/';
			if (!name) {
				res = ApiError.gateway(404, 'no Route matched with those values').getResponse();
			} else if (name === 'auth' && isOpenAuthRoute(req.method, path)) {
				res = await auth.handle(req, path, info);
			} else {
				const credentials = gateway(req, url, keys);
				if (credentials instanceof ApiError) res = credentials.getResponse();
				else if (name === 'auth') res = await auth.handle(req, path, info);
				else if (name === 'rest') res = await rest.handle(req, path, credentials);
				else res = await realtime.fetch(req, credentials);
			}
		} catch (e) {
			// The services answer their own errors; this is a bug, but the server stays up.
			console.error('[backend] unhandled error', e);
			res = ApiError.gateway(500, 'An unexpected error occurred').getResponse();
		}
		return withCors(res);
	}

	return {
		keys,
		ready,
		fetch(req, info = {}) {
			if (closed) {
				return Promise.resolve(
					withCors(ApiError.gateway(503, 'The server is shutting down').getResponse())
				);
			}
			const pending = route(req, info);
			inFlight.add(pending);
			void pending.finally(() => inFlight.delete(pending)).catch(() => {});
			return pending;
		},
		handleUpgrade(req, socket, head) {
			return realtime.handleUpgrade(req, socket, head, upgradeCredentials(req, keys));
		},
		async reloadSchema() {
			await Promise.all([rest.reloadSchema(), realtime.refresh()]);
		},
		async close() {
			closed = true;
			await ready;
			await Promise.allSettled([...inFlight]);
			await Promise.all([realtime.close(), rest.close()]);
		}
	};
}
