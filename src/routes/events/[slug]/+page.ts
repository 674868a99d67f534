import { error } from '@sveltejs/kit';
import { getEventBySlug } from '$lib/api/events';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, parent }) => {
	const { supabase } = await parent();
	const { data: event, error: failure } = await getEventBySlug(supabase, params.slug);
	if (failure) error(503, `Could not load this event: ${failure.message}`);
	if (!event) error(404, 'No such event.');
	return { event };
};
