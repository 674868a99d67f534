import type { User } from '@supabase/supabase-js';

export function toSessionUser(user: User | null): SessionUser | null {
	if (!user) return null;
	const name = user.user_metadata?.display_name;
	return { id: user.id, displayName: typeof name === 'string' && name ? name : 'Guest' };
}
