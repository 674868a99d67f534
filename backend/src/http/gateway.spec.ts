import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../backend.ts';
import { openFixtureDb, request, type FixtureDb } from '../../test-support/harness.ts';

/** The gateway's API-key check is one step in front of every HTTP service, with one answer. */
describe('the gateway step', () => {
	let fixture: FixtureDb;
	let backend: Backend;

	beforeAll(async () => {
		fixture = await openFixtureDb('pglite');
		backend = createBackend({ db: fixture.db });
	}, 60_000);
	afterAll(async () => {
		await backend.close();
		await fixture.close();
	});

	const routes: [string, string][] = [
		['POST', '/auth/v1/signup'],
		['GET', '/auth/v1/user'],
		['GET', '/rest/v1/items'],
		['POST', '/rest/v1/rpc/add'],
		['POST', '/realtime/v1/api/broadcast']
	];

	it('answers a missing key 401 in the gateway shape, for every service', async () => {
		for (const [method, path] of routes) {
			const res = await backend.fetch(new Request(`http://localhost${path}`, { method }));
			expect([path, res.status, await res.json()]).toEqual([
				path,
				401,
				{
					message: 'No API key found in request',
					hint: 'No `apikey` request header or url param was found.'
				}
			]);
		}
	});

	it('answers an unknown key 401 in the gateway shape, in the header or the query', async () => {
		for (const [method, path] of routes) {
			for (const res of [
				await backend.fetch(
					new Request(`http://localhost${path}`, { method, headers: { apikey: 'sb_nope' } })
				),
				await backend.fetch(new Request(`http://localhost${path}?apikey=sb_nope`, { method }))
			]) {
				expect([path, res.status, await res.json()]).toEqual([
					path,
					401,
					{
						message: 'Invalid API key',
						hint: 'Double check your Supabase `anon` or `service_role` API key.'
					}
				]);
			}
		}
	});

	it('lets the open auth routes through without a key, and a known key everywhere', async () => {
		for (const path of ['/auth/v1/health', '/auth/v1/settings', '/auth/v1/.well-known/jwks.json']) {
			expect((await backend.fetch(new Request(`http://localhost${path}`))).status).toBe(200);
		}
		const viaQuery = await backend.fetch(
			new Request(
				`http://localhost/rest/v1/items?select=id&limit=1&apikey=${backend.keys.publishableKey}`
			)
		);
		expect([viaQuery.status, await viaQuery.json()]).toEqual([200, [{ id: 1 }]]);
		const broadcast = await request(backend, 'POST', '/realtime/v1/api/broadcast', {
			body: { messages: [] }
		});
		expect(broadcast.status).toBe(202);
	});
});
