import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/errors.ts';
import { toApiRequest } from './api-request.ts';

const options = { schemas: ['public', 'other'], maxBodyBytes: 1024 };
const translate = (path: string, init: RequestInit = {}, query = '') =>
	toApiRequest(new Request(`http://localhost/rest/v1${path}${query}`, init), path, options);

async function refusal(promise: Promise<unknown>) {
	const e = await promise.then(
		() => undefined,
		(error: unknown) => error
	);
	if (!(e instanceof ApiError)) throw new Error('expected an ApiError');
	return [e.status, e.body.code];
}

describe('toApiRequest: the raw request, read once', () => {
	it('reads method, target, query, preferences, range, media type, body and headers', async () => {
		const r = await translate(
			'/rpc/fn',
			{
				method: 'POST',
				headers: {
					'Content-Profile': 'other',
					Prefer: 'return=representation, count=exact',
					Accept: 'application/vnd.pgrst.object+json',
					Cookie: 'a=1; b=2',
					'X-Thing': 'yes'
				},
				body: '{"x":1}'
			},
			'?select=id&apikey=k&id=eq.1'
		);
		expect(r).toMatchObject({
			method: 'POST',
			path: '/rpc/fn',
			target: { kind: 'routine', name: 'fn' },
			schema: 'other',
			prefs: { return: 'representation', count: 'exact' },
			range: undefined,
			singular: true,
			body: { x: 1 },
			cookies: { a: '1', b: '2' }
		});
		expect([...r.params]).toEqual([
			['select', 'id'],
			['id', 'eq.1']
		]);
		expect(r.headers['x-thing']).toBe('yes');
		const read = await translate('/items', { headers: { Range: 'items=5-9' } });
		expect(read).toMatchObject({
			target: { kind: 'relation', name: 'items' },
			schema: 'public',
			range: { first: 5, last: 9 },
			body: undefined
		});
		expect((await translate('/', {})).target).toEqual({ kind: 'root' });
	});

	it('refuses what PostgREST refuses before planning', async () => {
		expect(await refusal(translate('/items', { method: 'PUT' }))).toEqual([405, 'PGRST117']);
		expect(await refusal(translate('/a/b'))).toEqual([404, 'PGRST125']);
		expect(await refusal(translate('/items', { headers: { 'Accept-Profile': 'x' } }))).toEqual([
			406,
			'PGRST106'
		]);
		expect(await refusal(translate('/items', { headers: { Accept: 'text/csv' } }))).toEqual([
			406,
			'PGRST107'
		]);
		const post = (body: string, type = 'application/json') =>
			translate('/items', { method: 'POST', headers: { 'Content-Type': type }, body });
		expect(await refusal(post('{'))).toEqual([400, 'PGRST102']);
		expect(await refusal(post('a=1', 'application/x-www-form-urlencoded'))).toEqual([
			415,
			'PGRST107'
		]);
		expect(await refusal(post(`"${'x'.repeat(2000)}"`))).toEqual([413, 'PGRST102']);
	});
});
