/**
 * One error class for every service. It carries the status and the body in the wire shape of the
 * service that raised it, so handlers can `throw` anywhere and the router renders it (the shape of
 * Hono's HTTPException).
 */
export class ApiError extends Error {
	readonly status: number;
	readonly body: Record<string, unknown>;
	readonly headers: Record<string, string>;

	constructor(
		status: number,
		body: Record<string, unknown>,
		options: { headers?: Record<string, string>; cause?: unknown } = {}
	) {
		super(String(body.message ?? body.msg ?? body.error_description ?? `HTTP ${status}`), {
			cause: options.cause
		});
		this.name = 'ApiError';
		this.status = status;
		this.body = body;
		this.headers = options.headers ?? {};
	}

	getResponse(): Response {
		return json(this.status, this.body, this.headers);
	}

	/** PostgREST's `{code, details, hint, message}`; absent fields are null, as PostgREST sends them. */
	static rest(
		status: number,
		code: string,
		message: string,
		extra: {
			/** A string, or PostgREST's list of candidates for an ambiguous embed. */
			details?: string | object[] | null;
			hint?: string | null;
			headers?: Record<string, string>;
		} = {}
	): ApiError {
		return new ApiError(
			status,
			{ code, details: extra.details ?? null, hint: extra.hint ?? null, message },
			{ headers: extra.headers }
		);
	}

	/**
	 * GoTrue's error for clients that send `X-Supabase-Api-Version` (auth-js always does); the code
	 * is repeated in `x-sb-error-code`, and auth-js reads `code` only when the version header is back.
	 */
	static auth(status: number, code: string, message: string): ApiError {
		return new ApiError(
			status,
			{ code, message },
			{ headers: { [AUTH_API_VERSION_HEADER]: AUTH_API_VERSION, 'x-sb-error-code': code } }
		);
	}

	/** The API gateway's answer for a missing or unknown API key (before any service sees it). */
	static gateway(status: number, message: string, hint?: string): ApiError {
		return new ApiError(status, hint ? { message, hint } : { message });
	}
}

export const AUTH_API_VERSION_HEADER = 'X-Supabase-Api-Version';
export const AUTH_API_VERSION = '2024-01-01';

export function json(
	status: number,
	body: unknown,
	headers: Record<string, string> = {}
): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }
	});
}
