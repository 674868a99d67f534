import { error, redirect } from '@sveltejs/kit';
import { listMyBookings } from '$lib/api/bookings';
import { fetchServerTime } from '$lib/api/seats';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends, url }) => {
	depends('app:my-bookings');
	const { supabase, user } = await parent();
	if (!user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
	// The clock dates the holds' countdowns; without it they run on this machine's clock until the
	// live list's first refresh corrects it.
	const [{ data, error: failure }, clock] = await Promise.all([
		listMyBookings(supabase, user.id),
		fetchServerTime(supabase)
	]);
	if (failure) error(503, `Could not load your bookings: ${failure.message}`);
	return { bookings: data, serverTime: clock.data, userId: user.id };
};
