import { randomBytes } from 'node:crypto';
import { chmod, link, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Db } from './db/types.ts';
import type { KeySet } from './http/credentials.ts';
import {
	LOCAL_SECRET_KEY,
	deriveKeys,
	jwtSecretProblem,
	legacyKeyProblem,
	MIN_JWT_SECRET_BYTES
} from './keys.ts';

/**
 * The production server's JWT secret and API keys (`npm start`). Taken from the environment under
 * the names Supabase's self-hosting uses (`JWT_SECRET`, `ANON_KEY`, `SERVICE_ROLE_KEY`, plus
 * `SUPABASE_PUBLISHABLE_KEY`/`SUPABASE_SECRET_KEY` for the opaque keys); with no `JWT_SECRET`, a
 * random one generated on the first start and kept with the data, so restarts keep sessions:
 *
 * - a PGlite directory `<dir>`: the file `<dir>.jwt-secret` beside it, mode 0600;
 * - a PostgreSQL database: the table `_embedded.jwt_secret`, which only the owner can read (no
 *   API role has usage on the schema); several servers on one database share it;
 * - `memory`: a random secret for this process only, which ends with the data it protects.
 */

/** A start-up refusal with a message for the operator. */
export class KeyConfigError extends Error {
	override name = 'KeyConfigError';
}

export interface ProductionKeys {
	keys: KeySet;
	/** Where the secret came from, for the start-up line (never the secret itself). */
	source: string;
}

type Env = Record<string, string | undefined>;

const isPostgresUrl = (spec: string) => /^postgres(ql)?:\/\//.test(spec);

/** The generated secret's file for a PGlite data directory. */
export function secretFile(dataDir: string): string {
	return `${resolve(dataDir)}.jwt-secret`;
}

/**
 * The keys when the environment names the secret (checked before any data is opened, so a bad
 * setting stops the start at once); undefined when it does not.
 */
export function keysFromEnvironment(env: Env = process.env): ProductionKeys | undefined {
	const envSecret = env.JWT_SECRET;
	if (envSecret === undefined || envSecret === '') {
		if (value(env, 'ANON_KEY') || value(env, 'SERVICE_ROLE_KEY')) {
			throw new KeyConfigError(
				'ANON_KEY and SERVICE_ROLE_KEY are signed with the JWT secret: set JWT_SECRET as well.'
			);
		}
		return undefined;
	}
	const problem = jwtSecretProblem(envSecret);
	if (problem) throw new KeyConfigError(problem);
	return { keys: withGivenKeys(envSecret, env), source: 'JWT_SECRET from the environment' };
}

/** The environment's keys, or the secret generated on the first start and kept with the data. */
export async function productionKeys(
	spec: string,
	db: Db,
	env: Env = process.env
): Promise<ProductionKeys> {
	const fromEnv = keysFromEnvironment(env);
	if (fromEnv) return fromEnv;
	const { secret, source } = await storedSecret(spec, db);
	return { keys: withGivenKeys(secret, env), source };
}

const value = (env: Env, name: string) => env[name]?.trim() || undefined;

function withGivenKeys(secret: string, env: Env): KeySet {
	const given = {
		anonKey: value(env, 'ANON_KEY'),
		serviceRoleKey: value(env, 'SERVICE_ROLE_KEY'),
		publishableKey: value(env, 'SUPABASE_PUBLISHABLE_KEY'),
		secretKey: value(env, 'SUPABASE_SECRET_KEY')
	};
	for (const [key, role, name] of [
		[given.anonKey, 'anon', 'ANON_KEY'],
		[given.serviceRoleKey, 'service_role', 'SERVICE_ROLE_KEY']
	] as const) {
		const problem = key && legacyKeyProblem(key, role, secret, name);
		if (problem) throw new KeyConfigError(problem);
	}
	if (given.secretKey !== undefined) {
		if (!/^sb_secret_[A-Za-z0-9_-]{20,}$/.test(given.secretKey)) {
			throw new KeyConfigError(
				'SUPABASE_SECRET_KEY must look like sb_secret_ followed by at least 20 letters, digits, - or _.'
			);
		}
		if (given.secretKey === LOCAL_SECRET_KEY) {
			throw new KeyConfigError(
				"SUPABASE_SECRET_KEY is the CLI's published local key; leave it unset to derive one from the JWT secret."
			);
		}
	}
	if (given.publishableKey !== undefined && !given.publishableKey.startsWith('sb_publishable_')) {
		throw new KeyConfigError('SUPABASE_PUBLISHABLE_KEY must start with sb_publishable_.');
	}
	return deriveKeys(secret, given);
}

async function storedSecret(spec: string, db: Db): Promise<{ secret: string; source: string }> {
	if (spec === 'memory') {
		return { secret: newSecret(), source: 'a random secret for this process (in-memory data)' };
	}
	if (isPostgresUrl(spec)) {
		return {
			secret: await databaseSecret(db),
			source: 'generated, kept in the database (_embedded.jwt_secret)'
		};
	}
	const file = secretFile(spec);
	return { secret: await fileSecret(file), source: `generated, kept in ${file}` };
}

/** 48 random bytes as base64url: 64 characters. */
const newSecret = () => randomBytes(48).toString('base64url');

function checkStored(secret: string, where: string): string {
	if (Buffer.byteLength(secret) < MIN_JWT_SECRET_BYTES) {
		throw new KeyConfigError(
			`The JWT secret in ${where} is shorter than ${MIN_JWT_SECRET_BYTES} bytes; delete it to have a new one generated (this signs everyone out).`
		);
	}
	return secret;
}

/**
 * Reads the secret file, or creates it: written whole to a private temporary file, then linked
 * into place, so a crash never leaves a half-written secret and of two servers starting at once
 * one wins and the other reads its secret.
 */
async function fileSecret(file: string): Promise<string> {
	const existing = await readSecretFile(file);
	if (existing !== undefined) return existing;
	const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
	await writeFile(temporary, `${newSecret()}\n`, { mode: 0o600, flag: 'wx' });
	try {
		await link(temporary, file);
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
	} finally {
		await unlink(temporary);
	}
	return (await readSecretFile(file))!;
}

async function readSecretFile(file: string): Promise<string | undefined> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
		throw e;
	}
	// Copied around with a looser mode: it is a credential, so it is private again.
	if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
	return checkStored(text.trim(), file);
}

async function databaseSecret(db: Db): Promise<string> {
	return db.transaction(async (tx) => {
		await tx.query(`create schema if not exists _embedded`);
		await tx.query(`revoke all on schema _embedded from public`);
		await tx.query(
			`create table if not exists _embedded.jwt_secret (
				id boolean primary key default true check (id),
				secret text not null,
				created_at timestamptz not null default now()
			)`
		);
		await tx.query(
			`insert into _embedded.jwt_secret (secret) values ($1) on conflict (id) do nothing`,
			[newSecret()]
		);
		const { rows } = await tx.query<{ secret: string }>(`select secret from _embedded.jwt_secret`);
		return checkStored(rows[0].secret, 'the table _embedded.jwt_secret');
	});
}
