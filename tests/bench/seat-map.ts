import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { bigVenueDir, BIG_SLUG } from './big-venue.ts';
import { createServer } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_KEYS, TEST_SERVER_ENV } from '../../backend/test-support/test-keys.ts';
import { newClient, signInMany, type SignedIn } from './clients.ts';
import { pageProbe, type Probe } from './page-probe.ts';
import { summarize, timestamptzMs, type Summary } from './stats.ts';
import { describeMachine, machine } from './machine.ts';
import {
	frameRuns,
	GESTURES,
	pinch,
	settle,
	wheel,
	zoomTo,
	ZOOMS,
	type Aim,
	type Around,
	type FrameRun,
	type Screen
} from './map-frames.ts';
import { startProfile, stopProfile, topSelf } from './cpu-profile.ts';
import { TRACE_CATEGORIES, traceFrames, traceSelf, type TraceEvent } from './chrome-trace.ts';
import { decodeSeatMap } from '../../src/lib/domain/seat-map-wire.ts';

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

/** The screens the pan/zoom goals are stated for. */
export const SCREENS: Screen[] = [
	{ width: 1280, height: 800, dpr: 1 },
	{ width: 1280, height: 800, dpr: 2 },
	{ width: 1920, height: 1080, dpr: 1 },
	{ width: 1920, height: 1080, dpr: 2 }
];

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
	/** Cold loads at 375×812 with the CPU throttled 4×. */
	phoneRender: Summary;
	/** Where a first render's time goes (p50 of each moment, ms from navigation start). */
	phases: { desktop: Phases; phone: Phases };
	/** Frame intervals per screen, zoom and gesture. */
	frames: FrameRun[];
	/** Realtime frame → painted, per zoom (1280×800). */
	changeByZoom: { zoom: string; receiveToPaint: Summary }[];
	/** With `profile`: the functions with most self time in each profiled phase. */
	profiles: { phase: string; top: string[] }[];
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

