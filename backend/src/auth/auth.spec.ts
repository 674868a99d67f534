import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../backend.ts';
import { ENGINES } from '../../test-support/databases.ts';
import { signJwt, verifyJwt } from '../jwt.ts';
import { LOCAL_JWT_SECRET } from '../keys.ts';
import { openFixtureDb, request, signUp, type FixtureDb } from '../../test-support/harness.ts';

/** The GoTrue subset, at the protocol level: paths, bodies, status codes and error shapes. */
describe.each(ENGINES)('Auth on %s', (engine) => {
	let fixture: FixtureDb;
	let backend: Backend;

	beforeAll(async () => {
		fixture = await openFixtureDb(engine);
		backend = createBackend({
			db: fixture.db,
			apiUrl: 'http://127.0.0.1:54321',
			maxBodyBytes: 16 * 1024
		});
	}, 60_000);
	afterAll(async () => {
		await backend.close();
		await fixture.close();
	});

	const auth = (method: string, path: string, init: Parameters<typeof request>[3] = {}) =>
		request(backend, method, `/auth/v1${path}`, {
			...init,
			headers: { 'x-supabase-api-version': '2024-01-01', ...init.headers }
		});

	it('signs up an anonymous user in auth.users, running triggers, with GoTrue claims', async () => {
		const res = await auth('POST', '/signup', {
			body: { data: { display_name: 'ann' }, gotrue_meta_security: {} }
		});
		expect(res.status).toBe(200);
		const session = await res.json();
		expect(session).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
		expect(session.refresh_token.length).toBeGreaterThanOrEqual(12);
		expect(session.user).toMatchObject({
			aud: 'authenticated',
			role: 'authenticated',
			email: '',
			phone: '',
			app_metadata: {},
			user_metadata: { display_name: 'ann' },
			identities: [],
			is_anonymous: true
		});
		expect(session.user).not.toHaveProperty('email_confirmed_at');
		const verified = verifyJwt(session.access_token, LOCAL_JWT_SECRET);
		expect(verified.ok).toBe(true);
		const claims = verified.ok ? verified.claims : {};
		expect(claims).toMatchObject({
			aud: 'authenticated',
			iss: 'http://127.0.0.1:54321/auth/v1',
			sub: session.user.id,
			email: '',
			phone: '',
			app_metadata: {},
			user_metadata: { display_name: 'ann' },
			role: 'authenticated',
			aal: 'aal1',
			amr: [{ method: 'anonymous' }],
			is_anonymous: true
		});
		expect(claims.exp).toBe(session.expires_at);
		expect(claims.exp! - claims.iat!).toBe(3600);
		const profile = await fixture.db.query(
			'select display_name from public.profiles where id = $1',
			[session.user.id]
		);
		expect(profile.rows).toEqual([{ display_name: 'ann' }]);
		const sessions = await fixture.db.query(
			'select count(*)::int as n from auth.sessions where user_id = $1',
			[session.user.id]
		);
		expect(sessions.rows).toEqual([{ n: 1 }]);
	});

	it('turns a trigger failure into 500 "Database error creating anonymous user" and stores nothing', async () => {
		const before = await fixture.db.query<{ n: number }>(
			'select count(*)::int as n from auth.users'
		);
		const res = await auth('POST', '/signup', { body: { data: { display_name: 'forbidden' } } });
		expect(res.status).toBe(500);
		expect(await res.json()).toEqual({
			code: 'unexpected_failure',
			message: 'Database error creating anonymous user'
		});
		const after = await fixture.db.query<{ n: number }>(
			'select count(*)::int as n from auth.users'
		);
		expect(after.rows[0].n).toBe(before.rows[0].n);
	});

	it('renders errors with the API-version header and x-sb-error-code', async () => {
		const res = await auth('POST', '/signup', { body: '{"data":' });
		expect(res.status).toBe(400);
		expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01');
		expect(res.headers.get('x-sb-error-code')).toBe('bad_json');
		expect(await res.json()).toMatchObject({ code: 'bad_json' });
		const email = await auth('POST', '/signup', {
			body: { email: 'a@b.c', password: 'secret123' }
		});
		expect([email.status, (await email.json()).code]).toEqual([422, 'email_provider_disabled']);
		const big = await auth('POST', '/signup', {
			body: { data: { display_name: 'x'.repeat(20_000) } }
		});
		expect(big.status).toBe(413);
	});

	it('answers clients without X-Supabase-Api-Version in the legacy error shape', async () => {
		const res = await request(backend, 'GET', '/auth/v1/user', {
			headers: { authorization: '', 'x-supabase-api-version': '' }
		});
		expect(res.status).toBe(401);
		expect(await res.json()).toEqual({
			code: 401,
			error_code: 'no_authorization',
			msg: 'This endpoint requires a valid Bearer token'
		});
	});

	it('refuses anonymous sign-ins when disabled, and rate-limits per IP', async () => {
		const off = createBackend({ db: fixture.db, anonymousSignIns: false });
		const res = await request(off, 'POST', '/auth/v1/signup', { body: { data: {} } });
		expect([res.status, (await res.json()).code]).toEqual([422, 'anonymous_provider_disabled']);
		await off.close();
		const limited = createBackend({ db: fixture.db, anonymousSignInsPerHour: 1 });
		const signup = (ip: string) =>
			limited.fetch(
				new Request('http://localhost/auth/v1/signup', {
					method: 'POST',
					headers: {
						apikey: limited.keys.publishableKey,
						'content-type': 'application/json',
						'x-supabase-api-version': '2024-01-01'
					},
					body: '{}'
				}),
				{ remoteAddress: ip }
			);
		expect((await signup('10.0.0.1')).status).toBe(200);
		const second = await signup('10.0.0.1');
		expect([second.status, (await second.json()).code]).toEqual([429, 'over_request_rate_limit']);
		expect((await signup('10.0.0.2')).status).toBe(200);
		await limited.close();
	});

	it('rejects a wrong or missing apikey', async () => {
		const res = await request(backend, 'POST', '/auth/v1/signup', {
			body: {},
			headers: { apikey: 'sb_publishable_nope', authorization: 'Bearer sb_publishable_nope' }
		});
		expect([res.status, await res.json()]).toMatchObject([401, { message: 'Invalid API key' }]);
		const none = await backend.fetch(new Request('http://localhost/auth/v1/user'));
		expect(none.status).toBe(401);
	});

	it('rotates refresh tokens, tolerates reuse within the interval, and revokes the family after', async () => {
		const s0 = await signUp(backend);
		const refresh = (token: string) =>
			auth('POST', '/token?grant_type=refresh_token', { body: { refresh_token: token } });
		const r1 = await refresh(s0.refresh_token);
		expect(r1.status).toBe(200);
		const s1 = await r1.json();
		expect(s1.refresh_token).not.toBe(s0.refresh_token);
		expect(s1.user.id).toBe(s0.user.id);
		// Reused inside the 10 s interval (e.g. two tabs refreshing at once): the current token back.
		const again = await (await refresh(s0.refresh_token)).json();
		expect(again.refresh_token).toBe(s1.refresh_token);
		// Outside the interval it is reuse: refused, and the whole session's tokens are revoked.
		await fixture.db.query(
			`update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = $1`,
			[s0.refresh_token]
		);
		const reused = await refresh(s0.refresh_token);
		expect([reused.status, (await reused.json()).code]).toEqual([
			400,
			'refresh_token_already_used'
		]);
		const family = await refresh(s1.refresh_token);
		expect(family.status).toBe(400);

		const unknown = await refresh('x'.repeat(22));
		expect(await unknown.json()).toEqual({
			code: 'refresh_token_not_found',
			message: 'Invalid Refresh Token: Refresh Token Not Found'
		});
		expect((await (await refresh('short')).json()).code).toBe('validation_failed');
		const empty = await auth('POST', '/token?grant_type=refresh_token', { body: {} });
		expect([empty.status, await empty.json()]).toEqual([
			400,
			{ error: 'invalid_request', error_description: 'refresh_token required' }
		]);
		const grant = await auth('POST', '/token?grant_type=magic', { body: {} });
		expect([grant.status, (await grant.json()).message]).toEqual([400, 'unsupported_grant_type']);
	});

	it('answers two simultaneous refreshes with the same token with the same new session', async () => {
		const s = await signUp(backend);
		const refresh = () =>
			auth('POST', '/token?grant_type=refresh_token', { body: { refresh_token: s.refresh_token } });
		const [a, b] = await Promise.all([refresh(), refresh()]);
		expect([a.status, b.status]).toEqual([200, 200]);
		const [ja, jb] = [await a.json(), await b.json()];
		expect(ja.refresh_token).toBe(jb.refresh_token);
		expect(ja.refresh_token).not.toBe(s.refresh_token);
	});

	it('GET/PUT /user: merge metadata, delete on null; the JWT claims change only on refresh', async () => {
		const s = await signUp(backend, { display_name: 'ann', theme: 'dark' });
		const token = s.access_token;
		const get = await auth('GET', '/user', { token });
		expect(await get.json()).toMatchObject({
			id: s.user.id,
			user_metadata: { display_name: 'ann', theme: 'dark' }
		});
		const put = await auth('PUT', '/user', {
			token,
			body: {
				data: { display_name: 'bob', theme: null },
				code_challenge: null,
				code_challenge_method: null
			}
		});
		expect(put.status).toBe(200);
		expect((await put.json()).user_metadata).toEqual({ display_name: 'bob' });
		const refreshed = await (
			await auth('POST', '/token?grant_type=refresh_token', {
				body: { refresh_token: s.refresh_token }
			})
		).json();
		const claims = verifyJwt(refreshed.access_token, LOCAL_JWT_SECRET);
		expect(claims.ok && claims.claims.user_metadata).toEqual({ display_name: 'bob' });
	});

	it('requires a valid Bearer token for /user: 401 no_authorization, 403 bad_jwt, user/session missing', async () => {
		const none = await request(backend, 'GET', '/auth/v1/user', { headers: { authorization: '' } });
		expect([none.status, (await none.json()).code]).toEqual([401, 'no_authorization']);
		const now = Math.floor(Date.now() / 1000);
		const s = await signUp(backend);
		const payload = verifyJwt(s.access_token, LOCAL_JWT_SECRET);
		const claims = payload.ok ? payload.claims : {};
		const expired = signJwt({ ...claims, exp: now - 10 }, LOCAL_JWT_SECRET);
		const e = await auth('GET', '/user', { token: expired });
		expect([e.status, (await e.json()).code]).toEqual([403, 'bad_jwt']);
		const forged = signJwt(claims, 'wrong-secret-wrong-secret-wrong-secret!!');
		expect((await auth('GET', '/user', { token: forged })).status).toBe(403);
		const ghost = signJwt(
			{ ...claims, sub: '00000000-0000-0000-0000-00000000dead' },
			LOCAL_JWT_SECRET
		);
		expect((await (await auth('GET', '/user', { token: ghost })).json()).code).toBe(
			'user_not_found'
		);
	});

	it('logs out with scope local, others and global', async () => {
		const a = await signUp(backend);
		const b = await (
			await auth('POST', '/token?grant_type=refresh_token', {
				body: { refresh_token: a.refresh_token }
			})
		).json();
		// Two sessions of one user: make a second one directly (a second device).
		const second = await fixture.db.query<{ id: string }>(
			`insert into auth.sessions (id, user_id, created_at, updated_at) values (gen_random_uuid(), $1, now(), now()) returning id::text`,
			[a.user.id]
		);
		const count = async () =>
			(
				await fixture.db.query<{ n: number }>(
					'select count(*)::int as n from auth.sessions where user_id = $1',
					[a.user.id]
				)
			).rows[0].n;
		expect(await count()).toBe(2);
		const others = await auth('POST', '/logout?scope=others', {
			token: b.access_token,
			headers: { 'content-type': 'application/json;charset=UTF-8' }
		});
		expect(others.status).toBe(204);
		expect(await count()).toBe(1);
		expect(second.rows.length).toBe(1);
		expect((await auth('POST', '/logout?scope=local', { token: b.access_token })).status).toBe(204);
		expect(await count()).toBe(0);
		const after = await auth('GET', '/user', { token: b.access_token });
		expect([after.status, (await after.json()).code]).toEqual([403, 'session_not_found']);
		const c = await signUp(backend);
		expect((await auth('POST', '/logout', { token: c.access_token })).status).toBe(204);
		const refused = await auth('POST', '/token?grant_type=refresh_token', {
			body: { refresh_token: c.refresh_token }
		});
		expect(refused.status).toBe(400);
	});

	it('serves /health, /settings and the JWKS without a key', async () => {
		const health = await backend.fetch(new Request('http://localhost/auth/v1/health'));
		expect(await health.json()).toMatchObject({ name: 'GoTrue' });
		const settings = await backend.fetch(new Request('http://localhost/auth/v1/settings'));
		expect((await settings.json()).external.anonymous_users).toBe(true);
		const jwks = await backend.fetch(new Request('http://localhost/auth/v1/.well-known/jwks.json'));
		expect(await jwks.json()).toEqual({ keys: [] });
	});
});
