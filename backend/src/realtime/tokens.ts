import type { CredentialFailure } from '../http/credentials.ts';

/** Realtime's words for a token it refuses, as the upgrade's `{"error": …}` and channel errors carry them. */

function expiredSecondsAgo(token: string, now = Date.now() / 1000): number {
	try {
		const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
		return Math.max(0, Math.floor(now - Number(claims.exp)));
	} catch {
		return 0;
	}
}

/** Message for a failed connect-time check (HTTP 401 on the upgrade). */
export function connectError(f: CredentialFailure, token: string | null): string {
	switch (f.reason) {
		case 'no_apikey':
			return 'API key is missing';
		case 'invalid_apikey':
			return 'Invalid API key';
		case 'expired':
			return 'Token has expired';
		default:
			return token ? 'The token provided is not a valid JWT' : 'API key is missing';
	}
}

/** Message for a refused channel token: join error reason / shutdown message. */
export function tokenError(f: CredentialFailure, token: string): string {
	return f.reason === 'expired'
		? `Token has expired ${expiredSecondsAgo(token)} seconds ago`
		: 'The token provided is not a valid JWT';
}
