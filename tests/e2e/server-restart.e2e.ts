import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createClient } from '@supabase/supabase-js';
import { TEST_KEYS } from '../../backend/test-support/test-keys.ts';
import { freePort } from '../../backend/test-support/cli-process.ts';
import type { Database } from '../../src/lib/database.types.ts';
import { startAppServer, type AppServer } from './app-server.ts';
import { focusFreeSeat, focusSeat, focused, holdAndBook, person, seatButton } from './helpers.ts';

/**
 * A real restart: this test runs its own production server (not the suite's shared one) on a PGlite
 * directory, kills it with SIGKILL and starts it again on the same port and data.
 */

const EVENT = 'jazz-night';
let dataDir = '';
let port = 0;
let server: AppServer | undefined;

test.beforeAll(async () => {
	// A first start migrates and seeds a new PGlite directory (60,000 seats): give the hook the
	// time startAppServer itself allows.
	test.setTimeout(90_000);
	dataDir = await mkdtemp(join(tmpdir(), 'e2e-restart-'));
	port = await freePort();
	server = await startAppServer(dataDir, port);
});

// A failure shows what the server said (its own process, so Playwright does not capture it).
// eslint-disable-next-line no-empty-pattern -- Playwright needs the fixtures argument destructured
test.afterEach(async ({}, testInfo) => {
	if (server && testInfo.status !== testInfo.expectedStatus)
		await testInfo.attach('server output', { body: server.output(), contentType: 'text/plain' });
});

// Even when the test fails: no server may outlive the run.
test.afterAll(async () => {
	await server?.stop('SIGKILL');
	if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The event's booked seats (seat id → user id) from the database, through the REST API. */
async function bookedInDatabase(url: string): Promise<Map<string, string>> {
	const db = createClient<Database>(url, TEST_KEYS.anonKey, {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	const event = await db.from('events').select('id').eq('slug', EVENT).single();
	if (event.error) throw new Error(event.error.message);
	const booked = await db.rpc('seat_bookings', { p_event_id: event.data.id });
	if (booked.error) throw new Error(booked.error.message);
	const { seat_id, user_id, status } = booked.data as {
		seat_id: number[];
		user_id: string[];
		status?: string[];
	};
	// Held seats are listed too; this test makes none, so every one must be booked.
	expect((status ?? []).filter((s) => s !== 'booked')).toEqual([]);
	return new Map(seat_id.map((id, k) => [String(id), user_id[k]]));
}

/**
 * Every seat's state as the page shows it (seat id → data-status), read by walking the whole map
 * with the keyboard, row by row from the front: the map is a canvas, only the focused seat and
 * its neighbours are elements.
 */
async function shownOnMap(page: Page): Promise<Record<string, string>> {
	const shown: Record<string, string> = {};
	const active = () =>
		page.evaluate(() => {
			const el = document.activeElement as HTMLElement | null;
			return { id: el?.dataset.seatId ?? '', status: el?.dataset.status ?? '' };
		});
	const press = async (key: string) => {
		await page.keyboard.press(key);
		return active();
	};
	await focused(page).focus();
	let seat = await active();
	for (let k = 0; k < 100; k++) {
		const up = await press('ArrowUp');
		if (up.id === seat.id) break;
		seat = up;
	}
	for (let row = 0; row < 100; row++) {
		const end = (await press('End')).id;
		seat = await press('Home');
		const start = seat.id;
		shown[seat.id] = seat.status;
		for (let k = 0; k < 200 && seat.id !== end; k++) {
			seat = await press('ArrowRight');
			shown[seat.id] = seat.status;
		}
		await press('Home');
		const below = await press('ArrowDown');
		if (below.id === start || below.id in shown) break;
	}
	const count = Number(await page.getByTestId('seat-map').getAttribute('data-seat-count'));
	expect(Object.keys(shown), 'the walk reached every seat').toHaveLength(count);
	return shown;
}

/** What the map must show for the database's bookings, seen by someone who booked `mine`. */
function expectedMap(
	seatIds: string[],
	booked: Map<string, string>,
	me: string | null
): Record<string, string> {
	return Object.fromEntries(
		seatIds.map((id) => [
			id,
			!booked.has(id) ? 'available' : booked.get(id) === me ? 'mine' : 'taken'
		])
	);
}

test('a server restart (SIGKILL): the banner shows, and after reconnect the maps match the database', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const url = server!.url;
	const a = await person(browser, 'Ann', `/events/${EVENT}`, { baseURL: url });
	const b = await person(browser, 'Bob', `/events/${EVENT}`, { baseURL: url });
	const bannerA = a.page.getByTestId('realtime-banner');
	const bannerB = b.page.getByTestId('realtime-banner');

	// Before the restart, A books a seat and B sees it taken.
	const before = await focusFreeSeat(a.page, ['ArrowUp']);
	await holdAndBook(a.page);
	// Back on the map, A's focus walks from that seat again, as B's does.
	await focusSeat(a.page, before, ['ArrowUp']);
	await focusSeat(b.page, before, ['ArrowUp']);
	await expect(seatButton(b.page, before)).toHaveAttribute('data-status', 'taken');
	await expect(bannerB).toHaveCount(0);

	// The server dies as it would under an out-of-memory kill: no goodbye to the sockets.
	await server!.stop('SIGKILL');
	await expect(bannerB).toBeVisible({ timeout: 10_000 });
	await expect(bannerA).toBeVisible({ timeout: 10_000 });

	// A tries to hold another seat while the server is down and is told nothing was held; A holds
	// and books it the moment the server is back, most likely before B's realtime client has
	// rejoined (it backs off 1 s, 2 s, 5 s, 10 s).
	const after = await focusFreeSeat(a.page, ['ArrowDown', 'ArrowDown']);
	await a.page.keyboard.press('Enter');
	await expect(a.page.getByTestId('outcome')).toContainText('Nothing was held');
	await expect(seatButton(a.page, after)).toHaveAttribute('data-status', 'available');
	server = await startAppServer(dataDir, port);
	await holdAndBook(a.page);

	// B reconnects by itself, without a reload, and its map catches up.
	await expect(bannerB).toHaveCount(0, { timeout: 30_000 });
	await expect(bannerA).toHaveCount(0, { timeout: 30_000 });
	for (const page of [a.page, b.page])
		await expect(page.getByTestId('seat-map')).toHaveAttribute('data-synced', 'true', {
			timeout: 20_000
		});
	await focusSeat(b.page, after, ['ArrowDown', 'ArrowDown']);
	await expect(seatButton(b.page, after)).toHaveAttribute('data-status', 'taken');
	await expect(a.page.getByTestId('my-seats').getByRole('listitem')).toHaveCount(2);

	// The database kept both bookings (the first one survived the kill), both A's...
	const booked = await bookedInDatabase(url);
	expect([...booked.keys()].sort()).toEqual([before, after].sort());
	expect(new Set(booked.values()).size).toBe(1);
	const annId = booked.get(before)!;

	// ...and every seat on both maps shows exactly that.
	const seenByB = await shownOnMap(b.page);
	expect(seenByB).toEqual(expectedMap(Object.keys(seenByB), booked, null));
	const seenByA = await shownOnMap(a.page);
	expect(seenByA).toEqual(expectedMap(Object.keys(seenByA), booked, annId));
	const left = `${Object.keys(seenByB).length - booked.size} seats left`;
	await expect(b.page.getByTestId('event-seats-left')).toHaveText(left);
	await expect(a.page.getByTestId('event-seats-left')).toHaveText(left);

	await a.context.close();
	await b.context.close();
});
