import { fail, redirect } from '@sveltejs/kit';
import * as v from 'valibot';
import { LoginForm, safeRedirectPath } from '$lib/domain/display-name';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.user) redirect(303, safeRedirectPath(url.searchParams.get('redirectTo')));
};

export const actions = {
	default: async ({ request, locals }) => {
		const form = Object.fromEntries(await request.formData());
		const parsed = v.safeParse(LoginForm, form);
		const redirectTo = safeRedirectPath(
			typeof form.redirect_to === 'string' ? form.redirect_to : null
		);
		if (!parsed.success) {
			const name = typeof form.display_name === 'string' ? form.display_name : '';
			return fail(400, { name, error: parsed.issues[0].message });
		}
		const { error } = await locals.supabase.auth.signInAnonymously({
			options: { data: { display_name: parsed.output.display_name } }
		});
		if (error) {
			return fail(error.status && error.status < 500 ? 400 : 503, {
				name: parsed.output.display_name,
				error:
					error.status && error.status < 500
						? `Could not log in: ${error.message}`
						: 'The server could not log you in right now. Try again in a moment.'
			});
		}
		redirect(303, redirectTo);
	}
} satisfies Actions;
