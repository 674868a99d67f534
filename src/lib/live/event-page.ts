import type { Supabase } from '$lib/api/client';
import type { EventRow } from '$lib/api/events';
import { LiveSeats } from './live-seats.svelte.ts';
import { SeatActions } from './seat-actions.svelte.ts';

/**
 * The event page's model: the live seats and what the person does with them, created, started
 * and stopped together, once per event visit.
 */
export class EventPage {
	readonly seats: LiveSeats;
	readonly actions: SeatActions;
	#unlisten: (() => void) | null = null;

	constructor(supabase: Supabase, event: EventRow, userId: string | null) {
		this.seats = new LiveSeats(supabase, event, userId);
		this.actions = new SeatActions(supabase, this.seats);
	}

	async start(): Promise<void> {
		this.#unlisten ??= this.actions.start();
		await this.seats.start();
	}

	stop(): void {
		this.#unlisten?.();
		this.#unlisten = null;
		this.seats.stop();
	}

	/** Another person logged in (or out) on this page: nothing of the last one's stays picked. */
	setUser(userId: string | null): void {
		if (userId === this.seats.userId) return;
		this.actions.clearSelection();
		this.seats.setUser(userId);
	}
}
