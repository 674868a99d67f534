import { readFileSync } from 'node:fs';
import { summarize } from './stats.ts';

/** A Chromium trace event (the JSON trace format's fields the benches read). */
export interface TraceEvent {
	name: string;
	ph: string;
	ts: number;
	dur?: number;
	/** The thread's own (CPU) time within `dur`. */
	tdur?: number;
	pid: number;
	tid: number;
	args?: { name?: string; data?: { url?: string; requestId?: string } };
}

/** Trace categories that show where a canvas frame's time goes: script, paint, raster, compositor. */
export const TRACE_CATEGORIES = [
	'devtools.timeline',
	'disabled-by-default-devtools.timeline',
	'disabled-by-default-devtools.timeline.frame',
	'blink',
	'cc',
	'gpu',
	'viz',
	'skia',
	'v8.execute'
];

/**
 * Self time per event name and thread of a trace written by `browser.startTracing`, as lines
 * "12.3 ms  thread  name (count, longest)", most first. The CPU profiler sees only JavaScript; a canvas's raster
 * and the compositor's work run outside it, in events this shows.
 */
export function traceSelf(file: string, count = 25): string[] {
	const raw = JSON.parse(readFileSync(file, 'utf8')) as
		{ traceEvents: TraceEvent[] } | TraceEvent[];
	const events = Array.isArray(raw) ? raw : raw.traceEvents;
	const threads = new Map<string, string>();
	for (const e of events)
		if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args!.name!);
	const byThread = new Map<string, TraceEvent[]>();
	for (const e of events) {
		if (e.ph !== 'X' || e.dur === undefined) continue;
		const key = `${e.pid}:${e.tid}`;
		let list = byThread.get(key);
		if (!list) byThread.set(key, (list = []));
		list.push(e);
	}
	const self = new Map<string, number>();
	/** Occurrences and the longest one (its whole duration), per thread and name. */
	const seen = new Map<string, { n: number; max: number }>();
	for (const [key, list] of byThread) {
		const thread = threads.get(key) ?? key;
		list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
		// Nested events on a thread: an event's self time is its duration less its children's.
		const stack: { end: number; name: string; children: number }[] = [];
		const close = (until: number) => {
			while (stack.length && stack.at(-1)!.end <= until) {
				const top = stack.pop()!;
				const k = `${thread}\t${top.name}`;
				self.set(k, (self.get(k) ?? 0) + top.children);
			}
		};
		for (const e of list) {
			close(e.ts);
			const k = `${thread}\t${e.name}`;
			const s = seen.get(k) ?? { n: 0, max: 0 };
			seen.set(k, { n: s.n + 1, max: Math.max(s.max, e.dur!) });
			const parent = stack.at(-1);
			if (parent) parent.children -= e.dur!;
			stack.push({ end: e.ts + e.dur!, name: e.name, children: e.dur! });
		}
		close(Infinity);
	}
	return [...self]
		.sort((a, b) => b[1] - a[1])
		.slice(0, count)
		.map(([k, us]) => {
			const [thread, name] = k.split('\t');
			const { n, max } = seen.get(k)!;
			return `${(us / 1000).toFixed(1).padStart(8)} ms  ${thread.padEnd(20)} ${name} (${n}×, longest ${(max / 1000).toFixed(1)} ms)`;
		});
}

function readTrace(file: string): TraceEvent[] {
	const raw = JSON.parse(readFileSync(file, 'utf8')) as
		{ traceEvents: TraceEvent[] } | TraceEvent[];
	return Array.isArray(raw) ? raw : raw.traceEvents;
}

/**
 * The steps of a frame, each as p50 / p95 / max of its CPU time (the thread's own time, which the
 * other processes on a shared machine do not inflate): on the page's main thread the whole main
 * frame, the animation-frame callbacks (where the map records its drawing) and the layer update,
 * where a software canvas rasterizes what was recorded into it; on the display compositor, drawing
 * the frame's layers into the screen.
 */
const FRAME_STEPS = [
	['main frame', 'CrRendererMain', 'ProxyMain::BeginMainFrame'],
	['animation-frame callbacks', 'CrRendererMain', 'FireAnimationFrame'],
	['canvas raster (layer update)', 'CrRendererMain', 'LayerTreeHost::DoUpdateLayers'],
	['display compositor draw', 'VizCompositorThread', 'DirectRenderer::DrawFrame']
] as const;

export function traceFrames(file: string): string[] {
	const events = readTrace(file);
	const threads = new Map<string, string>();
	for (const e of events)
		if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args!.name!);
	return FRAME_STEPS.map(([label, thread, name]) => {
		const s = summarize(
			events
				.filter(
					(e) => e.ph === 'X' && e.name === name && threads.get(`${e.pid}:${e.tid}`) === thread
				)
				.map((e) => (e.tdur ?? e.dur!) / 1000)
		);
		return `${label}, CPU: p50 ${s.median.toFixed(1)} / p95 ${s.p95.toFixed(1)} / max ${s.max.toFixed(1)} ms (${s.n})`;
	});
}
