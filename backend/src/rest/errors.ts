import type { CredentialFailure } from '../http/credentials.ts';
import { ApiError } from '../http/errors.ts';

/**
 * PostgREST's own error codes, grouped as PostgREST groups them: 0xx connection, 1xx the
 * request, 2xx the schema cache, 3xx JWT. Each error below is raised in PostgREST's words, with
 * its status; errors the database raises are mapped in `pg-errors.ts`.
 */
export const PGRST = {
	internal: 'PGRST000',
	connection: 'PGRST001',
	queryParam: 'PGRST100',
	rpcMethod: 'PGRST101',
	invalidBody: 'PGRST102',
	invalidRange: 'PGRST103',
	unacceptableSchema: 'PGRST106',
	mediaType: 'PGRST107',
	notEmbedded: 'PGRST108',
	singularity: 'PGRST116',
	unsupportedMethod: 'PGRST117',
	spreadNotToOne: 'PGRST119',
	raiseParse: 'PGRST121',
	maxAffected: 'PGRST124',
	invalidPath: 'PGRST125',
	maxAffectedRpc: 'PGRST128',
	noRelationship: 'PGRST200',
	ambiguousRelationship: 'PGRST201',
	noFunction: 'PGRST202',
	ambiguousFunction: 'PGRST203',
	columnNotFound: 'PGRST204',
	tableNotFound: 'PGRST205',
	jwtInvalid: 'PGRST301',
	jwtClaims: 'PGRST303'
} as const;

/** 400: the query string does not parse (`select`, filters, `order`, `limit`…). */
export function queryParamError(message: string, details: string | null = null): ApiError {
	return ApiError.rest(400, PGRST.queryParam, message, { details });
}

/** 400: the body is not the JSON this request needs. */
export function invalidBody(message: string, details: string | null = null): ApiError {
	return ApiError.rest(400, PGRST.invalidBody, message, { details });
}

/** 413: the body is larger than `maxBodyBytes`. */
export function bodyTooLarge(message: string): ApiError {
	return ApiError.rest(413, PGRST.invalidBody, message);
}

/** 416: a `Range` or offset that selects nothing. */
export function invalidRange(details: string): ApiError {
	return ApiError.rest(416, PGRST.invalidRange, 'Requested range not satisfiable', { details });
}

/** 406: `Accept-Profile`/`Content-Profile` names a schema that is not exposed. */
export function unacceptableSchema(schemas: string[]): ApiError {
	return ApiError.rest(
		406,
		PGRST.unacceptableSchema,
		`The schema must be one of the following: ${schemas.join(', ')}`
	);
}

/** 406 for an `Accept` nothing here produces, 415 for a body type nothing here reads. */
export function mediaTypeError(status: 406 | 415, types: string[]): ApiError {
	return ApiError.rest(
		status,
		PGRST.mediaType,
		`None of these media types are available: ${types.join(', ')}`
	);
}

/** 406: a singular response (`vnd.pgrst.object`) that did not get exactly one row. */
export function singularityError(rows: number): ApiError {
	return ApiError.rest(406, PGRST.singularity, 'Cannot coerce the result to a single JSON object', {
		details: `The result contains ${rows} rows`
	});
}

export function unsupportedMethod(method: string): ApiError {
	return ApiError.rest(405, PGRST.unsupportedMethod, `Unsupported HTTP method: ${method}`);
}

export function invalidRpcMethod(): ApiError {
	return ApiError.rest(405, PGRST.rpcMethod, 'Only GET, HEAD and POST are allowed for functions');
}

/** 400: `Prefer: handling=strict, max-affected=N` and the write touched more rows. */
export function maxAffectedViolation(affected: number): ApiError {
	return ApiError.rest(
		400,
		PGRST.maxAffected,
		'Query result exceeds max-affected preference constraint',
		{ details: `The query affects ${affected} rows` }
	);
}

export function invalidPath(): ApiError {
	return ApiError.rest(404, PGRST.invalidPath, 'Invalid path specified in request URL');
}

export function tableNotFound(schema: string, name: string): ApiError {
	return ApiError.rest(
		404,
		PGRST.tableNotFound,
		`Could not find the table '${schema}.${name}' in the schema cache`
	);
}

export function columnNotFound(relation: string, column: string): ApiError {
	return ApiError.rest(
		400,
		PGRST.columnNotFound,
		`Could not find the '${column}' column of '${relation}' in the schema cache`
	);
}

/** 401: PostgREST's answer for a JWT it cannot use (expired → PGRST303, otherwise PGRST301). */
export function jwtError(failure: CredentialFailure): ApiError {
	return ApiError.rest(
		401,
		failure.reason === 'expired' ? PGRST.jwtClaims : PGRST.jwtInvalid,
		failure.message,
		{
			headers: {
				'WWW-Authenticate': `Bearer error="invalid_token", error_description="${failure.message}"`
			}
		}
	);
}

/**
 * A response over `maxResponseBytes`. PostgREST has no such limit; where Postgres itself runs out
 * (a value past 1 GB, out of memory) PostgREST answers 500 with the 54000/53200 SQLSTATE, so this is
 * the same answer at a configured, lower limit, with words that say how to ask for less.
 */
export function responseTooLarge(maxBytes: number): ApiError {
	return ApiError.rest(500, '54000', `The response would exceed the limit of ${maxBytes} bytes`, {
		details: 'The server refuses to build responses larger than its configured maxResponseBytes.',
		hint: 'Ask for fewer rows or columns: a smaller limit or Range, fewer embedded resources, or page with .range().'
	});
}
