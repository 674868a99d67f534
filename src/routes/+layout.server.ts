import { toSessionUser } from '$lib/config/session-user';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, cookies, depends }) => {
	depends('supabase:auth');
	return { user: toSessionUser(locals.user), cookies: cookies.getAll() };
};
