import { mkdtemp, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, openTestDb, type TestDb } from '../test-support/databases.ts';
import { signJwt } from './jwt.ts';
import {
	LOCAL_ANON_KEY,
	LOCAL_JWT_SECRET,
	LOCAL_PUBLISHABLE_KEY,
	LOCAL_SECRET_KEY,
	LOCAL_SERVICE_ROLE_KEY,
	deriveKeys
} from './keys.ts';
import { KeyConfigError, productionKeys, secretFile } from './secrets.ts';

const SECRET = 'a-long-enough-secret-for-these-tests-0123456789';

/** The production server's keys: from the environment, or generated once and kept with the data. */
describe('production keys from the environment', () => {
	const keys = (env: Record<string, string>) => productionKeys('memory', undefined!, env);

	it('refuses a JWT_SECRET shorter than 32 bytes, and the published demo secrets', async () => {
		await expect(keys({ JWT_SECRET: 'x'.repeat(31) })).rejects.toThrow(
			'JWT_SECRET is 31 bytes long; it must be at least 32 bytes'
		);
		for (const published of [
			LOCAL_JWT_SECRET,
			'your-super-secret-jwt-token-with-at-least-32-characters-long'
		]) {
			await expect(keys({ JWT_SECRET: published })).rejects.toThrow(/demo secret/);
		}
	});

	it('derives the legacy keys and an sb_secret_ key from JWT_SECRET, the same every time', async () => {
		const { keys: a, source } = await keys({ JWT_SECRET: SECRET });
		const { keys: b } = await keys({ JWT_SECRET: SECRET });
		expect(a).toEqual(b);
		expect(source).toBe('JWT_SECRET from the environment');
		expect(a.secretKey).toMatch(/^sb_secret_[\w-]{22}_[\w-]{8}$/);
		expect([a.anonKey, a.serviceRoleKey, a.secretKey]).not.toContain(LOCAL_ANON_KEY);
		expect(a.serviceRoleKey).not.toBe(LOCAL_SERVICE_ROLE_KEY);
		expect(a.secretKey).not.toBe(LOCAL_SECRET_KEY);
		expect(a.publishableKey).toBe(LOCAL_PUBLISHABLE_KEY);
		expect(a).toEqual(deriveKeys(SECRET));
	});

	it('takes ANON_KEY, SERVICE_ROLE_KEY and the opaque keys when they fit the secret', async () => {
		const anonKey = signJwt({ role: 'anon', iss: 'supabase' }, SECRET);
		const serviceRoleKey = signJwt({ role: 'service_role', iss: 'supabase' }, SECRET);
		const { keys: k } = await keys({
			JWT_SECRET: SECRET,
			ANON_KEY: anonKey,
			SERVICE_ROLE_KEY: serviceRoleKey,
			SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_mine',
			SUPABASE_SECRET_KEY: 'sb_secret_abcdefghijklmnopqrstuvwxyz'
		});
		expect(k).toMatchObject({
			anonKey,
			serviceRoleKey,
			publishableKey: 'sb_publishable_mine',
			secretKey: 'sb_secret_abcdefghijklmnopqrstuvwxyz'
		});
	});

	it('refuses keys that do not fit: wrong secret, wrong role, the published sb_secret_, no secret', async () => {
		const wrong: [Record<string, string>, string | RegExp][] = [
			[
				{ JWT_SECRET: SECRET, SERVICE_ROLE_KEY: LOCAL_SERVICE_ROLE_KEY },
				/not a JWT signed with JWT_SECRET/
			],
			[
				{ JWT_SECRET: SECRET, SERVICE_ROLE_KEY: signJwt({ role: 'anon' }, SECRET) },
				'SERVICE_ROLE_KEY claims role "anon", not "service_role".'
			],
			[{ JWT_SECRET: SECRET, SUPABASE_SECRET_KEY: LOCAL_SECRET_KEY }, /published local key/],
			[{ JWT_SECRET: SECRET, SUPABASE_SECRET_KEY: 'hunter2' }, /must look like sb_secret_/],
			[{ JWT_SECRET: SECRET, SUPABASE_PUBLISHABLE_KEY: 'pk' }, /must start with sb_publishable_/],
			[{ ANON_KEY: LOCAL_ANON_KEY }, /set JWT_SECRET as well/]
		];
		for (const [env, message] of wrong) {
			const refused = keys(env);
			await expect(refused).rejects.toThrow(KeyConfigError);
			await expect(refused).rejects.toThrow(message);
		}
	});

	it('makes a new random secret per process for in-memory data', async () => {
		const a = await keys({});
		const b = await keys({});
		expect(a.keys.jwtSecret).not.toBe(b.keys.jwtSecret);
		expect(Buffer.byteLength(a.keys.jwtSecret)).toBeGreaterThanOrEqual(32);
	});
});

describe.each(ENGINES)('a generated production secret on %s', { timeout: 60_000 }, (engine) => {
	let t: TestDb;
	let dir: string;
	let spec: string;
	beforeAll(async () => {
		t = await openTestDb(engine, { seed: false });
		dir = await mkdtemp(join(tmpdir(), 'secrets-'));
		spec = engine === 'postgres' ? t.url! : join(dir, 'pglite');
	}, 60_000);
	afterAll(async () => {
		await t.close();
		await rm(dir, { recursive: true, force: true });
	});

	it('is made on the first start, kept with the data, and the same on every later start', async () => {
		const first = await productionKeys(spec, t.db, {});
		const again = await productionKeys(spec, t.db, {});
		expect(again.keys).toEqual(first.keys);
		expect(Buffer.byteLength(first.keys.jwtSecret)).toBeGreaterThanOrEqual(32);
		expect(first.keys.jwtSecret).not.toBe(LOCAL_JWT_SECRET);
		expect(first.keys).toEqual(deriveKeys(first.keys.jwtSecret));
		if (engine === 'pglite') {
			expect(first.source).toBe(`generated, kept in ${secretFile(spec)}`);
			expect((await stat(secretFile(spec))).mode & 0o777).toBe(0o600);
		} else {
			expect(first.source).toMatch(/_embedded\.jwt_secret/);
		}
	});

	it('is readable by no API role', async () => {
		await productionKeys(spec, t.db, {});
		if (engine === 'pglite') {
			// The file is the owner's alone, even when it was copied with a looser mode.
			await chmod(secretFile(spec), 0o644);
			await productionKeys(spec, t.db, {});
			expect((await stat(secretFile(spec))).mode & 0o777).toBe(0o600);
			return;
		}
		for (const role of ['anon', 'authenticated', 'service_role']) {
			const read = t.db.transaction(async (tx) => {
				await tx.query(`select set_config('role', $1, true)`, [role]);
				return tx.query('select secret from _embedded.jwt_secret');
			});
			await expect(read, role).rejects.toMatchObject({ code: '42501' });
		}
	});

	it('refuses a stored secret that is too short instead of signing with it', async () => {
		if (engine === 'pglite') await writeFile(secretFile(spec), 'short\n', { mode: 0o600 });
		else await t.db.query(`update _embedded.jwt_secret set secret = 'short'`);
		await expect(productionKeys(spec, t.db, {})).rejects.toThrow(/shorter than 32 bytes/);
	});
});
