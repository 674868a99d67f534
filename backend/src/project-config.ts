import { readFile } from 'node:fs/promises';
import type { BackendOptions } from './backend.ts';

export const CONFIG_FILE = new URL('../../supabase/config.toml', import.meta.url);

type Value = string | number | boolean | string[];

/**
 * The few `supabase/config.toml` settings the back end honours, so one file configures both
 * `supabase start` and this back end. Reads only top-level `key = value` lines of `[api]`,
 * `[auth]` and `[auth.rate_limit]` (strings, numbers, booleans, one-line arrays of strings): all
 * the CLI's own file uses for these keys.
 */
export function parseProjectConfig(toml: string): Omit<BackendOptions, 'db'> {
	const sections = new Map<string, Map<string, Value>>();
	let current: Map<string, Value> | undefined;
	for (const raw of toml.split('\n')) {
		const line = raw.replace(/\s+#.*$/, '').trim();
		if (!line || line.startsWith('#')) continue;
		const header = /^\[([^\]]+)\]$/.exec(line);
		if (header) {
			current = new Map();
			sections.set(header[1].trim(), current);
			continue;
		}
		const pair = /^([A-Za-z0-9_]+)\s*=\s*(.+)$/.exec(line);
		if (!pair || !current) continue;
		const [, key, text] = pair;
		const value: Value | undefined = /^\[.*\]$/.test(text)
			? [...text.matchAll(/"([^"]*)"/g)].map((m) => m[1])
			: /^".*"$/.test(text)
				? text.slice(1, -1)
				: text === 'true' || text === 'false'
					? text === 'true'
					: /^-?\d+(\.\d+)?$/.test(text)
						? Number(text)
						: undefined;
		if (value !== undefined) current.set(key, value);
	}
	const api = sections.get('api');
	const auth = sections.get('auth');
	const options: Omit<BackendOptions, 'db'> = {};
	const num = (v: Value | undefined) => (typeof v === 'number' ? v : undefined);
	const list = (v: Value | undefined) => (Array.isArray(v) ? v : undefined);
	// PostgREST's db-schemas and db-extra-search-path, as the CLI passes them on.
	const schemas = list(api?.get('schemas'));
	if (schemas?.length) options.schemas = schemas;
	const extraSearchPath = list(api?.get('extra_search_path'));
	if (extraSearchPath) options.extraSearchPath = extraSearchPath;
	const maxRows = num(api?.get('max_rows'));
	if (maxRows !== undefined) options.maxRows = maxRows > 0 ? maxRows : null;
	const jwtExpiry = num(auth?.get('jwt_expiry'));
	if (jwtExpiry !== undefined) options.jwtExpiry = jwtExpiry;
	const reuse = num(auth?.get('refresh_token_reuse_interval'));
	if (reuse !== undefined) options.refreshTokenReuseInterval = reuse;
	const anonymous = auth?.get('enable_anonymous_sign_ins');
	if (typeof anonymous === 'boolean') options.anonymousSignIns = anonymous;
	const siteUrl = auth?.get('site_url');
	if (typeof siteUrl === 'string') options.siteUrl = siteUrl;
	const anonymousUsers = num(sections.get('auth.rate_limit')?.get('anonymous_users'));
	if (anonymousUsers !== undefined) options.anonymousSignInsPerHour = anonymousUsers;
	return options;
}

/**
 * GoTrue's own environment variables that override the file, as they override the CLI's generated
 * configuration: tests, benchmarks and outside tools that sign up many users from one address
 * raise the limit this way.
 */
export function environmentOverrides(
	env: Record<string, string | undefined>
): Omit<BackendOptions, 'db'> {
	const options: Omit<BackendOptions, 'db'> = {};
	const limit = env.GOTRUE_RATE_LIMIT_ANONYMOUS_USERS?.trim();
	if (limit) {
		const n = Number(limit);
		if (!Number.isFinite(n) || n < 0) {
			throw new Error(
				`GOTRUE_RATE_LIMIT_ANONYMOUS_USERS must be a number of sign-ins per hour, not "${limit}".`
			);
		}
		options.anonymousSignInsPerHour = n;
	}
	const header = env.GOTRUE_RATE_LIMIT_HEADER?.trim();
	if (header) options.rateLimitHeader = header;
	return options;
}

/** The project's file, then the environment's overrides. */
export async function readProjectConfig(
	file: URL | string = CONFIG_FILE,
	env: Record<string, string | undefined> = process.env
): Promise<Omit<BackendOptions, 'db'>> {
	let fromFile: Omit<BackendOptions, 'db'> = {};
	try {
		fromFile = parseProjectConfig(await readFile(file, 'utf8'));
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
	}
	return { ...fromFile, ...environmentOverrides(env) };
}
