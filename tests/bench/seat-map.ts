import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_KEYS, TEST_SERVER_ENV } from '../../backend/test-support/test-keys.ts';
import { newClient, signInMany, type SignedIn } from './clients.ts';
import { pageProbe, type Probe } from './page-probe.ts';
import { summarize, timestamptzMs, type Summary } from './stats.ts';

export const BUILD_HANDLER = new URL('../../build/handler.js', import.meta.url);
export const hasBuild = () => existsSync(BUILD_HANDLER);

const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run'
];
const SLUG = 'stadium-finale';

export interface SeatMapResult {
	event: string;
	seats: number;
	loads: number;
	/** Navigation start → map synced (bookings loaded, channel confirmed) and drawn. */
	firstCompleteRender: Summary;
	/** Navigation start → the map's data-synced attribute turned true. */
	synced: Summary;
	/** Navigation start → DOMContentLoaded, for scale. */
	domContentLoaded: Summary;
	jsHeapUsedBytes: number;
	/** ArrayBuffer backing stores outside the JS heap, when Chromium reports them. */
	arrayBufferBytes?: number;
	changes: number;
	/** Realtime frame received in the page → end of the next animation frame that drew the canvas. */
	receiveToPaint: Summary;
	/** The booking's created_at (database) → that frame. */
	commitToPaint: Summary;
	marker: string;
	errors: string[];
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
	});
}

export interface App {
	url: string;
	child: ChildProcess;
	stop(): Promise<void>;
}

/** `npm start` on an in-memory database, as a child process. */
export async function startApp(): Promise<App> {
	const port = await freePort();
	const child = spawn(process.execPath, ['backend/serve-app.ts'], {
		cwd: new URL('../../', import.meta.url),
		env: {
			...process.env,
			...TEST_SERVER_ENV,
			PORT: String(port),
			HOST: '127.0.0.1',
			SUPABASE_DB: 'memory'
		},
		stdio: ['ignore', 'ignore', 'pipe']
	});
	let stderr = '';
	child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 120_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`serve-app exited: ${stderr}`);
		try {
			const res = await fetch(`${url}/rest/v1/events?select=id&slug=eq.${SLUG}`, {
				headers: { apikey: TEST_KEYS.anonKey }
			});
			if (res.ok && ((await res.json()) as unknown[]).length) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`serve-app not up in 120 s: ${stderr}`);
		await new Promise((r) => setTimeout(r, 200));
	}
	return {
		url,
		child,
		async stop() {
			if (child.exitCode === null) {
				child.kill('SIGTERM');
				const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
				await exited;
				clearTimeout(timer);
			}
		}
	};
}

/** Opens the event page in a fresh context; resolves when the map is synced and drawn. */
async function load(browser: Browser, url: string) {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
	const page = await context.newPage();
	await page.addInitScript(pageProbe);
	await page.goto(`${url}/events/${SLUG}`, { waitUntil: 'commit' });
	await page.waitForFunction(
		() => (window as unknown as { __bench: Probe }).__bench.syncedAt > 0,
		undefined,
		{ timeout: 120_000, polling: 50 }
	);
	const times = await page.evaluate(async () => {
		// Two frames after the marker: whatever the synced snapshot scheduled has been drawn.
		const frame = () => new Promise((r) => requestAnimationFrame(r));
		await frame();
		await frame();
		const b = (window as unknown as { __bench: Probe }).__bench;
		const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
		const seats = document
			.querySelector('[data-testid="seat-map"]')
			?.getAttribute('data-seat-count');
		return {
			synced: b.syncedAt,
			lastFrame: b.frames.at(-1) ?? 0,
			frames: b.frames.length,
			dcl: nav?.domContentLoadedEventEnd ?? NaN,
			seats: Number(seats)
		};
	});
	return { context, page, times };
}

