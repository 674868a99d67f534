import {
	expect,
	type Browser,
	type BrowserContext,
	type Page,
	type WebSocketRoute
} from '@playwright/test';

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
