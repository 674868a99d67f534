import { BodyTooLarge, parseJson, readText } from '../http/body.ts';
import {
	bodyTooLarge,
	invalidBody,
	invalidPath,
	mediaTypeError,
	unacceptableSchema,
	unsupportedMethod
} from './errors.ts';
import { parsePrefer, type Preferences } from './prefer.ts';

/**
 * The raw `Request` translated once into plain data, as PostgREST's `ApiRequest` is: what is asked
 * for (method, target, query, preferences, range, media types, body), with every header that
 * planning needs already read. Planning and execution read this, never the `Request`.
 */
export interface ApiRequest {
	method: Method;
	/** The path PostgREST sees (`/bookings`, `/rpc/fn`), without `/rest/v1`. */
	path: string;
	target: Target;
	/** The query string without the gateway's `apikey`. */
	params: URLSearchParams;
	/** From `Accept-Profile` (reads) or `Content-Profile` (writes); the first exposed by default. */
	schema: string;
	prefs: Preferences;
	/** The `Range` header's `first-last` (`last` open-ended when absent); ignored on POST. */
	range?: { first: number; last?: number };
	/** `Accept: application/vnd.pgrst.object+json`: exactly one row or 406. */
	singular: boolean;
	/** `Accept: application/vnd.pgrst.{array,object}+json;nulls=stripped`: no null-valued keys. */
	stripNulls: boolean;
	/** Parsed JSON body (POST/PATCH); undefined when there is none. */
	body: unknown;
	/** Every request header, names lower-cased (for the `request.headers` setting). */
	headers: Record<string, string>;
	cookies: Record<string, string>;
}

export type Method = 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE';

export type Target =
	{ kind: 'root' } | { kind: 'relation'; name: string } | { kind: 'routine'; name: string };

const METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'];

export interface ApiRequestOptions {
	/** Exposed schemas; the first is the default. */
	schemas: string[];
	maxBodyBytes: number;
}

/** Reads `req` (below `/rest/v1`, at `path`) into an ApiRequest, or throws the PostgREST error. */
export async function toApiRequest(
	req: Request,
	path: string,
	options: ApiRequestOptions
): Promise<ApiRequest> {
	const method = req.method.toUpperCase();
	if (!METHODS.includes(method)) throw unsupportedMethod(method);
	const params = new URLSearchParams(new URL(req.url).search);
	// The gateway accepts the key as a query parameter; it is not a filter.
	params.delete('apikey');
	const target = targetOf(path);
	const headers: Record<string, string> = {};
	req.headers.forEach((value, name) => {
		headers[name.toLowerCase()] = value;
	});
	return {
		method: method as Method,
		path,
		target,
		params,
		schema: profile(req, method, options.schemas),
		prefs: parsePrefer(req.headers.get('prefer')),
		range: method === 'POST' ? undefined : parseRange(req.headers.get('range')),
		...negotiate(req.headers.get('accept')),
		body:
			method === 'POST' || method === 'PATCH'
				? await readJsonBody(req, options.maxBodyBytes, target.kind === 'routine')
				: undefined,
		headers,
		cookies: parseCookies(req.headers.get('cookie'))
	};
}

function targetOf(path: string): Target {
	const segments = path.split('/').filter(Boolean).map(decodePathSegment);
	if (segments.length === 0) return { kind: 'root' };
	if (segments[0] === 'rpc' && segments.length === 2) return { kind: 'routine', name: segments[1] };
	if (segments.length === 1) return { kind: 'relation', name: segments[0] };
	throw invalidPath();
}

function decodePathSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		throw invalidPath();
	}
}

/** `Accept-Profile` (reads) / `Content-Profile` (writes) pick the schema; others → 406. */
function profile(req: Request, method: string, schemas: string[]): string {
	const header = method === 'GET' || method === 'HEAD' ? 'accept-profile' : 'content-profile';
	const wanted = req.headers.get(header);
	if (wanted === null) return schemas[0];
	if (!schemas.includes(wanted)) throw unacceptableSchema(schemas);
	return wanted;
}

/** `items=0-9`, `0-`; anything else is no range, as PostgREST ignores it. */
function parseRange(header: string | null): ApiRequest['range'] {
	const range = /^\s*(?:items=)?(\d+)-(\d*)\s*$/.exec(header ?? '');
	if (!range) return undefined;
	return { first: Number(range[1]), last: range[2] === '' ? undefined : Number(range[2]) };
}

const OBJECT_TYPES = ['application/vnd.pgrst.object+json', 'application/vnd.pgrst.object'];
const ARRAY_TYPES = [
	'application/json',
	'application/vnd.pgrst.array+json',
	'application/*',
	'*/*'
];

/** Content negotiation: the first acceptable media type wins; unknown ones → 406 PGRST107. */
function negotiate(accept: string | null): { singular: boolean; stripNulls: boolean } {
	if (!accept || accept.trim() === '') return { singular: false, stripNulls: false };
	const offered = accept.split(',').map((t) => {
		const [type, ...parameters] = t.split(';').map((p) => p.trim().toLowerCase());
		return { type, strip: parameters.includes('nulls=stripped') };
	});
	for (const { type, strip } of offered) {
		// Only PostgREST's own media types take `nulls=stripped`.
		const stripNulls = strip && type.startsWith('application/vnd.pgrst.');
		if (OBJECT_TYPES.includes(type)) return { singular: true, stripNulls };
		if (ARRAY_TYPES.includes(type)) return { singular: false, stripNulls };
	}
	throw mediaTypeError(
		406,
		offered.map((o) => o.type)
	);
}

async function readJsonBody(req: Request, limit: number, rpc: boolean): Promise<unknown> {
	let text: string;
	try {
		text = await readText(req, limit);
	} catch (e) {
		if (e instanceof BodyTooLarge) throw bodyTooLarge(e.message);
		throw e;
	}
	if (text.trim() === '') {
		// supabase-js sends `{}` for argument-less calls; an empty body means the same.
		if (rpc) return {};
		return undefined;
	}
	const type = (req.headers.get('content-type') ?? 'application/json')
		.split(';')[0]
		.trim()
		.toLowerCase();
	if (type !== 'application/json' && type !== 'text/plain' && type !== '*/*') {
		throw mediaTypeError(415, [type]);
	}
	const parsed = parseJson(text);
	if (!parsed.ok) throw invalidBody('Empty or invalid json', parsed.message);
	return parsed.value;
}

function parseCookies(header: string | null): Record<string, string> {
	const cookies: Record<string, string> = {};
	for (const part of (header ?? '').split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
	}
	return cookies;
}
