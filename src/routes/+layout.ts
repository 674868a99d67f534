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
		? createBrowserClient<Database>(supabaseUrl, key, { global: { fetch } })
		: createServerClient<Database>(supabaseUrl, key, {
				global: { fetch },
				cookies: { getAll: () => data.cookies }
			});

	return { supabase, user: data.user };
};
