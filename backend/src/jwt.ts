import { createHmac, timingSafeEqual } from 'node:crypto';

/** HS256 JWTs, as GoTrue signs them for projects with a shared JWT secret (no `kid`). */

export type Claims = Record<string, unknown> & { exp?: number; iat?: number; role?: string };

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export function signJwt(claims: Claims, secret: string): string {
	const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
	const body = b64url(JSON.stringify(claims));
	const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
	return `${head}.${body}.${sig}`;
}

export type VerifyResult =
	| { ok: true; claims: Claims }
	| { ok: false; reason: 'malformed' | 'signature' | 'expired'; claims?: Claims };

/**
 * Verifies signature and `exp`. `skewSeconds` is PostgREST's clock-skew allowance (30 s);
 * pass 0 where the real service allows none.
 */
export function verifyJwt(
	token: string,
	secret: string,
	{ now = Date.now() / 1000, skewSeconds = 0 } = {}
): VerifyResult {
	const parts = token.split('.');
	if (parts.length !== 3) return { ok: false, reason: 'malformed' };
	const [head, body, sig] = parts;
	let header: { alg?: string };
	let claims: Claims;
	try {
		header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
		claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
	} catch {
		return { ok: false, reason: 'malformed' };
	}
	if (header.alg !== 'HS256' || typeof claims !== 'object' || claims === null) {
		return { ok: false, reason: 'malformed' };
	}
	const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
	const given = Buffer.from(sig, 'base64url');
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
		return { ok: false, reason: 'signature' };
	}
	if (typeof claims.exp === 'number' && claims.exp + skewSeconds < now) {
		return { ok: false, reason: 'expired', claims };
	}
	return { ok: true, claims };
}
