/**
 * CORS as hosted Supabase answers it: any origin, no credentials, every request
 * header the client asks for, and the response headers supabase-js must be able to read exposed.
 */
const ALLOW_METHODS = 'GET, HEAD, POST, PATCH, PUT, DELETE, OPTIONS';
const DEFAULT_ALLOW_HEADERS =
	'authorization, x-client-info, apikey, content-type, accept-profile, content-profile, prefer, range, range-unit, x-supabase-api-version, x-retry-count';
const EXPOSE_HEADERS = [
	'Content-Encoding',
	'Content-Location',
	'Content-Range',
	'Content-Type',
	'Date',
	'Location',
	'Server',
	'Transfer-Encoding',
	'Range-Unit',
	'Preference-Applied',
	'Retry-After',
	'X-Total-Count',
	'Link',
	'X-Supabase-Api-Version',
	'x-sb-error-code'
].join(', ');

export function isPreflight(req: Request): boolean {
	return req.method === 'OPTIONS';
}

export function preflight(req: Request): Response {
	return new Response(null, {
		status: 204,
		headers: {
			'Access-Control-Allow-Origin': '*',
			'Access-Control-Allow-Methods': ALLOW_METHODS,
			'Access-Control-Allow-Headers':
				req.headers.get('Access-Control-Request-Headers') ?? DEFAULT_ALLOW_HEADERS,
			'Access-Control-Max-Age': '86400',
			Vary: 'Access-Control-Request-Headers'
		}
	});
}

/** Adds the CORS headers of an actual (non-preflight) response. */
export function withCors(res: Response): Response {
	res.headers.set('Access-Control-Allow-Origin', '*');
	res.headers.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
	return res;
}
