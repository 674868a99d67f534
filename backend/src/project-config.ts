import { readFile } from 'node:fs/promises';
import type { BackendOptions } from './backend.ts';

export const CONFIG_FILE = new URL('../../supabase/config.toml', import.meta.url);

type Value = string | number | boolean;

/**
 * The few `supabase/config.toml` settings the back end honours, so one file configures both
 * `supabase start` and this back end. Reads only top-level `key = value` lines of `[api]` and
 * `[auth]` (strings, numbers, booleans): all the CLI's own file uses for these keys.
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
		const value: Value | undefined = /^".*"$/.test(text)
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
	return options;
}

export async function readProjectConfig(
	file: URL | string = CONFIG_FILE
): Promise<Omit<BackendOptions, 'db'>> {
	try {
		return parseProjectConfig(await readFile(file, 'utf8'));
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
		throw e;
	}
}
