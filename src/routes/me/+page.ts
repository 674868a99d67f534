import { error, redirect } from '@sveltejs/kit';
import { listMyBookings } from '$lib/api/bookings';
import { listMyOrders } from '$lib/api/orders';
import { fetchServerTime } from '$lib/api/seats';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, depends, url }) => {
	depends('app:my-bookings');
	const { supabase, user } = await parent();
	if (!user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
	// The clock dates the holds' countdowns; without it they run on this machine's clock until the
	// live list's first refresh corrects it.
	const [bookings, orders, clock] = await Promise.all([
		listMyBookings(supabase, user.id),
		listMyOrders(supabase),
		fetchServerTime(supabase)
	]);
	const failure = bookings.error ?? orders.error;
	if (failure) error(503, `Could not load your bookings: ${failure.message}`);
	return {
		lists: { bookings: bookings.data!, orders: orders.data! },
		serverTime: clock.data,
		userId: user.id
	};
};
