import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	redirect(303, '/');
};

export const actions = {
	default: async ({ locals }) => {
		// 'local' ends this browser's session only; the anonymous account has no other sign-in anyway.
		await locals.supabase.auth.signOut({ scope: 'local' });
		redirect(303, '/');
	}
} satisfies Actions;
