import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../backend.ts';
import { ENGINES } from '../../test-support/databases.ts';
import { openFixtureDb, request, signUp, type FixtureDb } from '../../test-support/harness.ts';
import { MAX_JSON_DEPTH } from './body.ts';
import { serve, type Served } from '../node.ts';
import { RawClient } from '../../test-support/realtime.ts';

/** `[[[…1…]]]`, `depth` arrays deep. */
const nested = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);

/**
 * A value nested far deeper than any real payload, in an otherwise valid body, is refused when the
 * body is parsed (400, in each service's own error shape), before anything re-serialises it.
 */
describe.each(ENGINES)('deeply nested JSON bodies on %s', (engine) => {
	let fixture: FixtureDb;
	let backend: Backend;
	let user: Awaited<ReturnType<typeof signUp>>;
	let served: Served;

	beforeAll(async () => {
		fixture = await openFixtureDb(engine);
		backend = createBackend({ db: fixture.db });
		user = await signUp(backend, { display_name: 'deep' });
		served = await serve(backend, { port: 0 });
	}, 60_000);
	afterAll(async () => {
		await served.close(2000);
		await backend.close();
		await fixture.close();
	});

	const deep = nested(100_000);
	const send = (method: string, path: string, body: string, token?: string) =>
		request(backend, method, path, { body, token });

	it('REST: 400 PGRST102 for POST, PATCH and RPC bodies', async () => {
		for (const [method, path, body] of [
			['POST', '/rest/v1/items', `[{"name":"deep","meta":${deep}}]`],
			['PATCH', '/rest/v1/items?name=eq.seed1', `{"meta":${deep}}`],
			['POST', '/rest/v1/rpc/echo_args', `{"a":[1],"j":${deep}}`]
		]) {
			const res = await send(method, path, body, user.access_token);
			expect(res.status, `${method} ${path}`).toBe(400);
			expect(await res.json()).toEqual({
				code: 'PGRST102',
				details: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
				hint: null,
				message: 'Empty or invalid json'
			});
		}
		const stored = await request(backend, 'GET', '/rest/v1/items?name=eq.deep');
		expect(await stored.json()).toEqual([]);
	});

	it('REST: accepts nesting up to the limit', async () => {
		const res = await send(
			'POST',
			'/rest/v1/rpc/echo_args',
			`{"a":[1],"j":${nested(MAX_JSON_DEPTH - 1)}}`
		);
		expect(res.status).toBe(200);
		let value: unknown = ((await res.json()) as { j: unknown }).j;
		let depth = 0;
		while (Array.isArray(value)) [value, depth] = [value[0], depth + 1];
		expect(depth).toBe(MAX_JSON_DEPTH - 1);
	});

	it('Auth: 400 bad_json for sign-up data and PUT /user', async () => {
		const signup = await send('POST', '/auth/v1/signup', `{"data":{"display_name":${deep}}}`);
		const put = await send('PUT', '/auth/v1/user', `{"data":{"x":${deep}}}`, user.access_token);
		for (const res of [signup, put]) {
			expect(res.status).toBe(400);
			expect(await res.json()).toEqual({
				code: 'bad_json',
				message: `Could not parse request body as JSON: JSON nested deeper than ${MAX_JSON_DEPTH} levels`
			});
		}
	});

	it('Realtime broadcast API: 400 in its own shape, batch and single', async () => {
		const batch = await send(
			'POST',
			'/realtime/v1/api/broadcast',
			`{"messages":[{"topic":"t","event":"e","payload":${deep}}]}`
		);
		const single = await send('POST', '/realtime/v1/api/broadcast/t/events/e', deep);
		for (const res of [batch, single]) {
			expect(res.status).toBe(400);
			expect(await res.json()).toEqual({
				error: `Invalid JSON body: JSON nested deeper than ${MAX_JSON_DEPTH} levels`
			});
		}
	});

	it('Realtime socket: a deeply nested frame is dropped, and the socket and server go on', async () => {
		const c = await RawClient.connect(served.url, {
			apikey: backend.keys.publishableKey,
			vsn: '1.0.0'
		});
		try {
			c.send(`{"topic":"phoenix","event":"heartbeat","payload":${deep},"ref":"1"}`);
			c.send(`[null,"2","phoenix","heartbeat",${deep}]`);
			c.send({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '3' });
			const reply = await c.next<Record<string, unknown>>(
				(f) => !Array.isArray(f.text) && f.text?.ref !== undefined,
				'a heartbeat reply'
			);
			expect(reply).toMatchObject({ event: 'phx_reply', ref: '3', payload: { status: 'ok' } });
			expect(c.frames).toHaveLength(1);
			const health = await request(backend, 'GET', '/auth/v1/health');
			expect(health.status).toBe(200);
		} finally {
			c.close();
		}
	});
});