/** After a forced GC: the JS heap, and ArrayBuffer backing stores (typed arrays live there). */
async function heapUsed(page: Page): Promise<{ used: number; backingStorage?: number }> {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('HeapProfiler.collectGarbage');
	const usage = (await cdp.send('Runtime.getHeapUsage')) as {
		usedSize: number;
		backingStorageSize?: number;
	};
	await cdp.detach();
	return { used: usage.usedSize, backingStorage: usage.backingStorageSize };
}

/**
 * The biggest seeded event in headless Chromium against the production build: cold loads until
 * the map is complete, the JS heap, then bookings made by other users and the time until the page
 * paints each one.
 */
export async function seatMap(
	loads: number,
	changes: number,
	started?: Promise<App>
): Promise<SeatMapResult> {
	const app = await (started ?? startApp());
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: CHROMIUM_ARGS
	});
	const errors: string[] = [];
	try {
		const complete: number[] = [];
		const synced: number[] = [];
		const dcl: number[] = [];
		let seats = 0;
		let last: Awaited<ReturnType<typeof load>> | undefined;
		for (let i = 0; i < loads; i++) {
			if (last) await last.context.close();
			last = await load(browser, app.url);
			const t = last.times;
			if (!t.frames) errors.push('the canvas was never drawn');
			complete.push(Math.max(t.synced, t.lastFrame));
			synced.push(t.synced);
			dcl.push(t.dcl);
			seats = t.seats;
		}
		const page = last!.page;
		const heap = await heapUsed(page);

		// Other users book seats spread over the whole map.
		const reader = newClient(app.url);
		const { data: ev } = await reader.from('events').select('id').eq('slug', SLUG).single();
		const eventId = (ev as { id: number }).id;
		const { data: map } = await reader.rpc('seat_map', { p_event_id: eventId });
		const ids = (map as { id: number[] }).id;
		const bookers: SignedIn[] = await signInMany(app.url, Math.ceil(changes / 5) + 1, 4);
		const receiveToPaint: number[] = [];
		const commitToPaint: number[] = [];
		for (let k = 0; k < changes; k++) {
			const seatId = ids[Math.floor(((k + 0.5) * ids.length) / changes)];
			const { data, error } = await bookers[k % bookers.length].client
				.from('bookings')
				.insert({ event_id: eventId, seat_id: seatId })
				.select('created_at')
				.single();
			if (error) {
				errors.push(`booking seat ${seatId}: ${error.code} ${error.message}`);
				continue;
			}
			const createdAt = timestamptzMs((data as { created_at: string }).created_at);
			const seen = await page
				.waitForFunction(
					(id) => {
						const b = (window as unknown as { __bench: Probe }).__bench;
						const msg = b.msgs.find(
							(m) => m.text.includes(`"seat_id":${id},`) || m.text.includes(`"seat_id":${id}}`)
						);
						if (!msg) return null;
						const painted = b.frames.find((f) => f > msg.t);
						return painted ? { recv: msg.t, painted, origin: performance.timeOrigin } : null;
					},
					seatId,
					{ timeout: 10_000, polling: 'raf' }
				)
				.then((h) => h.jsonValue())
				.catch(() => null);
			if (!seen) {
				errors.push(`seat ${seatId}: no realtime frame and paint within 10 s`);
				continue;
			}
			receiveToPaint.push(seen.painted - seen.recv);
			commitToPaint.push(seen.origin + seen.painted - createdAt);
			// let the page settle between changes, as separate users' clicks would be
			await new Promise((r) => setTimeout(r, 50));
		}
		return {
			event: SLUG,
			seats,
			loads,
			firstCompleteRender: summarize(complete),
			synced: summarize(synced),
			domContentLoaded: summarize(dcl),
			jsHeapUsedBytes: heap.used,
			arrayBufferBytes: heap.backingStorage,
			changes: receiveToPaint.length,
			receiveToPaint: summarize(receiveToPaint),
			commitToPaint: summarize(commitToPaint),
			marker:
				'[data-testid=seat-map][data-synced=true] (bookings snapshot applied after the channel was confirmed), then the end of the last animation frame that drew the canvas, two frames later',
			errors
		};
	} finally {
		await browser.close().catch(() => {});
		await app.stop();
	}
}
