import { error } from '@sveltejs/kit';
import { fetchAvailability, listEvents } from '$lib/api/events';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent }) => {
	const { supabase } = await parent();
	const [events, availability] = await Promise.all([
		listEvents(supabase),
		fetchAvailability(supabase)
	]);
	if (events.error) error(503, `Could not load events: ${events.error.message}`);
	return { events: events.data, availability: availability.data ?? new Map() };
};
