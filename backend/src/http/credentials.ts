import { signJwt, verifyJwt, type Claims, type VerifyResult } from '../jwt.ts';
import { ApiError } from './errors.ts';
import {
	LOCAL_ANON_KEY,
	LOCAL_JWT_SECRET,
	LOCAL_PUBLISHABLE_KEY,
	LOCAL_SECRET_KEY,
	LOCAL_SERVICE_ROLE_KEY
} from '../keys.ts';

/** The project's JWT secret and the four API keys a client may present. */
export interface KeySet {
	jwtSecret: string;
	/** Legacy HS256 key with `role: anon`. */
	anonKey: string;
	/** Legacy HS256 key with `role: service_role`. */
	serviceRoleKey: string;
	/** `sb_publishable_…`: stands for the anon key. */
	publishableKey: string;
	/** `sb_secret_…`: stands for the service-role key. */
	secretKey: string;
}

/**
 * The CLI's local keys for the CLI's secret; for any other secret, legacy keys with the CLI's claims
 * signed by that secret (a key signed with another secret would fail verification everywhere).
 */
export function defaultKeys(jwtSecret: string = LOCAL_JWT_SECRET): KeySet {
	if (jwtSecret === LOCAL_JWT_SECRET) {
		return {
			jwtSecret,
			anonKey: LOCAL_ANON_KEY,
			serviceRoleKey: LOCAL_SERVICE_ROLE_KEY,
			publishableKey: LOCAL_PUBLISHABLE_KEY,
			secretKey: LOCAL_SECRET_KEY
		};
	}
	const legacy = (role: string) =>
		signJwt({ iss: 'supabase-demo', role, exp: 1983812996 }, jwtSecret);
	return {
		jwtSecret,
		anonKey: legacy('anon'),
		serviceRoleKey: legacy('service_role'),
		publishableKey: LOCAL_PUBLISHABLE_KEY,
		secretKey: LOCAL_SECRET_KEY
	};
}

export interface Credentials {
	ok: true;
	/** The database role the request runs as. */
	role: string;
	/** The effective JWT's payload, always with `role` set. */
	claims: Claims;
	/** The effective JWT: the user's access token, or the legacy key the API key stands for. */
	token: string;
	/** True when the caller presented a JWT of its own in `Authorization`. */
	user: boolean;
}

export type CredentialFailure = {
	ok: false;
	/**
	 * `no_apikey`/`invalid_apikey` come from the gateway in front of the services; the others are
	 * what PostgREST, GoTrue and Realtime each report in their own words.
	 */
	reason: 'no_apikey' | 'invalid_apikey' | 'malformed' | 'signature' | 'expired';
	message: string;
};

export type CredentialResult = Credentials | CredentialFailure;

export interface CredentialInput {
	apikey?: string | null;
	authorization?: string | null;
}

export interface VerifyOptions {
	/** PostgREST allows 30 s of clock skew on `exp`; GoTrue none. */
	skewSeconds?: number;
	now?: number;
}

/**
 * Derives the caller's role the way Supabase's gateway and services do together:
 * a user JWT in `Authorization` wins; otherwise the API key decides (publishable → anon,
 * secret → service_role, a legacy JWT key → its own role). An `sb_` value in `Authorization` is
 * not a user token: supabase-js sends the key itself there when it has no session.
 */
export function resolveCredentials(
	input: CredentialInput,
	keys: KeySet,
	options: VerifyOptions = {}
): CredentialResult {
	const apikey = input.apikey?.trim() || undefined;
	const bearer = parseBearer(input.authorization);

	let keyToken: string | undefined;
	if (apikey !== undefined) {
		keyToken = keyJwt(apikey, keys);
		if (keyToken === undefined) return fail('invalid_apikey', 'Invalid API key');
	}

	if (bearer !== undefined && !bearer.startsWith('sb_')) {
		return fromJwt(bearer, keys, options, bearer !== keyToken && bearer !== apikey);
	}
	if (bearer !== undefined && bearer !== apikey) {
		// The docs allow an `sb_` key in Authorization only when it equals the apikey header.
		const token = keyJwt(bearer, keys);
		if (token === undefined || apikey !== undefined) {
			return fail('invalid_apikey', 'Invalid API key');
		}
		keyToken = token;
	}
	if (keyToken === undefined) return fail('no_apikey', 'No API key found in request');
	return fromJwt(keyToken, keys, options, false);
}

/** The legacy JWT an API key stands for, or undefined for an unknown key. */
function keyJwt(apikey: string, keys: KeySet): string | undefined {
	if (apikey === keys.publishableKey || apikey === keys.anonKey) return keys.anonKey;
	if (apikey === keys.secretKey || apikey === keys.serviceRoleKey) return keys.serviceRoleKey;
	return undefined;
}

function fromJwt(
	token: string,
	keys: KeySet,
	options: VerifyOptions,
	user: boolean
): CredentialResult {
	const result = verifyCached(token, keys.jwtSecret, {
		now: options.now ?? Date.now() / 1000,
		skewSeconds: options.skewSeconds ?? 30
	});
	if (!result.ok) {
		if (result.reason === 'expired') return fail('expired', 'JWT expired');
		if (result.reason === 'signature')
			return fail('signature', 'JWT cryptographic operation failed');
		const parts = token.split('.').length;
		return fail(
			'malformed',
			parts === 3 ? 'JWT cannot be decoded' : `Expected 3 parts in JWT; got ${parts}`
		);
	}
	// PostgREST: a JWT without `role` runs as the anonymous role.
	const role =
		typeof result.claims.role === 'string' && result.claims.role ? result.claims.role : 'anon';
	return { ok: true, role, claims: { ...result.claims, role }, token, user };
}

/**
 * Tokens whose signature has been checked, with their claims. A session presents the same token
 * on every request until it expires, and checking it is an HMAC each time; PostgREST keeps such a
 * cache too. Only tokens that verified enter (a forged one never does), `exp` is checked again on
 * every use, and the oldest entries make room past the bound.
 */
const verified = new Map<string, { secret: string; claims: Claims }>();
const VERIFIED_MAX = 10_000;

function verifyCached(
	token: string,
	secret: string,
	{ now, skewSeconds }: { now: number; skewSeconds: number }
): VerifyResult {
	const hit = verified.get(token);
	if (hit && hit.secret === secret) {
		const { exp } = hit.claims;
		if (typeof exp === 'number' && exp + skewSeconds < now) {
			verified.delete(token);
			return { ok: false, reason: 'expired', claims: hit.claims };
		}
		return { ok: true, claims: hit.claims };
	}
	const result = verifyJwt(token, secret, { now, skewSeconds });
	if (result.ok) {
		if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
		verified.set(token, { secret, claims: Object.freeze(result.claims) });
	}
	return result;
}

export function parseBearer(authorization: string | null | undefined): string | undefined {
	if (!authorization) return undefined;
	const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
	return match ? match[1] : undefined;
}

function fail(reason: CredentialFailure['reason'], message: string): CredentialFailure {
	return { ok: false, reason, message };
}

/** The gateway's 401 for a missing or unknown API key, before any service sees the request. */
export function apiKeyError(reason: 'no_apikey' | 'invalid_apikey'): ApiError {
	return reason === 'no_apikey'
		? ApiError.gateway(
				401,
				'No API key found in request',
				'No `apikey` request header or url param was found.'
			)
		: ApiError.gateway(
				401,
				'Invalid API key',
				'Double check your Supabase `anon` or `service_role` API key.'
			);
}
