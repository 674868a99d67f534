import { randomUUID } from 'node:crypto';
import { DbError } from '../db/errors.ts';
import type { Db, Queryable } from '../db/types.ts';
import { BodyTooLarge, parseJson, readText } from '../http/body.ts';
import { parseBearer, type KeySet } from '../http/credentials.ts';
import { ApiError, AUTH_API_VERSION, AUTH_API_VERSION_HEADER, json } from '../http/errors.ts';
import { verifyJwt } from '../jwt.ts';
import { RateLimiter } from './rate-limit.ts';
import { refreshTokenGrant } from './refresh.ts';
import { createSession, loadSession } from './sessions.ts';
import { insertRefreshToken, tokenResponse, type Session, type TokenConfig } from './tokens.ts';
import { loadUser, type UserJson } from './users.ts';

export interface AuthOptions {
	db: Db;
	keys: KeySet;
	token: TokenConfig;
	/** `[auth] enable_anonymous_sign_ins`. */
	anonymousSignIns: boolean;
	/** `[auth.rate_limit] anonymous_users` per hour and IP; 0 for no limit. */
	anonymousSignInsPerHour: number;
	/**
	 * `GOTRUE_RATE_LIMIT_HEADER`: the header that carries the client's address when a proxy stands
	 * in front (its last entry, the one the proxy added); otherwise the connection's address.
	 */
	rateLimitHeader?: string;
	/** `[auth] refresh_token_reuse_interval` in seconds. */
	refreshTokenReuseInterval: number;
	siteUrl: string;
	maxBodyBytes: number;
}

export interface AuthService {
	handle(req: Request, path: string, info?: { remoteAddress?: string }): Promise<Response>;
}

/**
 * The GoTrue subset this app needs (anonymous sign-up, refresh, user, logout), as a
 * `Request → Response` handler for paths below `/auth/v1`.
 */
