import { describe, expect, it } from 'vitest';
import { signJwt } from '../jwt.ts';
import { LOCAL_ANON_KEY, LOCAL_JWT_SECRET } from '../keys.ts';
import { defaultKeys, resolveCredentials } from './credentials.ts';

const keys = defaultKeys();
const now = Math.floor(Date.now() / 1000);
const userToken = (claims: Record<string, unknown> = {}, secret = LOCAL_JWT_SECRET) =>
	signJwt({ sub: 'u1', role: 'authenticated', exp: now + 60, ...claims }, secret);

describe('resolveCredentials: the role a key and a bearer token stand for', () => {
	it('maps the publishable key to anon with the anon key claims', () => {
		const r = resolveCredentials(
			{ apikey: keys.publishableKey, authorization: `Bearer ${keys.publishableKey}` },
			keys
		);
		expect(r).toMatchObject({ ok: true, role: 'anon', user: false, token: LOCAL_ANON_KEY });
		expect(r.ok && r.claims).toMatchObject({ iss: 'supabase-demo', role: 'anon' });
	});

	it('maps the secret key and the legacy service key to service_role', () => {
		for (const apikey of [keys.secretKey, keys.serviceRoleKey]) {
			expect(resolveCredentials({ apikey }, keys)).toMatchObject({
				ok: true,
				role: 'service_role'
			});
		}
	});

	it('lets a user JWT in Authorization win over the key', () => {
		const token = userToken();
		const r = resolveCredentials(
			{ apikey: keys.publishableKey, authorization: `Bearer ${token}` },
			keys
		);
		expect(r).toMatchObject({ ok: true, role: 'authenticated', user: true, token });
		expect(r.ok && r.claims.sub).toBe('u1');
	});

	it('runs a JWT without a role claim as anon', () => {
		const r = resolveCredentials(
			{ apikey: keys.anonKey, authorization: `Bearer ${userToken({ role: undefined })}` },
			keys
		);
		expect(r).toMatchObject({ ok: true, role: 'anon' });
	});

	it('rejects unknown and missing keys', () => {
		expect(resolveCredentials({ apikey: 'sb_publishable_nope' }, keys)).toMatchObject({
			ok: false,
			reason: 'invalid_apikey'
		});
		expect(resolveCredentials({ apikey: userToken() }, keys)).toMatchObject({
			ok: false,
			reason: 'invalid_apikey'
		});
		expect(resolveCredentials({}, keys)).toMatchObject({ ok: false, reason: 'no_apikey' });
		// An sb_ key in Authorization must equal the apikey header.
		expect(
			resolveCredentials(
				{ apikey: keys.publishableKey, authorization: `Bearer ${keys.secretKey}` },
				keys
			)
		).toMatchObject({ ok: false, reason: 'invalid_apikey' });
	});

	it('accepts a user JWT without an apikey (direct PostgREST style) but not a forged one', () => {
		expect(resolveCredentials({ authorization: `Bearer ${userToken()}` }, keys)).toMatchObject({
			ok: true
		});
		const forged = userToken({}, 'another-secret-another-secret-another-secret');
		expect(
			resolveCredentials({ apikey: keys.publishableKey, authorization: `Bearer ${forged}` }, keys)
		).toMatchObject({
			ok: false,
			reason: 'signature'
		});
	});

	it('reports expired and malformed tokens, with 30 s of skew', () => {
		const expired = userToken({ exp: now - 31 });
		const skewed = userToken({ exp: now - 10 });
		const apikey = keys.publishableKey;
		expect(resolveCredentials({ apikey, authorization: `Bearer ${expired}` }, keys)).toMatchObject({
			ok: false,
			reason: 'expired',
			message: 'JWT expired'
		});
		expect(resolveCredentials({ apikey, authorization: `Bearer ${skewed}` }, keys)).toMatchObject({
			ok: true
		});
		expect(resolveCredentials({ apikey, authorization: 'Bearer abc' }, keys)).toMatchObject({
			ok: false,
			reason: 'malformed',
			message: 'Expected 3 parts in JWT; got 1'
		});
		expect(resolveCredentials({ apikey, authorization: 'Bearer a.b.c' }, keys)).toMatchObject({
			ok: false,
			reason: 'malformed'
		});
	});

	it('signs default legacy keys with a custom secret', () => {
		const custom = defaultKeys('x'.repeat(40));
		expect(custom.anonKey).not.toBe(LOCAL_ANON_KEY);
		expect(resolveCredentials({ apikey: custom.anonKey }, custom)).toMatchObject({
			ok: true,
			role: 'anon'
		});
		expect(resolveCredentials({ apikey: LOCAL_ANON_KEY }, custom)).toMatchObject({ ok: false });
	});
});
