import { createHmac } from 'node:crypto';
import type { KeySet } from './http/credentials.ts';
import { signJwt, verifyJwt } from './jwt.ts';

/**
 * The JWT secret and API keys `supabase start` prints locally. Using the same defaults means a
 * developer's `.env` works unchanged against this back end and against the CLI stack. They are
 * published in Supabase's documentation and in countless repositories: anyone who can reach a
 * server running on them can sign a service_role token. Local development and tests only.
 */
export const LOCAL_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
export const LOCAL_ANON_KEY =
	'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
export const LOCAL_SERVICE_ROLE_KEY =
	'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';
export const LOCAL_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
export const LOCAL_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

/** The CLI's local keys, as `supabase start` prints them. */
export function localDevelopmentKeys(): KeySet {
	return {
		jwtSecret: LOCAL_JWT_SECRET,
		anonKey: LOCAL_ANON_KEY,
		serviceRoleKey: LOCAL_SERVICE_ROLE_KEY,
		publishableKey: LOCAL_PUBLISHABLE_KEY,
		secretKey: LOCAL_SECRET_KEY
	};
}

/** GoTrue and PostgREST refuse HS256 secrets shorter than 32 characters; so does this back end. */
export const MIN_JWT_SECRET_BYTES = 32;

/**
 * Secrets printed in Supabase's documentation: the CLI's local one and the placeholder of the
 * self-hosting `.env.example`. Long enough, and useless as secrets.
 */
const PUBLISHED_SECRETS = new Set([
	LOCAL_JWT_SECRET,
	'your-super-secret-jwt-token-with-at-least-32-characters-long'
]);

/** Why `secret` must not sign production tokens, or undefined when it may. */
export function jwtSecretProblem(secret: string, name = 'JWT_SECRET'): string | undefined {
	const bytes = Buffer.byteLength(secret, 'utf8');
	if (bytes < MIN_JWT_SECRET_BYTES) {
		return `${name} is ${bytes} bytes long; it must be at least ${MIN_JWT_SECRET_BYTES} bytes (for example \`openssl rand -base64 48\`).`;
	}
	if (PUBLISHED_SECRETS.has(secret)) {
		return `${name} is the demo secret published in Supabase's documentation; anyone could sign tokens with it. Set a random one (for example \`openssl rand -base64 48\`), or unset it to have one generated.`;
	}
	return undefined;
}

/**
 * The legacy keys never expire in practice (as the CLI's and hosted projects' don't) and carry no
 * `iat`, so the same secret always yields the same keys and a restart keeps clients working.
 */
const LEGACY_KEY_EXP = 4102444800; // 2100-01-01

/**
 * The keys of a project whose JWT secret is `jwtSecret`: legacy anon and service_role JWTs signed
 * with it, and an `sb_secret_…` key derived from it (an HMAC, so it is as unguessable as the secret
 * and needs no storage of its own). The publishable key stands for anon only and is public by
 * design: unless given, it stays the CLI's, which is the one the app's browser client sends.
 */
export function deriveKeys(
	jwtSecret: string,
	given: Partial<Omit<KeySet, 'jwtSecret'>> = {}
): KeySet {
	const legacy = (role: string) =>
		signJwt({ iss: 'supabase', role, exp: LEGACY_KEY_EXP }, jwtSecret);
	const derived = createHmac('sha256', jwtSecret).update('sb_secret key').digest('base64url');
	return {
		jwtSecret,
		anonKey: given.anonKey ?? legacy('anon'),
		serviceRoleKey: given.serviceRoleKey ?? legacy('service_role'),
		publishableKey: given.publishableKey ?? LOCAL_PUBLISHABLE_KEY,
		secretKey: given.secretKey ?? `sb_secret_${derived.slice(0, 22)}_${derived.slice(22, 30)}`
	};
}

/**
 * Why a legacy key given for `role` does not fit `jwtSecret`, or undefined when it does: it must
 * verify with the secret and claim that role, or every request with it would fail.
 */
export function legacyKeyProblem(
	key: string,
	role: 'anon' | 'service_role',
	jwtSecret: string,
	name: string
): string | undefined {
	const result = verifyJwt(key, jwtSecret);
	if (!result.ok) {
		return result.reason === 'expired'
			? `${name} has expired.`
			: `${name} is not a JWT signed with JWT_SECRET (${result.reason}).`;
	}
	if (result.claims.role !== role) {
		return `${name} claims role "${String(result.claims.role)}", not "${role}".`;
	}
	return undefined;
}
