import { error, redirect } from '@sveltejs/kit';
import { listMyBookings } from '$lib/api/bookings';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends, url }) => {
	depends('app:my-bookings');
	const { supabase, user } = await parent();
	if (!user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
	const { data, error: failure } = await listMyBookings(supabase, user.id);
	if (failure) error(503, `Could not load your bookings: ${failure.message}`);
	return { bookings: data };
};
