import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/types.ts';
import { signJwt } from '../jwt.ts';
import type { UserJson } from './users.ts';

export interface TokenConfig {
	jwtSecret: string;
	/** `iss` of access tokens: `<api url>/auth/v1`. */
	issuer: string;
	/** Access-token lifetime in seconds (`[auth] jwt_expiry`). */
	expiry: number;
}

export interface Session {
	id: string;
	/** Seconds since the epoch when the user signed in (the `amr` timestamp). */
	createdAt: number;
}

/** GoTrue's access-token claims (internal/tokens/service.go `AccessTokenClaims`), key order kept. */
export function accessTokenClaims(
	user: UserJson,
	session: Session,
	config: TokenConfig,
	now: number
) {
	return {
		aud: user.aud,
		exp: now + config.expiry,
		iat: now,
		iss: config.issuer,
		sub: user.id,
		email: user.email,
		phone: user.phone,
		app_metadata: user.app_metadata,
		user_metadata: user.user_metadata,
		role: user.role,
		aal: 'aal1',
		amr: [{ method: user.is_anonymous ? 'anonymous' : 'password', timestamp: session.createdAt }],
		session_id: session.id,
		is_anonymous: user.is_anonymous
	};
}

/** The access-token response of /signup and /token (`AccessTokenResponse`). */
export function tokenResponse(
	user: UserJson,
	session: Session,
	refreshToken: string,
	config: TokenConfig
) {
	const now = Math.floor(Date.now() / 1000);
	const claims = accessTokenClaims(user, session, config, now);
	return {
		access_token: signJwt(claims, config.jwtSecret),
		token_type: 'bearer',
		expires_in: config.expiry,
		expires_at: claims.exp,
		refresh_token: refreshToken,
		user
	};
}

/** An opaque refresh token: 16 random bytes, URL-safe, like GoTrue's `SecureToken`. */
export function newRefreshToken(): string {
	return randomBytes(16).toString('base64url');
}

export async function insertRefreshToken(
	tx: Queryable,
	userId: string,
	sessionId: string,
	parent: string | null
): Promise<string> {
	const token = newRefreshToken();
	await tx.query(
		`insert into auth.refresh_tokens (token, user_id, revoked, created_at, updated_at, parent, session_id)
		 values ($1, $2, false, now(), now(), $3, $4)`,
		[token, userId, parent, sessionId]
	);
	return token;
}
