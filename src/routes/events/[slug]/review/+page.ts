import { error, redirect } from '@sveltejs/kit';
import { listMyBookings } from '$lib/api/bookings';
import { getEventBySlug } from '$lib/api/events';
import { fetchServerTime } from '$lib/api/seats';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, parent, url }) => {
	const { supabase, user } = await parent();
	if (!user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
	const [event, mine, clock] = await Promise.all([
		getEventBySlug(supabase, params.slug),
		listMyBookings(supabase, user.id),
		fetchServerTime(supabase)
	]);
	if (event.error) error(503, `Could not load this event: ${event.error.message}`);
	if (!event.data) error(404, 'No such event.');
	if (mine.error) error(503, `Could not load your holds: ${mine.error.message}`);
	// The page keeps the list live (ReviewHolds) and picks this event's current holds from it.
	return { event: event.data, userId: user.id, bookings: mine.data, serverTime: clock.data };
};
