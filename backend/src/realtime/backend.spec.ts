/**
 * Realtime inside the whole back end (createBackend + the Node adapter): a real anonymous session
 * from /auth/v1 reaches the socket through supabase-js's own auth events, writes go through
 * /rest/v1, and a session refresh mid-subscription keeps the changes flowing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test-support/databases.ts';
import { openHarness, type Harness } from '../../test-support/harness.ts';
import { waitFor } from '../../test-support/realtime.ts';

describe.each(ENGINES)('realtime in the back end on %s', (engine) => {
	let h: Harness;

	beforeAll(async () => {
		h = await openHarness(engine);
		await h.db.exec('alter publication supabase_realtime add table public.items');
		await h.backend.ready;
	}, 60_000);

	afterAll(async () => {
		await h?.close();
	});

	it('delivers REST writes of a signed-in user, across a session refresh', async () => {
		const supabase = h.client();
		const { data, error } = await supabase.auth.signInAnonymously({
			options: { data: { display_name: 'ann' } }
		});
		expect(error).toBeNull();
		const uid = data.user!.id;

		const got: { new: Record<string, unknown> }[] = [];
		let subscribed = false;
		const channel = supabase
			.channel('items-feed')
			.on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'items' }, (p) =>
				got.push(p)
			)
			.on('system', {}, (m: { status?: string }) => {
				if (m.status === 'ok') subscribed = true;
			})
			.subscribe();
		await waitFor(() => subscribed, 'Subscribed to PostgreSQL');

		expect((await supabase.from('items').insert({ name: 'first' })).error).toBeNull();
		await waitFor(() => got.length === 1, 'first insert');
		expect(got[0].new).toMatchObject({ name: 'first', owner: uid });

		const refreshed = await supabase.auth.refreshSession();
		expect(refreshed.error).toBeNull();
		expect((await supabase.from('items').insert({ name: 'second' })).error).toBeNull();
		await waitFor(() => got.length === 2, 'insert after refresh');
		expect(channel.state).toBe('joined');

		await supabase.removeChannel(channel);
		await supabase.realtime.disconnect();
	});
});
