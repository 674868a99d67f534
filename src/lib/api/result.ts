import type { ApiError } from '../domain/outcomes.ts';

export type Result<T> = { data: T; error: null } | { data: null; error: ApiError };

export function ok<T>(data: T): Result<T> {
	return { data, error: null };
}

/** Normalises supabase-js errors (PostgREST, auth, network) and thrown values. */
export function fail<T>(error: unknown, status?: number): Result<T> {
	if (error && typeof error === 'object') {
		const e = error as { code?: unknown; message?: unknown; status?: unknown };
		return {
			data: null,
			error: {
				code: typeof e.code === 'string' ? e.code : '',
				message: typeof e.message === 'string' && e.message ? e.message : 'Unknown error',
				status: typeof e.status === 'number' ? e.status : status
			}
		};
	}
	return { data: null, error: { code: '', message: String(error), status } };
}
