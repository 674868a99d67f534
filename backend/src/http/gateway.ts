import type { IncomingMessage } from 'node:http';
import {
	apiKeyError,
	resolveCredentials,
	type CredentialResult,
	type KeySet
} from './credentials.ts';
import type { ApiError } from './errors.ts';

/**
 * The API gateway's step in front of the services, as Supabase's gateway runs it: a request must
 * carry a known API key (the `apikey` header, else the `apikey` query parameter) or a JWT of its
 * own, or it is answered 401 before any service sees it. What the key and the `Authorization`
 * header stand for is resolved here once; a JWT that does not verify is left to the service, which
 * words that refusal its own way.
 */
export function gateway(req: Request, url: URL, keys: KeySet): CredentialResult | ApiError {
	const credentials = resolveCredentials(
		{
			apikey: req.headers.get('apikey') ?? url.searchParams.get('apikey'),
			authorization: req.headers.get('authorization')
		},
		keys
	);
	if (
		!credentials.ok &&
		(credentials.reason === 'no_apikey' || credentials.reason === 'invalid_apikey')
	) {
		return apiKeyError(credentials.reason);
	}
	return credentials;
}

/**
 * The same resolution for a WebSocket upgrade, which can carry no headers of its own: the key is
 * the `apikey` query parameter, which the gateway forwards as `x-api-key` (read first). A refusal
 * is the realtime server's to word, so failures are returned, not answered.
 */
export function upgradeCredentials(req: IncomingMessage, keys: KeySet): CredentialResult {
	const url = new URL(req.url ?? '/', 'http://localhost');
	const header = req.headers['x-api-key'];
	const apikey = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('apikey');
	return resolveCredentials({ apikey }, keys);
}

/** Auth endpoints the gateway lets through without a key, as the CLI's stack does. */
export function isOpenAuthRoute(method: string, path: string): boolean {
	if (method.toUpperCase() !== 'GET') return false;
	const route = path.replace(/\/+$/, '') || '/';
	return route === '/health' || route === '/settings' || route === '/.well-known/jwks.json';
}
