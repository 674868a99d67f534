import { isPgError } from '../db/types.ts';
import { ApiError } from '../http/errors.ts';
import { PGRST, responseTooLarge } from './errors.ts';

/**
 * PostgREST's mapping from SQLSTATE to HTTP status: which status a Postgres error
 * becomes. `authenticated` is "the request role is not the anonymous role".
 */
export function statusForSqlState(code: string, message: string, authenticated: boolean): number {
	if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
	switch (code) {
		case '23503':
		case '23505':
			return 409;
		case '25006':
			return 405;
		case '42883':
		case '42P01':
			return 404;
		case '42P17':
			return 500;
		case '42501':
			return authenticated ? 403 : 401;
		case 'P0001':
			return 400;
		case '53400':
			return 500;
		case '57P01':
			return 503;
		case '21000':
			return message.endsWith('requires a WHERE clause') ? 400 : 500;
		case '22023':
			return /^role .* does not exist$/.test(message) ? 401 : 400;
	}
	const cls = code.slice(0, 2);
	if (cls === '08' || cls === '53') return 503;
	if (cls === '0L' || cls === '0P' || cls === '28') return 403;
	if (
		[
			'09',
			'25',
			'2D',
			'38',
			'39',
			'3B',
			'40',
			'54',
			'55',
			'57',
			'58',
			'F0',
			'HV',
			'P0',
			'XX'
		].includes(cls)
	) {
		return 500;
	}
	return 400;
}

/** A thrown database error as PostgREST's JSON; anything that is not a Postgres error is a 500. */
export function toApiError(e: unknown, authenticated: boolean): ApiError {
	if (e instanceof ApiError) return e;
	if (isPgError(e)) {
		if (e.code === 'PGRST') return raisedPgrst(e.message, e.detail);
		const tooLarge = TOO_LARGE.exec(e.code === '2203A' ? e.message : '');
		if (tooLarge) return responseTooLarge(Number(tooLarge[1]));
		const status = statusForSqlState(e.code, e.message, authenticated);
		return ApiError.rest(status, e.code, e.message, {
			details: e.detail ?? null,
			hint: e.hint ?? null,
			headers: status === 401 ? { 'WWW-Authenticate': 'Bearer' } : undefined
		});
	}
	const code = (e as { code?: unknown })?.code;
	if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
		return ApiError.rest(503, PGRST.connection, 'Database client error. Retrying the connection.', {
			details: String((e as Error).message)
		});
	}
	console.error('[rest] unexpected error', e);
	return ApiError.rest(500, PGRST.internal, 'Internal server error');
}

/** What the statement reports when its response would pass the byte limit (see `sql.ts` sizedRows). */
const TOO_LARGE = /^JSON object does not contain key "response_exceeds_(\d+)_bytes"$/;

/**
 * `RAISE SQLSTATE 'PGRST' USING message = '{"code":…,"message":…}', detail = '{"status":…,"headers":{…}}'`
 * gives the function full control of the response.
 */
function raisedPgrst(message: string, detail: string | undefined): ApiError {
	try {
		const body = JSON.parse(message) as Record<string, unknown>;
		const meta = JSON.parse(detail ?? '{}') as {
			status?: number;
			headers?: Record<string, string>;
		};
		if (typeof body !== 'object' || body === null || typeof meta.status !== 'number')
			throw new Error();
		return new ApiError(
			meta.status,
			{
				code: body.code ?? null,
				details: body.details ?? null,
				hint: body.hint ?? null,
				message: body.message ?? null
			},
			{ headers: meta.headers }
		);
	} catch {
		return ApiError.rest(
			500,
			PGRST.raiseParse,
			'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
			{
				details: `Invalid JSON value for MESSAGE: '${message}'`,
				hint: "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'. DETAIL must be a JSON object with obligatory keys: 'status', 'headers'"
			}
		);
	}
}
