import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { resolveCredentials, type KeySet } from './http/credentials.ts';
import { verifyJwt } from './jwt.ts';

/**
 * One line per HTTP request, written when its answer is finished (or the client went away):
 *
 *     2026-12-02T08:15:00.123Z POST /rest/v1/bookings?columns&select 201 4.2ms 6f1c…-…
 *
 * time (ISO 8601, UTC), method, path with the query's parameter names but none of their values
 * (filters and keys stay out of the log), status (`aborted` when the client left before the
 * answer ended), duration, and the signed-in user's id or `-`. The user is the one of a verified
 * access token: the `Authorization` header of API calls, or the session cookie of page requests.
 * 5xx lines go to stderr; the error behind one is logged with its stack where it is caught.
 */
export function formatRequestLine(entry: {
	time: Date;
	method: string;
	url: string;
	status: number | 'aborted';
	ms: number;
	userId?: string;
}): string {
	return [
		entry.time.toISOString(),
		entry.method,
		pathWithoutValues(entry.url),
		entry.status,
		`${entry.ms.toFixed(1)}ms`,
		entry.userId ?? '-'
	].join(' ');
}

/** `/rest/v1/seats?select=id&event_id=eq.4` → `/rest/v1/seats?select&event_id`. */
export function pathWithoutValues(url: string): string {
	const parsed = new URL(url, 'http://localhost');
	const names = [...new Set(parsed.searchParams.keys())].map(encodeURIComponent);
	return names.length ? `${parsed.pathname}?${names.join('&')}` : parsed.pathname;
}

export interface LogSink {
	info(line: string): void;
	error(line: string): void;
}

const consoleSink: LogSink = {
	info: (line) => process.stdout.write(`${line}\n`),
	error: (line) => process.stderr.write(`${line}\n`)
};

/** Logs every request `server` receives from now on. */
export function logRequests(server: Server, keys: KeySet, sink: LogSink = consoleSink): void {
	server.on('request', (req: IncomingMessage, res: ServerResponse) => {
		const started = performance.now();
		res.once('close', () => {
			const status = res.writableFinished ? res.statusCode : 'aborted';
			const line = formatRequestLine({
				time: new Date(),
				method: req.method ?? 'GET',
				url: req.url ?? '/',
				status,
				ms: performance.now() - started,
				userId: userIdOf(req, keys)
			});
			if (typeof status === 'number' && status >= 500) sink.error(line);
			else sink.info(line);
		});
	});
}

/** The `sub` of a verified access token the request carries, if any. */
function userIdOf(req: IncomingMessage, keys: KeySet): string | undefined {
	const authorization = req.headers.authorization;
	if (authorization) {
		const apikey = typeof req.headers.apikey === 'string' ? req.headers.apikey : undefined;
		const credentials = resolveCredentials({ apikey, authorization }, keys);
		if (credentials.ok && credentials.user && typeof credentials.claims.sub === 'string')
			return credentials.claims.sub;
	}
	const token = sessionCookieToken(req.headers.cookie);
	if (!token) return undefined;
	const verified = verifyJwt(token, keys.jwtSecret);
	return verified.ok && typeof verified.claims.sub === 'string' ? verified.claims.sub : undefined;
}

/**
 * The access token in @supabase/ssr's session cookie `sb-<ref>-auth-token` (`base64-` + base64url
 * JSON, split into `.0`, `.1`, … chunks when long).
 */
function sessionCookieToken(header: string | undefined): string | undefined {
	if (!header) return undefined;
	const chunks = new Map<number, string>();
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		const name = part.slice(0, eq).trim();
		const match = /^sb-[^=]*-auth-token(?:\.(\d+))?$/.exec(name);
		if (match) chunks.set(Number(match[1] ?? 0), decodeURIComponent(part.slice(eq + 1).trim()));
	}
	if (!chunks.size) return undefined;
	let value = [...chunks]
		.sort(([a], [b]) => a - b)
		.map(([, v]) => v)
		.join('');
	try {
		if (value.startsWith('base64-'))
			value = Buffer.from(value.slice(7), 'base64url').toString('utf8');
		const session = JSON.parse(value) as { access_token?: unknown };
		return typeof session.access_token === 'string' ? session.access_token : undefined;
	} catch {
		return undefined;
	}
}

/** `LOG_REQUESTS`: `1`/`true`/`on` or `0`/`false`/`off`; otherwise `fallback`. */
export function requestLogEnabled(env: Record<string, string | undefined>, fallback: boolean) {
	const value = env.LOG_REQUESTS?.trim().toLowerCase();
	if (value && ['1', 'true', 'on', 'yes'].includes(value)) return true;
	if (value && ['0', 'false', 'off', 'no'].includes(value)) return false;
	return fallback;
}
