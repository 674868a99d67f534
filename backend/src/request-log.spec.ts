import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { signJwt } from './jwt.ts';
import { LOCAL_JWT_SECRET, LOCAL_PUBLISHABLE_KEY, localDevelopmentKeys } from './keys.ts';
import { logRequests, pathWithoutValues, requestLogEnabled } from './request-log.ts';

describe('request log', () => {
	it('keeps the parameter names of a query and none of its values', () => {
		expect(pathWithoutValues('/rest/v1/seats?select=id&event_id=eq.4&event_id=lt.9')).toBe(
			'/rest/v1/seats?select&event_id'
		);
		expect(pathWithoutValues('/auth/v1/user')).toBe('/auth/v1/user');
		expect(pathWithoutValues('/x?a%0Ab=1')).toBe('/x?a%0Ab');
	});

	it("names the user of a verified token, from Authorization or the app's session cookie", async () => {
		const keys = localDevelopmentKeys();
		const exp = Math.floor(Date.now() / 1000) + 60;
		const token = (sub: string, secret = LOCAL_JWT_SECRET) =>
			signJwt({ sub, role: 'authenticated', exp }, secret);
		const lines: string[] = [];
		const server = createServer((req, res) => {
			res.statusCode = req.url === '/boom' ? 500 : 200;
			res.end();
		});
		logRequests(server, keys, {
			info: (l) => lines.push(`info ${l}`),
			error: (l) => lines.push(`error ${l}`)
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const cookie = `sb-127-auth-token=base64-${Buffer.from(JSON.stringify({ access_token: token('u-cookie') })).toString('base64url')}`;
		try {
			for (const [path, headers] of [
				[
					'/rest/v1/x?a=1',
					{ apikey: LOCAL_PUBLISHABLE_KEY, authorization: `Bearer ${token('u-bearer')}` }
				],
				[
					'/forged',
					{
						apikey: LOCAL_PUBLISHABLE_KEY,
						authorization: `Bearer ${token('u-forged', 'x'.repeat(40))}`
					}
				],
				['/page', { cookie }],
				['/boom', {}]
			] as const) {
				await (await fetch(url + path, { headers })).text();
			}
			for (let waited = 0; lines.length < 4 && waited < 5000; waited += 20)
				await new Promise((resolve) => setTimeout(resolve, 20));
		} finally {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		}
		expect(lines.map((l) => l.replace(/ \S+Z /, ' T ').replace(/\d+\.\dms/, 'D'))).toEqual([
			'info T GET /rest/v1/x?a 200 D u-bearer',
			'info T GET /forged 200 D -',
			'info T GET /page 200 D u-cookie',
			'error T GET /boom 500 D -'
		]);
	});

	it('is switched by LOG_REQUESTS, else by the entry point', () => {
		expect(requestLogEnabled({}, true)).toBe(true);
		expect(requestLogEnabled({ LOG_REQUESTS: '0' }, true)).toBe(false);
		expect(requestLogEnabled({ LOG_REQUESTS: 'on' }, false)).toBe(true);
	});
});
