import type { Queryable } from '../db/types.ts';
import { ApiError } from '../http/errors.ts';
import { loadSession } from './sessions.ts';
import { insertRefreshToken, type Session } from './tokens.ts';
import { loadUser, type UserJson } from './users.ts';

/**
 * GoTrue's refresh-token grant (internal/tokens/service.go `RefreshTokenGrant`) inside one
 * transaction: the used token is revoked and replaced by a child (rotation). A revoked token used
 * again within the reuse interval answers with the session's current token (two tabs refreshing
 * at once); later it is reuse, and the whole token family is revoked.
 *
 * Errors are returned, not thrown, so that a family revocation still commits.
 */
export async function refreshTokenGrant(
	tx: Queryable,
	refreshToken: string,
	reuseIntervalSeconds: number
): Promise<ApiError | { user: UserJson; session: Session; next: string }> {
	const { rows } = await tx.query<{
		token: string;
		revoked: boolean;
		session_id: string | null;
		user_id: string;
		within_reuse: boolean;
	}>(
		`select token, revoked, session_id::text as session_id, user_id,
		   updated_at + make_interval(secs => $2) > now() as within_reuse
		 from auth.refresh_tokens where token = $1 for update`,
		[refreshToken, reuseIntervalSeconds]
	);
	const current = rows[0];
	if (!current) {
		return ApiError.auth(
			400,
			'refresh_token_not_found',
			'Invalid Refresh Token: Refresh Token Not Found'
		);
	}
	const session = current.session_id ? await loadSession(tx, current.session_id, true) : undefined;
	const user = session && (await loadUser(tx, current.user_id));
	if (!session || !user) {
		return ApiError.auth(400, 'session_not_found', 'Invalid Refresh Token: No Valid Session Found');
	}

	if (current.revoked) {
		const active = await tx.query<{ token: string }>(
			`select token from auth.refresh_tokens
			 where session_id = $1 and not revoked order by id desc limit 1`,
			[session.id]
		);
		if (current.within_reuse && active.rows[0]) {
			return { user, session, next: active.rows[0].token };
		}
		await tx.query(
			`update auth.refresh_tokens set revoked = true, updated_at = now()
			 where session_id = $1 and not revoked`,
			[session.id]
		);
		return ApiError.auth(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
	}

	await tx.query(
		`update auth.refresh_tokens set revoked = true, updated_at = now() where token = $1`,
		[current.token]
	);
	const next = await insertRefreshToken(tx, user.id, session.id, current.token);
	await tx.query(`update auth.sessions set updated_at = now() where id = $1`, [session.id]);
	return { user, session, next };
}
