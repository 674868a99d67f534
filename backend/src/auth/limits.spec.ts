import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../backend.ts';
import { readProjectConfig } from '../project-config.ts';
import { ENGINES, openTestDb, type TestDb } from '../../test-support/databases.ts';
import { request, signUp } from '../../test-support/harness.ts';

/**
 * What a public sign-up endpoint needs, on the app's own migrations: the project's anonymous
 * sign-in limit per address, and names the database refuses answered as the caller's mistake.
 */
describe.each(ENGINES)('auth limits on %s', { timeout: 60_000 }, (engine) => {
	let t: TestDb;
	beforeAll(async () => {
		t = await openTestDb(engine, { seed: false });
	}, 60_000);
	afterAll(() => t.close());

	const signUpFrom = (backend: Backend, address: string) =>
		backend.fetch(
			new Request('http://localhost/auth/v1/signup', {
				method: 'POST',
				headers: {
					apikey: backend.keys.publishableKey,
					'content-type': 'application/json',
					'x-supabase-api-version': '2024-01-01'
				},
				body: '{"data":{}}'
			}),
			{ remoteAddress: address }
		);

	it('limits anonymous sign-ins per address as [auth.rate_limit] anonymous_users says (30/h)', async () => {
		const backend = createBackend({ db: t.db, ...(await readProjectConfig(undefined, {})) });
		const statuses = [];
		for (let i = 0; i < 31; i++) statuses.push((await signUpFrom(backend, '198.51.100.7')).status);
		expect(statuses.slice(0, 30)).toEqual(Array(30).fill(200));
		const limited = await signUpFrom(backend, '198.51.100.7');
		expect([limited.status, await limited.json()]).toEqual([
			429,
			{ code: 'over_request_rate_limit', message: 'Request rate limit reached' }
		]);
		expect(statuses[30]).toBe(429);
		expect((await signUpFrom(backend, '198.51.100.8')).status).toBe(200);
		await backend.close();
	});

	it('takes GOTRUE_RATE_LIMIT_ANONYMOUS_USERS over the file', async () => {
		const env = { GOTRUE_RATE_LIMIT_ANONYMOUS_USERS: '2' };
		const backend = createBackend({ db: t.db, ...(await readProjectConfig(undefined, env)) });
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push((await signUpFrom(backend, '203.0.113.9')).status);
		expect(statuses).toEqual([200, 200, 429]);
		await backend.close();
	});

	it('answers a name the database refuses with 422 and its message, on sign-up and update', async () => {
		const backend = createBackend({ db: t.db });
		const message =
			'The display name must be 1 to 40 characters, without control or text-direction characters.';
		for (const name of ['x'.repeat(41), 'Ann\u202Exob', 'a\u0007b']) {
			const refused = await request(backend, 'POST', '/auth/v1/signup', {
				body: { data: { display_name: name } }
			});
			expect([refused.status, await refused.json()]).toEqual([
				422,
				{ code: 'validation_failed', message }
			]);
		}
		const session = await signUp(backend, { display_name: 'Ann' });
		const update = await request(backend, 'PUT', '/auth/v1/user', {
			token: session.access_token,
			body: { data: { display_name: '\u2066evil\u2069' } }
		});
		expect([update.status, await update.json()]).toEqual([
			422,
			{ code: 'validation_failed', message }
		]);
		const user = await request(backend, 'GET', '/auth/v1/user', { token: session.access_token });
		expect((await user.json()).user_metadata).toEqual({ display_name: 'Ann' });
		// Without auth-js's version header: GoTrue's older error body.
		const legacy = await request(backend, 'POST', '/auth/v1/signup', {
			body: { data: { display_name: '' } },
			headers: { 'x-supabase-api-version': '' }
		});
		expect([legacy.status, await legacy.json()]).toEqual([
			422,
			{ code: 422, error_code: 'validation_failed', msg: message }
		]);
		await backend.close();
	});
});
