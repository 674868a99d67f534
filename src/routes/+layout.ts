import { createBrowserClient, createServerClient, isBrowser } from '@supabase/ssr';
import { env } from '$env/dynamic/public';
import type { Database } from '$lib/database.types';
import { resolveSupabaseConfig } from '$lib/config/supabase-config';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = async ({ data, depends, fetch, url }) => {
	depends('supabase:auth');
	const { url: supabaseUrl, key } = resolveSupabaseConfig(env, url.origin);

	// The browser client is a singleton (one auth state, one realtime socket per tab); the server
	// one lives for this render and only reads the cookies the hooks already validated.
	const supabase = isBrowser()
		? createBrowserClient<Database>(supabaseUrl, key, { global: { fetch: sameOnBothSides(fetch) } })
		: createServerClient<Database>(supabaseUrl, key, {
				global: { fetch: sameOnBothSides(fetch) },
				cookies: { getAll: () => data.cookies }
			});

	return { supabase, user: data.user };
};

/**
 * The browser reuses what the server's render fetched (the page's event, say) only for a request
 * identical to it, headers included, and the two clients sign their requests differently
 * ("supabase-ssr/<version> createBrowserClient" or "… createServerClient"); without one
 * signature, every page asks the API again for what it already holds before it can go on.
 */
function sameOnBothSides(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
	return (input, init) => {
		const info = init?.headers && new Headers(init.headers).get('x-client-info');
		if (!info) return fetch(input, init);
		const headers = new Headers(init.headers);
		headers.set('x-client-info', info.replace(/ create(Browser|Server)Client$/, ''));
		return fetch(input, { ...init, headers });
	};
}