export function createAuth(options: AuthOptions): AuthService {
	const { db } = options;
	const limiter = new RateLimiter(options.anonymousSignInsPerHour, 3600_000);

	async function handle(req: Request, path: string, info: { remoteAddress?: string } = {}) {
		const method = req.method.toUpperCase();
		try {
			const route = `${method} ${path.replace(/\/+$/, '') || '/'}`;
			// Public endpoints, answered before the gateway's key check as on the CLI stack.
			if (route === 'GET /health') {
				return ok({
					version: 'embedded',
					name: 'GoTrue',
					description: 'GoTrue is a user registration and authentication API'
				});
			}
			if (route === 'GET /settings') return ok(settings(options));
			if (route === 'GET /.well-known/jwks.json') return ok({ keys: [] });
			// Every other route is behind the gateway's API-key check (`http/gateway.ts`).

			switch (route) {
				case 'POST /signup':
					return await signup(req, clientAddress(req, info));
				case 'POST /token':
					return await token(req);
				case 'GET /user':
					return await getUser(req);
				case 'PUT /user':
					return await putUser(req);
				case 'POST /logout':
					return await logout(req);
			}
			throw ApiError.auth(404, 'not_found', `No route for ${method} /auth/v1${path}`);
		} catch (e) {
			let error: ApiError;
			if (e instanceof ApiError) error = e;
			else if (e instanceof BodyTooLarge)
				error = ApiError.auth(413, 'request_too_large', e.message);
			else {
				console.error('[auth] unexpected error', e);
				error = ApiError.auth(
					500,
					'unexpected_failure',
					'Unexpected failure, please check server logs for more information'
				);
			}
			return versioned(req) ? error.getResponse() : legacyError(error);
		}
	}

	async function body(req: Request): Promise<Record<string, unknown>> {
		const text = await readText(req, options.maxBodyBytes);
		if (text.trim() === '') return {};
		const parsed = parseJson(text);
		if (
			!parsed.ok ||
			typeof parsed.value !== 'object' ||
			parsed.value === null ||
			Array.isArray(parsed.value)
		) {
			throw ApiError.auth(
				400,
				'bad_json',
				`Could not parse request body as JSON: ${parsed.ok ? 'expected an object' : parsed.message}`
			);
		}
		return parsed.value as Record<string, unknown>;
	}

	async function signup(req: Request, ip: string) {
		const params = await body(req);
		if (params.email)
			throw ApiError.auth(422, 'email_provider_disabled', 'Email signups are disabled');
		if (params.phone)
			throw ApiError.auth(422, 'phone_provider_disabled', 'Phone signups are disabled');
		if (!options.anonymousSignIns) {
			throw ApiError.auth(422, 'anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
		}
		const data = params.data ?? {};
		if (typeof data !== 'object' || data === null || Array.isArray(data)) {
			throw ApiError.auth(
				400,
				'bad_json',
				'Could not parse request body as JSON: data must be an object'
			);
		}
		if (!limiter.take(ip))
			throw ApiError.auth(429, 'over_request_rate_limit', 'Request rate limit reached');

		let result;
		try {
			result = await db.transaction(async (tx) => {
				const id = randomUUID();
				// Written through SQL in the same database, so triggers and foreign keys on auth.users run.
				await tx.query(
					`insert into auth.users (instance_id, id, aud, role, raw_app_meta_data, raw_user_meta_data,
					   is_anonymous, created_at, updated_at)
					 values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated',
					   '{}'::jsonb, $2::jsonb, true, now(), now())`,
					[id, JSON.stringify(data)]
				);
				const session = await createSession(tx, id);
				const refresh = await insertRefreshToken(tx, id, session.id, null);
				await tx.query(`update auth.users set last_sign_in_at = now() where id = $1`, [id]);
				return { user: (await loadUser(tx, id))!, session, refresh };
			});
		} catch (e) {
			throw refusedByDatabase(e) ?? databaseFailure(e, 'Database error creating anonymous user');
		}
		return ok(tokenResponse(result.user, result.session, result.refresh, options.token));
	}

	async function token(req: Request) {
		const grant = new URL(req.url).searchParams.get('grant_type');
		if (grant === 'password')
			throw ApiError.auth(400, 'email_provider_disabled', 'Email logins are disabled');
		if (grant !== 'refresh_token')
			throw ApiError.auth(400, 'invalid_credentials', 'unsupported_grant_type');
		const params = await body(req);
		const refreshToken = params.refresh_token;
		if (refreshToken === undefined || refreshToken === null || refreshToken === '') {
			return json(
				400,
				{ error: 'invalid_request', error_description: 'refresh_token required' },
				versionHeader
			);
		}
		if (typeof refreshToken !== 'string' || refreshToken.length < 12) {
			throw ApiError.auth(400, 'validation_failed', 'Refresh token is not valid');
		}

		const outcome = await db.transaction((tx) =>
			refreshTokenGrant(tx, refreshToken, options.refreshTokenReuseInterval)
		);
		if (outcome instanceof ApiError) throw outcome;
		return ok(tokenResponse(outcome.user, outcome.session, outcome.next, options.token));
	}

	/** GoTrue's `requireAuthentication` + `maybeLoadUserOrSession`. */
	async function authenticate(
		tx: Queryable,
		req: Request
	): Promise<{ user: UserJson; session: Session }> {
		const bearer = parseBearer(req.headers.get('authorization'));
		if (!bearer)
			throw ApiError.auth(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
		const verified = verifyJwt(bearer, options.keys.jwtSecret);
		if (!verified.ok) {
			const why =
				verified.reason === 'expired'
					? 'token has invalid claims: token is expired'
					: verified.reason === 'signature'
						? 'signature is invalid'
						: 'token is malformed';
			throw ApiError.auth(
				403,
				'bad_jwt',
				`invalid JWT: unable to parse or verify signature, ${why}`
			);
		}
		const { sub, session_id: sessionId } = verified.claims;
		if (typeof sub !== 'string' || !UUID.test(sub)) {
			throw ApiError.auth(403, 'bad_jwt', 'invalid claim: missing sub claim');
		}
		const user = await loadUser(tx, sub);
		if (!user)
			throw ApiError.auth(403, 'user_not_found', 'User from sub claim in JWT does not exist');
		const session =
			typeof sessionId === 'string' && UUID.test(sessionId)
				? await loadSession(tx, sessionId, false)
				: undefined;
		if (!session)
			throw ApiError.auth(
				403,
				'session_not_found',
				'Session from session_id claim in JWT does not exist'
			);
		return { user, session };
	}

	async function getUser(req: Request) {
		const { user } = await db.transaction((tx) => authenticate(tx, req));
		return ok(user);
	}

	async function putUser(req: Request) {
		const params = await body(req);
		for (const unsupported of ['email', 'phone', 'password', 'nonce']) {
			if (params[unsupported] !== undefined && params[unsupported] !== null) {
				throw ApiError.auth(
					422,
					'validation_failed',
					`Updating ${unsupported} is not supported by this back end; only data (user metadata) can change`
				);
			}
		}
		const data = params.data;
		if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) {
			throw ApiError.auth(
				400,
				'bad_json',
				'Could not parse request body as JSON: data must be an object'
			);
		}
		return ok(
			await db.transaction(async (tx) => {
				const { user } = await authenticate(tx, req);
				if (!data) return user;
				const entries = Object.entries(data as Record<string, unknown>);
				const set = Object.fromEntries(entries.filter(([, v]) => v !== null));
				const removed = entries.filter(([, v]) => v === null).map(([k]) => k);
				try {
					// Merge key by key; a null value deletes the key (GoTrue `UpdateUserMetaData`).
					await tx.query(
						`update auth.users
						 set raw_user_meta_data = (coalesce(raw_user_meta_data, '{}'::jsonb) || $2::jsonb)
						       - array(select jsonb_array_elements_text($3::jsonb)),
						     updated_at = now()
						 where id = $1`,
						[user.id, JSON.stringify(set), JSON.stringify(removed)]
					);
				} catch (e) {
					throw refusedByDatabase(e) ?? databaseFailure(e, 'Error updating user');
				}
				return (await loadUser(tx, user.id))!;
			})
		);
	}

	async function logout(req: Request) {
		const scope = new URL(req.url).searchParams.get('scope') ?? 'global';
		if (!['global', 'local', 'others'].includes(scope)) {
			throw ApiError.auth(400, 'validation_failed', `Unsupported logout scope "${scope}"`);
		}
		await db.transaction(async (tx) => {
			const { user, session } = await authenticate(tx, req);
			const [where, args] =
				scope === 'local'
					? ['id = $1', [session.id]]
					: scope === 'others'
						? ['user_id = $1 and id <> $2', [user.id, session.id]]
						: ['user_id = $1', [user.id]];
			await tx.query(
				`delete from auth.refresh_tokens where session_id in (select id from auth.sessions where ${where})`,
				args
			);
			await tx.query(`delete from auth.sessions where ${where}`, args);
		});
		return new Response(null, { status: 204, headers: versionHeader });
	}

	function clientAddress(req: Request, info: { remoteAddress?: string }): string {
		const forwarded = options.rateLimitHeader && req.headers.get(options.rateLimitHeader);
		const last = forwarded ? forwarded.split(',').at(-1)!.trim() : '';
		return last || info.remoteAddress || 'unknown';
	}

	return { handle };
}

/**
 * SQLSTATE classes of a value the database refused (22 data exception, 23 integrity constraint
 * violation): the caller's data is wrong, so a 422 with the database's own message, which the
 * app's triggers and checks write for people to read. Anything else is the server's failure.
 */
function refusedByDatabase(e: unknown): ApiError | undefined {
	if (!(e instanceof DbError) || !/^2[23]/.test(e.code)) return undefined;
	return ApiError.auth(422, 'validation_failed', e.message);
}

function databaseFailure(e: unknown, message: string): ApiError {
	console.error(`[auth] ${message}:`, e);
	return ApiError.auth(500, 'unexpected_failure', message);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const versionHeader = { [AUTH_API_VERSION_HEADER]: AUTH_API_VERSION };

/** Clients that send `X-Supabase-Api-Version` (auth-js always does) get `{code, message}`. */
function versioned(req: Request): boolean {
	return (req.headers.get(AUTH_API_VERSION_HEADER) ?? '') >= AUTH_API_VERSION;
}

/** GoTrue's error body for clients without the version header: `{code: <status>, error_code, msg}`. */
function legacyError(error: ApiError): Response {
	const { code, message } = error.body;
	if (typeof code !== 'string' || typeof message !== 'string') return error.getResponse();
	return json(
		error.status,
		{ code: error.status, error_code: code, msg: message },
		{ 'x-sb-error-code': code }
	);
}

function ok(body: unknown): Response {
	return json(200, body, versionHeader);
}

function settings(options: AuthOptions) {
	return {
		external: {
			anonymous_users: options.anonymousSignIns,
			email: false,
			phone: false
		},
		disable_signup: false,
		mailer_autoconfirm: false,
		phone_autoconfirm: false,
		sms_provider: '',
		saml_enabled: false,
		site_url: options.siteUrl
	};
}
