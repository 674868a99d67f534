import AxeBuilder from '@axe-core/playwright';
import {
	expect,
	type Browser,
	type BrowserContext,
	type Page,
	type WebSocketRoute
} from '@playwright/test';
import { createServerClient } from '@supabase/ssr';
import { createClient } from '@supabase/supabase-js';
import { signJwt } from '../../backend/src/jwt.ts';
import { TEST_JWT_SECRET, TEST_KEYS } from '../../backend/test-support/test-keys.ts';
import { LOCAL_PUBLISHABLE_KEY } from '../../src/lib/config/supabase-config.ts';
import type { Database } from '../../src/lib/database.types.ts';

export interface Person {
	context: BrowserContext;
	page: Page;
	name: string;
}

let counter = 0;

/** A display name no other test (or worker) uses. */
export function uniqueName(prefix: string): string {
	counter++;
	return `${prefix} ${process.pid % 10000}-${counter}`;
}

export async function hydrated(page: Page): Promise<void> {
	await page.locator('body[data-hydrated]').waitFor();
}

export async function login(page: Page, name: string, redirectTo = '/'): Promise<void> {
	await page.goto(`/login?redirectTo=${encodeURIComponent(redirectTo)}`);
	await hydrated(page);
	await page.getByLabel('Your name').fill(name);
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByTestId('user-name')).toContainText(name);
	await expect(page).toHaveURL(new RegExp(`${redirectTo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
}

/** A person in their own browser context, logged in and looking at `path`. */
export async function person(
	browser: Browser,
	prefix: string,
	path: string,
	options: {
		viewport?: { width: number; height: number };
		/** Another server than the config's (a test that runs its own). */
		baseURL?: string;
		prepare?: (c: BrowserContext) => Promise<void>;
	} = {}
): Promise<Person> {
	const context = await browser.newContext({
		viewport: options.viewport,
		...(options.baseURL ? { baseURL: options.baseURL } : {})
	});
	await options.prepare?.(context);
	const page = await context.newPage();
	const name = uniqueName(prefix);
	await login(page, name, path);
	if (path.startsWith('/events/')) await mapSynced(page);
	return { context, page, name };
}

export async function mapSynced(page: Page, timeout = 20_000): Promise<void> {
	await expect(page.getByTestId('seat-map')).toHaveAttribute('data-synced', 'true', { timeout });
}

export function focused(page: Page) {
	return page.getByTestId('seat-focus');
}

/**
 * Moves keyboard focus into the map, presses `moves`, then walks right to the first free seat.
 * Tests start from different rows so parallel tests do not fight over seats.
 */
export async function focusFreeSeat(page: Page, moves: string[] = []): Promise<string> {
	await focused(page).focus();
	for (const key of moves) await page.keyboard.press(key);
	for (let k = 0; k < 60; k++) {
		if ((await focused(page).getAttribute('data-status')) === 'available')
			return (await focused(page).getAttribute('data-seat-id'))!;
		await page.keyboard.press(k % 20 === 19 ? 'ArrowDown' : 'ArrowRight');
	}
	throw new Error('no free seat found');
}

/** Focuses the seat with this id by replaying the same moves and walking right. */
export async function focusSeat(page: Page, seatId: string, moves: string[] = []): Promise<void> {
	await focused(page).focus();
	for (const key of moves) await page.keyboard.press(key);
	for (let k = 0; k < 60; k++) {
		if ((await focused(page).getAttribute('data-seat-id')) === seatId) return;
		await page.keyboard.press(k % 20 === 19 ? 'ArrowDown' : 'ArrowRight');
	}
	throw new Error(`seat ${seatId} not reached`);
}

/**
 * How long a page may take to load when it reads the database first (the review, the order): on
 * this shared, loaded machine that outlasts expect's 5 s default now and then.
 */
const PAGE_LOAD_MS = 15_000;

/** An order's reference as the database makes it: K7QM-3XPD. */
export const REFERENCE = /^[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}-[ABCDEFGHJKMNPQRSTVWXYZ2-9]{4}$/;

/**
 * Books every seat the event page holds as a person does: Book (the holds panel's, or `testid`'s,
 * such as the phone's summary bar), the review listing `count` seats, Confirm, the order's page.
 * Returns the order's reference.
 */
export async function bookHeld(page: Page, count = 1, testid = 'book'): Promise<string> {
	const book = page.getByTestId(testid);
	await expect(book).toHaveText(`Book ${count} ${count === 1 ? 'seat' : 'seats'}`);
	await book.click();
	await expect(page).toHaveURL(/\/events\/[^/]+\/review$/, { timeout: PAGE_LOAD_MS });
	await expect(page.getByTestId('review-seat')).toHaveCount(count);
	await page.getByTestId('confirm-booking').click();
	await expect(page).toHaveURL(/\/orders\/[A-Z2-9]{4}-[A-Z2-9]{4}$/, { timeout: PAGE_LOAD_MS });
	await expect(page.getByTestId('order-seats').getByRole('listitem')).toHaveCount(count);
	const reference = (await page.getByTestId('order-reference').textContent())!.trim();
	expect(reference).toMatch(REFERENCE);
	return reference;
}

/**
 * Back from the order's page to the event's map (the order replaced the review in the history),
 * once the map is synced again.
 */
export async function backToMap(page: Page): Promise<void> {
	await page.goBack();
	await expect(page).toHaveURL(/\/events\/[^/]+$/, { timeout: PAGE_LOAD_MS });
	await mapSynced(page);
}

/** Holds the focused seat (Enter), books it through the review, and comes back to the map. */
export async function holdAndBook(page: Page): Promise<string> {
	await page.keyboard.press('Enter');
	const reference = await bookHeld(page, 1);
	await backToMap(page);
	return reference;
}

/**
 * The same person on another device: real supabase-js carrying the browser's session (read from
 * its cookies as the app's server does), talking to the same server.
 */
export async function sameUserElsewhere(context: BrowserContext, baseURL: string) {
	const cookies = await context.cookies();
	return createServerClient<Database>(baseURL, LOCAL_PUBLISHABLE_KEY, {
		cookies: { getAll: () => cookies.map(({ name, value }) => ({ name, value })), setAll: () => {} }
	});
}

export interface TestSection {
	name: string;
	rows: number;
	seats: number;
	category: string;
	priceCents: number;
}

/**
 * A new event of its own for one test (own seats, own hold length), written as the service role
 * through the REST API of the server under test: the app's users may not create events.
 */
export async function createEvent(
	baseURL: string,
	options: { holdMinutes?: number; maxSeats?: number; sections: TestSection[] }
): Promise<{ slug: string; path: string }> {
	const db = createClient<Database>(baseURL, TEST_KEYS.serviceRoleKey, {
		auth: { persistSession: false, autoRefreshToken: false }
	});
	counter++;
	const slug = `e2e-${process.pid % 10000}-${counter}`;
	const event = await db
		.from('events')
		.insert({
			slug,
			name: `Test event ${counter}`,
			venue: 'Test hall',
			starts_at: new Date(Date.now() + 86_400_000).toISOString(),
			max_seats_per_user: options.maxSeats ?? 4,
			hold_minutes: options.holdMinutes ?? 10
		})
		.select('id')
		.single();
	if (event.error) throw new Error(event.error.message);
	const seats: Database['public']['Tables']['seats']['Insert'][] = [];
	let y = 0;
	for (const section of options.sections) {
		for (let r = 0; r < section.rows; r++, y++)
			for (let n = 1; n <= section.seats; n++)
				seats.push({
					event_id: event.data.id,
					section: section.name,
					row_label: String.fromCharCode(65 + r),
					number: n,
					x: n,
					y,
					category: section.category,
					price_cents: section.priceCents
				});
		y++;
	}
	const inserted = await db.from('seats').insert(seats);
	if (inserted.error) throw new Error(inserted.error.message);
	return { slug, path: `/events/${slug}` };
}

/** An event of its own with one section whose holds last 6 seconds, for tests that watch holds lapse. */
export function shortHoldEvent(
	baseURL: string,
	rows: number,
	seats: number
): Promise<{ slug: string; path: string }> {
	return createEvent(baseURL, {
		holdMinutes: 0.1,
		sections: [{ name: 'Stalls', rows, seats, category: 'stalls', priceCents: 3000 }]
	});
}

export function seatButton(page: Page, seatId: string) {
	return page.locator(`.seat-focus[data-seat-id="${seatId}"]`);
}

/**
 * Routes a context's realtime WebSocket through the test, so the test can hold back messages from
 * the server (to make two bookings really race in the database) or cut the connection (as a
 * server restart would).
 */
export class RealtimeControl {
	#holding = false;
	#down = false;
	#held: (() => void)[] = [];
	#sockets: WebSocketRoute[] = [];

	async install(context: BrowserContext): Promise<void> {
		await context.routeWebSocket(/\/realtime\/v1\/websocket/, (ws) => {
			if (this.#down) {
				void ws.close({ code: 1006, reason: 'server down' }).catch(() => {});
				return;
			}
			const server = ws.connectToServer();
			server.onMessage((message) => {
				if (this.#holding) this.#held.push(() => ws.send(message));
				else ws.send(message);
			});
			this.#sockets.push(ws);
		});
	}

	hold(): void {
		this.#holding = true;
	}

	release(): void {
		this.#holding = false;
		for (const send of this.#held.splice(0)) send();
	}

	async cut(): Promise<void> {
		this.#down = true;
		await Promise.all(
			this.#sockets.splice(0).map((ws) => ws.close({ code: 1006 }).catch(() => {}))
		);
	}

	restore(): void {
		this.#down = false;
	}
}

/** One Phoenix frame as realtime-js sends it: a JSON array (vsn 2.0.0) or object (vsn 1.0.0). */
interface Frame {
	joinRef: string | null;
	topic: string;
	event: string;
	array: boolean;
}

function parseFrame(message: string | Buffer): Frame | null {
	if (typeof message !== 'string') return null;
	try {
		const value: unknown = JSON.parse(message);
		if (Array.isArray(value) && value.length === 5) {
			const [joinRef, , topic, event] = value as [string | null, string, string, string];
			return { joinRef, topic, event, array: true };
		}
		const frame = value as { join_ref?: string; topic?: string; event?: string };
		if (typeof frame.topic === 'string' && typeof frame.event === 'string')
			return {
				joinRef: frame.join_ref ?? null,
				topic: frame.topic,
				event: frame.event,
				array: false
			};
	} catch {
		// Not a JSON frame.
	}
	return null;
}

/**
 * Routes a context's realtime WebSocket through the test so the server can be made to close one
 * of the page's channels the way token expiry does: the relay sends the server, on the page's
 * behalf, an expired access token for that channel, and the server ends it with `phx_close`. The
 * relay can also hold back the page's next join of a topic, so the test sees the page in its
 * reconnect state for as long as it needs, and knows that the page tried to start again.
 */
export class ChannelRelay {
	#sockets: { server: WebSocketRoute; joins: Map<string, Frame> }[] = [];
	#holding: string | null = null;
	/** The latest held join per topic. */
	#held = new Map<string, () => void>();

	async install(context: BrowserContext): Promise<void> {
		await context.routeWebSocket(/\/realtime\/v1\/websocket/, (ws) => {
			const server = ws.connectToServer();
			const joins = new Map<string, Frame>();
			ws.onMessage((message) => {
				const frame = parseFrame(message);
				if (frame?.event === 'phx_join') {
					joins.set(frame.topic, frame);
					if (this.#holding !== null && frame.topic.startsWith(`realtime:${this.#holding}`)) {
						this.#held.set(frame.topic, () => server.send(message));
						return;
					}
				}
				server.send(message);
			});
			server.onMessage((message) => ws.send(message));
			this.#sockets.push({ server, joins });
		});
	}

	/** The server closes the page's channels whose topic starts with `topic`: their token expired. */
	expire(topic: string): void {
		const now = Math.floor(Date.now() / 1000);
		const token = signJwt({ role: 'anon', iat: now - 3600, exp: now - 1 }, TEST_JWT_SECRET);
		for (const { server, joins } of this.#sockets) {
			for (const join of joins.values()) {
				if (!join.topic.startsWith(`realtime:${topic}`)) continue;
				const payload = { access_token: token };
				server.send(
					JSON.stringify(
						join.array
							? [join.joinRef, 'expire', join.topic, 'access_token', payload]
							: {
									join_ref: join.joinRef,
									ref: 'expire',
									topic: join.topic,
									event: 'access_token',
									payload
								}
					)
				);
			}
		}
	}

	/** Holds back the page's joins of topics starting with `topic` (the latest of each is kept). */
	holdJoins(topic: string): void {
		this.#holding = topic;
	}

	/** How many topics have a join held back. */
	get heldJoins(): number {
		return this.#held.size;
	}

	/** Sends the latest held join of each topic, and holds no more. */
	releaseJoins(): void {
		this.#holding = null;
		for (const send of this.#held.values()) send();
		this.#held.clear();
	}
}

/** `@axe-core/playwright` finds no serious or critical violation on the page as it is now. */
export async function expectNoSeriousViolations(page: Page): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).analyze();
	const serious = violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	expect(serious).toEqual([]);
}

/** Three stacked sections with small seats at overview, so each label names its free seats. */
export const STACKED_SECTIONS = [
	{ name: 'Lower', rows: 30, seats: 60, category: 'lower', priceCents: 6000 },
	{ name: 'Middle', rows: 30, seats: 60, category: 'middle', priceCents: 4500 },
	{ name: 'Upper', rows: 30, seats: 60, category: 'upper', priceCents: 3000 }
];
