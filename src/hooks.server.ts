import { createServerClient } from '@supabase/ssr';
import type { Handle, HandleFetch } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { env } from '$env/dynamic/public';
import type { Database } from '$lib/database.types';
import { resolveSupabaseConfig } from '$lib/config/supabase-config';

const BACKEND_PATHS = /^\/(auth|rest|realtime)\/v1\//;

/** One Supabase client per request, reading and writing the session cookies. */
const supabase: Handle = async ({ event, resolve }) => {
	const { url, key } = resolveSupabaseConfig(env, event.url.origin);
	event.locals.supabase = createServerClient<Database>(url, key, {
		cookies: {
			getAll: () => event.cookies.getAll(),
			setAll: (cookies, headers) => {
				for (const { name, value, options } of cookies)
					event.cookies.set(name, value, { ...options, path: '/' });
				if (Object.keys(headers).length) {
					try {
						event.setHeaders(headers);
					} catch {
						// Already set by an earlier write in this request.
					}
				}
			}
		}
	});

	// getSession() alone does not validate the JWT; getUser() asks the auth server.
	event.locals.safeGetSession = async () => {
		const {
			data: { session }
		} = await event.locals.supabase.auth.getSession();
		if (!session) return { session: null, user: null };
		const {
			data: { user },
			error
		} = await event.locals.supabase.auth.getUser();
		if (error) return { session: null, user: null };
		return { session, user };
	};

	return resolve(event, {
		filterSerializedResponseHeaders: (name) =>
			name === 'content-range' || name === 'x-supabase-api-version'
	});
};

const auth: Handle = async ({ event, resolve }) => {
	const { session, user } = await event.locals.safeGetSession();
	event.locals.session = session;
	event.locals.user = user;
	return resolve(event);
};

export const handle = sequence(supabase, auth);

/**
 * Server-side loads call the back end through SvelteKit's fetch. When it is embedded on this origin
 * it is mounted beside SvelteKit, not inside it, so those requests must leave through the network.
 */
export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
	const url = new URL(request.url);
	if (url.origin === event.url.origin && BACKEND_PATHS.test(url.pathname))
		return globalThis.fetch(request);
	return fetch(request);
};
