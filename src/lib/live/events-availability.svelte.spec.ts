import { describe, expect, it } from 'vitest';
import type { Supabase } from '$lib/api/client';
import { EventsAvailability } from './events-availability.svelte.ts';

type Row = { event_id: number; seats_total: number; seats_booked: number };

/** supabase-js stand-in: one channel the test drives, and event_availability answered on demand. */
function fake() {
	const pending: ((rows: Row[]) => void)[] = [];
	const listeners = new Map<string, (payload?: unknown) => void>();
	let onStatus: (status: string) => void = () => {};
	let removed = false;
	const channel = {
		on(type: string, _filter: unknown, callback: (payload?: unknown) => void) {
			listeners.set(type, callback);
			return channel;
		},
		subscribe(callback: (status: string) => void) {
			onStatus = callback;
			return channel;
		}
	};
	const client = {
		rpc: () =>
			new Promise((resolve) =>
				pending.push((rows) => resolve({ data: rows, error: null, status: 200 }))
			),
		channel: () => channel,
		removeChannel: () => {
			removed = true;
			return Promise.resolve('ok');
		}
	};
	return {
		client: client as unknown as Supabase,
		pending,
		change: () => listeners.get('postgres_changes')?.({}),
		system: (payload: unknown) => listeners.get('system')?.(payload),
		status: (s: string) => onStatus(s),
		removed: () => removed
	};
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('EventsAvailability', () => {
	it('starts from the loaded counts and refreshes once subscribed', async () => {
		const f = fake();
		const live = new EventsAvailability(f.client, new Map([[1, { total: 10, booked: 2 }]]));
		expect(live.left(1)).toBe(8);
		live.start();
		expect(f.pending).toHaveLength(0);
		f.status('SUBSCRIBED');
		expect(live.connection).toBe('live');
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 3 }]);
		await flush();
		expect(live.left(1)).toBe(7);
	});

	it('fetches again once the server confirms changes are flowing', async () => {
		const f = fake();
		const live = new EventsAvailability(f.client, new Map());
		live.start();
		f.status('SUBSCRIBED');
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 3 }]);
		await flush();
		f.system({ extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL' });
		expect(f.pending).toHaveLength(1);
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 4 }]);
		await flush();
		expect(live.left(1)).toBe(6);
	});

	it('coalesces a burst of changes into one more request', async () => {
		const f = fake();
		const live = new EventsAvailability(f.client, new Map());
		live.start();
		f.change();
		f.change();
		f.change();
		expect(f.pending).toHaveLength(1);
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 1 }]);
		await flush();
		expect(f.pending).toHaveLength(1);
		f.pending.shift()!([{ event_id: 1, seats_total: 10, seats_booked: 4 }]);
		await flush();
		expect(f.pending).toHaveLength(0);
		expect(live.left(1)).toBe(6);
	});

	it('reports a lost connection and removes its channel on stop', () => {
		const f = fake();
		const live = new EventsAvailability(f.client, new Map());
		live.start();
		f.status('CHANNEL_ERROR');
		expect(live.connection).toBe('offline');
		live.stop();
		expect(f.removed()).toBe(true);
	});
});
