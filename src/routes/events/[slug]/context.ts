import { createContext } from 'svelte';
import type { EventPage } from '$lib/live/event-page';

/** The event page's model, shared by the components of one event visit (see LiveEvent.svelte). */
export const [getEventPage, setEventPage] = createContext<EventPage>();
