/**
 * Where the app finds Supabase. With PUBLIC_SUPABASE_URL unset the embedded back end is mounted on
 * the app's own origin, and it accepts the same publishable key `supabase start` prints
 * (backend/src/keys.ts holds the original; the app must not import server-side back-end code).
 */
export const LOCAL_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';

export interface SupabaseConfig {
	url: string;
	key: string;
}

export function resolveSupabaseConfig(
	env: { PUBLIC_SUPABASE_URL?: string; PUBLIC_SUPABASE_ANON_KEY?: string },
	origin: string
): SupabaseConfig {
	const url = env.PUBLIC_SUPABASE_URL?.trim();
	const key = env.PUBLIC_SUPABASE_ANON_KEY?.trim();
	return { url: url || origin, key: key || LOCAL_PUBLISHABLE_KEY };
}
