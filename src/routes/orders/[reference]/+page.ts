import { error, redirect } from '@sveltejs/kit';
import { getOrder } from '$lib/api/orders';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, parent, url }) => {
	const { supabase, user } = await parent();
	if (!user) redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname)}`);
	const { data: order, error: failure } = await getOrder(supabase, params.reference);
	if (failure) error(503, `Could not load this order: ${failure.message}`);
	// Someone else's order is not there for this person either.
	if (!order) error(404, 'You have no order with this reference.');
	return { order };
};