/** `npm start` on an in-memory database (or the PGlite data directory `db`), as a child process. */
export async function startApp(db = 'memory'): Promise<App> {
	const port = await freePort();
	const child = spawn(process.execPath, ['backend/serve-app.ts'], {
		cwd: new URL('../../', import.meta.url),
		env: {
			...process.env,
			...TEST_SERVER_ENV,
			PORT: String(port),
			HOST: '127.0.0.1',
			SUPABASE_DB: db
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
async function load(
	browser: Browser,
	url: string,
	{
		width = 1280,
		height = 800,
		dpr = 1,
		throttle = 1,
		profile,
		slug = SLUG
	}: Partial<Screen> & {
		throttle?: number;
		profile?: (top: string[]) => void;
		slug?: string;
	} = {},
	profileDir = ''
) {
	const context = await browser.newContext({
		viewport: { width, height },
		deviceScaleFactor: dpr,
		hasTouch: true
	});
	const page = await context.newPage();
	await page.addInitScript(pageProbe);
	const cdp = await context.newCDPSession(page);
	if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
	if (profile) await startProfile(cdp);
	await page.goto(`${url}/events/${slug}`, { waitUntil: 'commit' });
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
			seats: Number(seats),
			// Where the time went: each request's start and end, the first canvas frame.
			requests: performance
				.getEntriesByType('resource')
				.filter((e) => /rest\/v1|auth\/v1/.test(e.name))
				.map((e) => {
					const r = e as PerformanceResourceTiming;
					const path = new URL(r.name).pathname.replace(/^\/(rest|auth)\/v1\//, '');
					return `${path} ${r.startTime.toFixed(0)}–${r.responseEnd.toFixed(0)}`;
				}),
			firstFrame: b.frames[0] ?? NaN,
			phases: (() => {
				const entry = (rpc: string) =>
					performance
						.getEntriesByType('resource')
						.find((e) => e.name.includes(`/rest/v1/rpc/${rpc}`)) as
						PerformanceResourceTiming | undefined;
				const map = entry('seat_map');
				const taken = entry('seat_bookings');
				return {
					dcl: nav?.domContentLoadedEventEnd ?? NaN,
					layoutAsked: map?.startTime ?? NaN,
					layoutReceived: map?.responseEnd ?? NaN,
					layoutWireBytes: map?.encodedBodySize ?? NaN,
					layoutBytes: map?.decodedBodySize ?? NaN,
					bookingsReceived: taken?.responseEnd ?? NaN,
					synced: b.syncedAt,
					drawn: b.frames.at(-1) ?? NaN
				};
			})()
		};
	});
	if (profile)
		profile([
			`synced ${times.synced.toFixed(0)} ms, first canvas frame ${times.firstFrame.toFixed(0)}, DOMContentLoaded ${times.dcl.toFixed(0)}; requests: ${times.requests.join(', ')}`
		]);
	if (profile)
		profile(topSelf(await stopProfile(cdp, profileDir, `first-render-${width}-x${throttle}`)));
	await cdp.detach();
	return { context, page, times };
}

/**
 * Cold loads of the event page until its map is complete: `phoneLoads` at 375×812 with the CPU
 * throttled 4×, then `loads` at 1280×800 (the last one left open).
 */
async function coldLoads(
	browser: Browser,
	url: string,
	{ loads, phoneLoads, slug }: { loads: number; phoneLoads: number; slug: string },
	errors: string[]
) {
	const complete: number[] = [];
	const synced: number[] = [];
	const dcl: number[] = [];
	const phone: number[] = [];
	const phases: { desktop: Phases[]; phone: Phases[] } = { desktop: [], phone: [] };
	let seats = 0;
	for (let i = 0; i < phoneLoads; i++) {
		// A phone load that never syncs is reported, and the rest of the run still measured.
		const l = await load(browser, url, { width: 375, height: 812, throttle: 4, slug }).catch(
			(e: Error) => {
				errors.push(`375×812 load ${i + 1}: ${e.message.split('\n')[0]}`);
				return null;
			}
		);
		if (!l) continue;
		phone.push(Math.max(l.times.synced, l.times.lastFrame));
		phases.phone.push(l.times.phases);
		await l.context.close();
	}
	let last: Awaited<ReturnType<typeof load>> | undefined;
	for (let i = 0; i < loads; i++) {
		if (last) await last.context.close();
		last = await load(browser, url, { slug });
		const t = last.times;
		if (!t.frames) errors.push('the canvas was never drawn');
		complete.push(Math.max(t.synced, t.lastFrame));
		synced.push(t.synced);
		dcl.push(t.dcl);
		phases.desktop.push(t.phases);
		seats = t.seats;
	}
	return { complete, synced, dcl, phone, phases, seats, last };
}

/**
 * The page's main-thread CPU time over a cold load, from a Chromium trace: its whole, and from
 * the seat map's answer to the map's completion (two frames after it synced). Thread time, not
 * wall time, so it holds on a machine other work shares; with the CPU throttled, Chromium's
 * throttling counts in it too.
 */
async function mainThreadCpu(
	browser: Browser,
	url: string,
	{
		width,
		height,
		throttle,
		slug
	}: { width: number; height: number; throttle: number; slug: string }
): Promise<{ whole: number; afterAnswer: number }> {
	const context = await browser.newContext({ viewport: { width, height }, hasTouch: true });
	const page = await context.newPage();
	await page.addInitScript(pageProbe);
	const cdp = await context.newCDPSession(page);
	if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
	await browser.startTracing(page, {
		categories: [
			'toplevel',
			'devtools.timeline',
			'disabled-by-default-devtools.timeline',
			'v8.execute'
		]
	});
	await page.goto(`${url}/events/${slug}`, { waitUntil: 'commit' });
	await page.waitForFunction(
		() => (window as unknown as { __bench: Probe }).__bench.syncedAt > 0,
		undefined,
		{ timeout: 120_000, polling: 50 }
	);
	await page.evaluate(async () => {
		const frame = () => new Promise((r) => requestAnimationFrame(r));
		await frame();
		await frame();
	});
	const trace = JSON.parse((await browser.stopTracing()).toString()) as {
		traceEvents: TraceEvent[];
	};
	await context.close();
	const events = trace.traceEvents;
	const sent = events.find(
		(e) => e.name === 'ResourceSendRequest' && e.args?.data?.url?.includes('rpc/seat_map')
	);
	const answered = events.findLast(
		(e) => e.name === 'ResourceFinish' && e.args?.data?.requestId === sent?.args?.data?.requestId
	);
	const main = events.find(
		(e) => e.ph === 'M' && e.pid === sent?.pid && e.args?.name === 'CrRendererMain'
	);
	if (!sent || !answered || !main) return { whole: NaN, afterAnswer: NaN };
	const tasks = events.filter(
		(e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && /(^|::)RunTask$/.test(e.name)
	);
	const cpu = (list: typeof tasks) =>
		list.reduce((sum, e) => sum + (e.tdur ?? e.dur ?? 0), 0) / 1000;
	return {
		whole: cpu(tasks),
		afterAnswer: cpu(tasks.filter((e) => e.ts + (e.dur ?? 0) > answered.ts))
	};
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

interface Booker {
	eventId: number;
	bookers: SignedIn[];
	next: number;
}

/** Other users book these seats one by one; the time until the page paints each. */
async function watchBookings(
	page: Page,
	booker: Booker,
	seatIds: number[],
	errors: string[]
): Promise<{ receiveToPaint: number[]; commitToPaint: number[] }> {
	const receiveToPaint: number[] = [];
	const commitToPaint: number[] = [];
	for (const seatId of seatIds) {
		const client = booker.bookers[booker.next++ % booker.bookers.length].client;
		const { data, error } = await client
			.from('bookings')
			.insert({ event_id: booker.eventId, seat_id: seatId })
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
					const seat = new RegExp(`"seat_id": ?${id}\\b`);
					const msg = b.msgs.find((m) => seat.test(m.text));
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
	return { receiveToPaint, commitToPaint };
}

/** Zooming aims at the seat nearest a point left of the map's middle: on a stand, not the pitch. */
function aimAtSeats(map: { x: number[]; y: number[] }): Aim {
	return async (page) => {
		const canvas = page.getByTestId('seat-canvas');
		const box = (await canvas.boundingBox())!;
		const [scale, tx, ty] = ((await canvas.getAttribute('data-view')) ?? '1 0 0')
			.split(' ')
			.map(Number);
		const [gx, gy] = [box.width * 0.3, box.height * 0.5];
		let best = 0;
		let bestD = Infinity;
		for (let k = 0; k < map.x.length; k++) {
			const d = (map.x[k] * scale + tx - gx) ** 2 + (map.y[k] * scale + ty - gy) ** 2;
			if (d < bestD) [best, bestD] = [k, d];
		}
		return { x: box.x + map.x[best] * scale + tx, y: box.y + map.y[best] * scale + ty };
	};
}

/**
 * `count` seats spread over what the map shows now (by its data-view transform and the layout's
 * coordinates), none of them in `taken`: seats in view at any zoom.
 */
async function seatsInView(
	page: Page,
	map: { id: number[]; x: number[]; y: number[] },
	taken: Set<number>,
	count: number
): Promise<number[]> {
	const { view, width, height } = await page.getByTestId('seat-canvas').evaluate((c) => {
		const [scale, tx, ty] = (c.getAttribute('data-view') ?? '1 0 0').split(' ').map(Number);
		const box = c.getBoundingClientRect();
		return { view: { scale, tx, ty }, width: box.width, height: box.height };
	});
	const inView = map.id.filter((id, k) => {
		const [sx, sy] = [map.x[k] * view.scale + view.tx, map.y[k] * view.scale + view.ty];
		return !taken.has(id) && sx > 8 && sy > 8 && sx < width - 8 && sy < height - 8;
	});
	return Array.from(
		{ length: Math.min(count, inView.length) },
		(_, k) => inView[Math.floor(((k + 0.5) * inView.length) / count)]
	);
}

/**
 * CPU profiles (written to `dir`, summarized by self time) of a cold first render at 375×812 with
 * the CPU throttled 4× and at 1280×800, and of wheel and pinch zooms at each zoom on 1920×1080@2x.
 */
export async function profileMap(
	browser: Browser,
	url: string,
	dir: string,
	parts: { render?: boolean; zoom?: boolean } = { render: true, zoom: true }
): Promise<SeatMapResult['profiles']> {
	const profiles: SeatMapResult['profiles'] = [];
	const note = (phase: string) => (top: string[]) => profiles.push({ phase, top });
	for (const [phase, screen] of [
		['first render 375×812, CPU 4×', { width: 375, height: 812, throttle: 4 }],
		['first render 1280×800', {}]
	] as const) {
		if (!parts.render) break;
		const l = await load(browser, url, { ...screen, profile: note(phase) }, dir);
		await l.context.close();
	}
	if (!parts.zoom) return profiles;
	const aim = aimAtSeats((await venueMap(url, SLUG)).layout);
	const l = await load(browser, url, SCREENS[3]);
	const cdp = await l.context.newCDPSession(l.page);
	for (const [zoom, steps] of ZOOMS) {
		for (const [gesture, run] of [
			['wheel', wheel],
			['pinch', pinch]
		] as const) {
			await zoomTo(l.page, steps, aim);
			await startProfile(cdp);
			const interval = await run(l.page);
			const p = await stopProfile(cdp, dir, `${gesture}-${steps}`);
			note(`${gesture} at ${zoom}, 1920×1080@2x, p95 ${interval.p95.toFixed(1)} ms`)(topSelf(p));
		}
	}
	await l.context.close();
	return profiles;
}

/** The event's id and its seats' ids and coordinates, as the page gets them. */
async function venueMap(url: string, slug: string) {
	const reader = newClient(url);
	const { data: ev } = await reader.from('events').select('id').eq('slug', slug).single();
	const eventId = (ev as { id: number }).id;
	const { data: map } = await reader.rpc('seat_map', { p_event_id: eventId });
	const { id, x, y } = decodeSeatMap(map);
	return { eventId, layout: { id: Array.from(id), x: Array.from(x), y: Array.from(y) } };
}

export interface FrameOptions {
	screens: Screen[];
	zooms: [string, number][];
	gestures: FrameRun['gesture'][];
	slug: string;
	/** Write a Chromium trace (`trace`) or a CPU profile (`profile`) of each gesture to `dir`. */
	record?: { kind: 'trace' | 'profile'; dir: string };
}

/**
 * The pan/zoom frame runs alone, for chosen screens, zooms and gestures: what to iterate on when
 * the frames are the question. With `record`, each gesture's trace or profile is summarized too.
 */
export async function framesOnly(
	app: App,
	{ screens, zooms, gestures, slug, record }: FrameOptions
): Promise<{ frames: FrameRun[]; profiles: SeatMapResult['profiles'] }> {
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: CHROMIUM_ARGS
	});
	const profiles: SeatMapResult['profiles'] = [];
	const frames: FrameRun[] = [];
	try {
		const aim = aimAtSeats((await venueMap(app.url, slug)).layout);
		for (const screen of screens) {
			let page: Page | undefined;
			const open = async (s: Screen) =>
				(page = (await load(browser, app.url, { ...s, slug })).page);
			const around: Around = async (name, run) => {
				if (!record || !page) return run();
				const file = `${record.dir}/${name.replace(/[^\w@.-]+/g, '_')}`;
				mkdirSync(record.dir, { recursive: true });
				if (record.kind === 'trace') {
					await browser.startTracing(page, {
						path: `${file}.json`,
						categories: TRACE_CATEGORIES
					});
					const interval = await run();
					await browser.stopTracing();
					profiles.push({
						phase: `${name}, p95 ${ms(interval.p95)}`,
						top: [...traceFrames(`${file}.json`), ...traceSelf(`${file}.json`, 12)]
					});
					return interval;
				}
				const cdp = await page.context().newCDPSession(page);
				await startProfile(cdp);
				const interval = await run();
				const p = await stopProfile(cdp, record.dir, name);
				await cdp.detach();
				profiles.push({ phase: `${name}, p95 ${ms(interval.p95)}`, top: topSelf(p) });
				return interval;
			};
			frames.push(...(await frameRuns(browser, open, screen, zooms, aim, gestures, around)));
		}
	} finally {
		await browser.close().catch(() => {});
	}
	return { frames, profiles };
}

export interface SeatMapOptions {
	/** Screens for the pan/zoom frame runs (none: skip them). */
	screens?: Screen[];
	zooms?: [string, number][];
	phoneLoads?: number;
	/** The event to open (default: the seed's 54,000-seat stadium). */
	slug?: string;
	/** Write CPU profiles of a first render and of zoom gestures here (and summarize them). */
	profile?: string;
}

/**
 * The biggest seeded event in headless Chromium against the production build: cold loads until
 * the map is complete (1280×800, and 375×812 with the CPU throttled 4×), the JS heap, bookings made
 * by other users and the time until the page paints each one (spread over the map, then at each
 * zoom), and frame intervals while dragging, wheel-zooming, zooming by buttons, pinching and
 * hovering at each zoom on each screen.
 */
export async function seatMap(
	loads: number,
	changes: number,
	started?: Promise<App>,
	{
		screens = SCREENS,
		zooms = ZOOMS,
		phoneLoads = loads,
		profile,
		slug = SLUG
	}: SeatMapOptions = {}
): Promise<SeatMapResult> {
	const app = await (started ?? startApp());
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: CHROMIUM_ARGS
	});
	const errors: string[] = [];
	const profiles: SeatMapResult['profiles'] = [];
	try {
		if (profile) profiles.push(...(await profileMap(browser, app.url, profile)));
		const { complete, synced, dcl, phone, phases, seats, last } = await coldLoads(
			browser,
			app.url,
			{ loads, phoneLoads, slug },
			errors
		);
		const page = last!.page;
		const heap = await heapUsed(page);

		// Other users book seats spread over the whole map.
		const { eventId, layout } = await venueMap(app.url, slug);
		const ids = layout.id;
		const aim = aimAtSeats(layout);
		const perZoom = Math.max(2, Math.ceil(changes / 4));
		const booker: Booker = {
			eventId,
			bookers: await signInMany(app.url, Math.ceil((changes + perZoom * zooms.length) / 5) + 1, 4),
			next: 0
		};
		const spread = Array.from(
			{ length: changes },
			(_, k) => ids[Math.floor(((k + 0.5) * ids.length) / changes)]
		);
		const { receiveToPaint, commitToPaint } = await watchBookings(page, booker, spread, errors);
		const booked = new Set(spread);

		const changeByZoom: SeatMapResult['changeByZoom'] = [];
		for (const [zoom, steps] of zooms) {
			await zoomTo(page, steps, aim);
			const near = await seatsInView(page, layout, booked, perZoom);
			for (const id of near) booked.add(id);
			const seen = await watchBookings(page, booker, near, errors);
			changeByZoom.push({ zoom, receiveToPaint: summarize(seen.receiveToPaint) });
			await settle(page);
		}
		await last!.context.close();

		const frames: FrameRun[] = [];
		const open = async (screen: Screen) => (await load(browser, app.url, { ...screen, slug })).page;
		for (const screen of screens)
			frames.push(...(await frameRuns(browser, open, screen, zooms, aim)));

		return {
			event: slug,
			seats,
			loads,
			firstCompleteRender: summarize(complete),
			synced: summarize(synced),
			domContentLoaded: summarize(dcl),
			phoneRender: summarize(phone),
			phases: { desktop: medianPhases(phases.desktop), phone: medianPhases(phases.phone) },
			jsHeapUsedBytes: heap.used,
			arrayBufferBytes: heap.backingStorage,
			changes: receiveToPaint.length,
			receiveToPaint: summarize(receiveToPaint),
			commitToPaint: summarize(commitToPaint),
			changeByZoom,
			frames,
			profiles,
			marker:
				'[data-testid=seat-map][data-synced=true] (bookings snapshot applied after the channel was confirmed), then the end of the last animation frame that drew the canvas, two frames later',
			errors
		};
	} finally {
		await browser.close().catch(() => {});
		await app.stop();
	}
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

/** One frame run as a line: intervals, and the script time of the frames the map drew. */
const describeFrames = (f: FrameRun) =>
	`    ${f.screen.padEnd(14)} ${f.zoom.padEnd(9)} ${f.gesture.padEnd(8)} ${ms(f.interval.median)} / ${ms(f.interval.p95)} / ${ms(f.interval.p99)} / ${ms(f.interval.max)}, ${f.interval.n}` +
	(f.interval.paint?.n
		? `; map frames' script p50 ${ms(f.interval.paint.median)}, max ${ms(f.interval.paint.max)} (${f.interval.paint.n})`
		: '');

/** "1920x1080@2,1280x800@1" (`--screens`) as screens. */
function parseScreens(arg: string): Screen[] {
	return arg.split(',').map((s) => {
		const m = /^(\d+)x(\d+)(?:@(\d+(?:\.\d+)?))?$/.exec(s.trim());
		if (!m) throw new Error(`--screens: "${s}" is not WIDTHxHEIGHT@DPR`);
		return { width: Number(m[1]), height: Number(m[2]), dpr: Number(m[3] ?? 1) };
	});
}

/** The value after `--name`, if given. */
function option(name: string): string | undefined {
	const k = process.argv.indexOf(name);
	return k >= 0 ? process.argv[k + 1] : undefined;
}

/** The moments of a first render, ms from navigation start. */
export interface Phases {
	dcl: number;
	layoutAsked: number;
	layoutReceived: number;
	/** The seat map's size on the wire and decoded. */
	layoutWireBytes: number;
	layoutBytes: number;
	bookingsReceived: number;
	synced: number;
	drawn: number;
}

function medianPhases(all: Phases[]): Phases {
	const keys = ['dcl', 'layoutAsked', 'layoutReceived', 'layoutWireBytes', 'layoutBytes'] as const;
	const rest = ['bookingsReceived', 'synced', 'drawn'] as const;
	return Object.fromEntries(
		[...keys, ...rest].map((k) => [k, all.length ? summarize(all.map((p) => p[k])).median : NaN])
	) as unknown as Phases;
}

/** One line naming where a first render's time went, phase by phase. */
function describePhases(p: Phases): string {
	const gap = (from: number, to: number) => (to - from).toFixed(0);
	return (
		`page ready (DOMContentLoaded) ${p.dcl.toFixed(0)}, app started and asked for the seat map +${gap(p.dcl, p.layoutAsked)}, ` +
		`its answer +${gap(p.layoutAsked, p.layoutReceived)} (${(p.layoutWireBytes / 1e6).toFixed(2)} MB on the wire, ${(p.layoutBytes / 1e6).toFixed(2)} MB of JSON), ` +
		`parsed, laid out and synced +${gap(p.layoutReceived, p.synced)} (bookings snapshot in at ${p.bookingsReceived.toFixed(0)}), drawn +${gap(p.synced, Math.max(p.synced, p.drawn))}`
	);
}

/** The map's figures as lines of text, with the machine and its load before and after. */
export function describeSeatMap(r: SeatMapResult, before: string, after: string): string {
	const lines = [
		`Seat map, ${r.event} (${r.seats} seats). Machine before: ${before}`,
		`  first synced render 1280×800: p50 ${ms(r.firstCompleteRender.median)}, max ${ms(r.firstCompleteRender.max)} (${r.loads} loads)`,
		`    where it goes (p50, ms): ${describePhases(r.phases.desktop)}`,
		`  first synced render 375×812, CPU 4× throttled: p50 ${ms(r.phoneRender.median)}, max ${ms(r.phoneRender.max)} (${r.phoneRender.n} loads)`,
		...(r.phoneRender.n ? [`    where it goes (p50, ms): ${describePhases(r.phases.phone)}`] : []),
		`  JS heap ${(r.jsHeapUsedBytes / 2 ** 20).toFixed(1)} MiB` +
			(r.arrayBufferBytes === undefined
				? ''
				: ` + ${(r.arrayBufferBytes / 2 ** 20).toFixed(1)} MiB array buffers`),
		`  remote change → painted (spread): p50 ${ms(r.receiveToPaint.median)}, p99 ${ms(r.receiveToPaint.p99)} (${r.changes})`,
		...r.changeByZoom.map(
			(z) =>
				`  remote change → painted at ${z.zoom}: p50 ${ms(z.receiveToPaint.median)}, max ${ms(z.receiveToPaint.max)} (${z.receiveToPaint.n})`
		),
		'  frame interval (screen, zoom, gesture: p50 / p95 / p99 / max, frames):',
		...r.frames.map(describeFrames),
		...r.profiles.flatMap((p) => [
			`  CPU profile, ${p.phase} (self time):`,
			...p.top.map((l) => `    ${l}`)
		]),
		...r.errors.map((e) => `  error: ${e}`),
		`  machine after: ${after}`
	];
	return lines.join('\n');
}

// `node tests/bench/seat-map.ts [--quick]`: the map's workloads alone.
if (import.meta.url === `file://${process.argv[1]}`) {
	const quick = process.argv.includes('--quick');
	const profile = process.argv.includes('--profile') ? 'test-output/bench/profiles/map' : undefined;
	if (!hasBuild()) throw new Error('no production build: run `npm run build`');
	if (process.argv.includes('--profile-only')) {
		const app = await startApp();
		const browser = await chromium.launch({
			executablePath: '/usr/bin/chromium',
			args: CHROMIUM_ARGS
		});
		for (const p of await profileMap(browser, app.url, 'test-output/bench/profiles/map', {
			render: !process.argv.includes('--zoom'),
			zoom: !process.argv.includes('--render')
		}))
			console.log(
				[`CPU profile, ${p.phase} (self time):`, ...p.top.map((l) => `  ${l}`)].join('\n')
			);
		await browser.close();
		await app.stop();
		process.exit();
	}
	if (process.argv.includes('--frames-only')) {
		// The frame runs alone: `--screens 1920x1080@2 --gestures wheel,pinch --zooms overview,×3.4
		// --no-big`, and `--trace` (Chromium trace) or `--profile` (CPU profile) of each gesture.
		const screens = option('--screens') ? parseScreens(option('--screens')!) : SCREENS;
		const gestures = (option('--gestures')?.split(',') ?? Object.keys(GESTURES)).map((g) => {
			if (!(g in GESTURES)) throw new Error(`--gestures: no gesture "${g}"`);
			return g as FrameRun['gesture'];
		});
		const named = option('--zooms')?.split(',');
		const zooms = named ? ZOOMS.filter(([z]) => named.includes(z)) : ZOOMS;
		const dir = 'test-output/bench/profiles/frames';
		const record = process.argv.includes('--trace')
			? ({ kind: 'trace', dir } as const)
			: profile
				? ({ kind: 'profile', dir } as const)
				: undefined;
		type Venue = [string, () => Promise<{ app: App; done: () => void }>];
		// `--big-only`: the 100,000-seat bowl alone.
		const bigOnly = process.argv.includes('--big-only');
		const venues: Venue[] = bigOnly
			? []
			: [[SLUG, async () => ({ app: await startApp(), done: () => {} })]];
		if (!process.argv.includes('--no-big'))
			venues.push([
				BIG_SLUG,
				async () => {
					const db = await bigVenueDir();
					const done = () => rmSync(db, { recursive: true, force: true });
					return { app: await startApp(db), done };
				}
			]);
		for (const [slug, start] of venues) {
			const before = describeMachine(machine());
			const { app, done } = await start();
			try {
				const r = await framesOnly(app, { screens, zooms, gestures, slug, record });
				console.log(
					[
						`Frames, ${slug}. Machine before: ${before}`,
						...r.frames.map(describeFrames),
						...r.profiles.flatMap((p) => [`  ${p.phase}:`, ...p.top.map((l) => `    ${l}`)]),
						`  machine after: ${describeMachine(machine())}`
					].join('\n')
				);
			} finally {
				await app.stop();
				done();
			}
		}
		process.exit(0);
	}
	// --render-only [--loads N] [--cpu]: cold first renders of the stadium alone, phase by phase
	// (1280×800, and 375×812 at 4× CPU), and with --cpu the main thread's CPU time in them: quick
	// to compare before and after.
	if (process.argv.includes('--render-only')) {
		const loads = Number(option('--loads') ?? 5);
		const before = describeMachine(machine());
		const app = await startApp();
		const browser = await chromium.launch({
			executablePath: '/usr/bin/chromium',
			args: CHROMIUM_ARGS
		});
		const errors: string[] = [];
		const r = await coldLoads(browser, app.url, { loads, phoneLoads: loads, slug: SLUG }, errors);
		await r.last?.context.close();
		// --cpu: as many loads again, traced, for the main thread's CPU time.
		const cpu: string[] = [];
		for (const [name, screen] of [
			['1280×800', { width: 1280, height: 800, throttle: 1 }],
			['375×812, CPU 4×', { width: 375, height: 812, throttle: 4 }]
		] as const) {
			if (!process.argv.includes('--cpu')) break;
			const runs: { whole: number; afterAnswer: number }[] = [];
			for (let i = 0; i < loads; i++)
				runs.push(await mainThreadCpu(browser, app.url, { ...screen, slug: SLUG }));
			const p50 = (k: 'whole' | 'afterAnswer') => summarize(runs.map((t) => t[k])).median;
			cpu.push(
				`  main-thread CPU ${name} (p50 of ${loads}): ${ms(p50('afterAnswer'))} from the seat map's answer to complete, ${ms(p50('whole'))} in all`
			);
		}
		await browser.close();
		await app.stop();
		const line = (name: string, all: number[], phases: Phases[]) => {
			const t = summarize(all);
			return [
				`  first synced render ${name}: p50 ${ms(t.median)}, p95 ${ms(t.p95)}, max ${ms(t.max)} (${t.n} loads)`,
				...(t.n ? [`    where it goes (p50, ms): ${describePhases(medianPhases(phases))}`] : [])
			];
		};
		console.log(
			[
				`Seat map first render, ${SLUG} (${r.seats} seats). Machine before: ${before}`,
				...line('1280×800', r.complete, r.phases.desktop),
				...line('375×812, CPU 4× throttled', r.phone, r.phases.phone),
				...cpu,
				...errors.map((e) => `  error: ${e}`),
				`  machine after: ${describeMachine(machine())}`
			].join('\n')
		);
		process.exit(0);
	}
	// --smoke: the workload runs end to end (as `npm test` checks), no figures worth quoting.
	const smoke = process.argv.includes('--smoke');
	const small = quick || smoke;
	const results: SeatMapResult[] = [];
	let before = describeMachine(machine());
	const stadium = await seatMap(smoke ? 1 : quick ? 1 : 3, smoke ? 1 : quick ? 3 : 20, undefined, {
		screens: small ? [SCREENS[0]] : SCREENS,
		zooms: smoke ? ZOOMS.slice(0, 1) : quick ? ZOOMS.slice(0, 2) : ZOOMS,
		phoneLoads: smoke ? 0 : undefined,
		profile
	});
	console.log(describeSeatMap(stadium, before, describeMachine(machine())));
	results.push(stadium);
	if (!smoke && !process.argv.includes('--no-big')) {
		// The 100,000-seat bowl: the two ends of the screens (smallest DPR 1, largest DPR 2).
		before = describeMachine(machine());
		const dir = await bigVenueDir();
		try {
			const big = await seatMap(quick ? 1 : 3, quick ? 3 : 12, startApp(dir), {
				screens: quick ? [SCREENS[0]] : [SCREENS[0], SCREENS[3]],
				zooms: quick ? ZOOMS.slice(0, 2) : ZOOMS,
				slug: BIG_SLUG
			});
			console.log(describeSeatMap(big, before, describeMachine(machine())));
			results.push(big);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}
	mkdirSync('test-output/bench', { recursive: true });
	const file = `test-output/bench/seat-map-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
	writeFileSync(file, JSON.stringify(results, null, 1));
	console.log(`Full results: ${file}`);
	// Figures only: what went wrong is printed with them; a crash is what fails the run.
	process.exit(0);
}
