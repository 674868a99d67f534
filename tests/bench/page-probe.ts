/** What the probe leaves on `window.__bench`, on the page's own clock (performance.now()). */
export interface Probe {
	/** When `[data-testid=seat-map]` first had `data-synced="true"`. */
	syncedAt: number;
	/** End of every animation frame in which the canvas was drawn. */
	frames: number[];
	/** How long each of those animation-frame callbacks ran (ms), in the same order. */
	spans: number[];
	/** Realtime frames carrying seat changes (broadcast or postgres_changes), at arrival. */
	msgs: { t: number; text: string }[];
	drawing: boolean;
}

/**
 * Runs in the page before any of its scripts (Playwright addInitScript serializes it, so it must
 * stay self-contained). Wraps canvas drawing calls, requestAnimationFrame and WebSocket to see when
 * the map draws and when changes arrive, and watches the map's synced marker.
 */
export function pageProbe(): void {
	const bench: Probe = { frames: [], spans: [], msgs: [], syncedAt: 0, drawing: false };
	(window as unknown as { __bench: Probe }).__bench = bench;

	const proto = CanvasRenderingContext2D.prototype as unknown as Record<
		string,
		(...args: unknown[]) => unknown
	>;
	for (const name of ['fill', 'stroke', 'clearRect', 'fillRect', 'drawImage', 'putImageData']) {
		const original = proto[name];
		proto[name] = function (this: unknown, ...args: unknown[]) {
			bench.drawing = true;
			return original.apply(this, args);
		};
	}

	const raf = window.requestAnimationFrame.bind(window);
	window.requestAnimationFrame = (callback) =>
		raf((ts) => {
			bench.drawing = false;
			const start = performance.now();
			try {
				callback(ts);
			} finally {
				if (bench.drawing) {
					const end = performance.now();
					bench.frames.push(end);
					bench.spans.push(end - start);
				}
				bench.drawing = false;
			}
		});

	const decoder = new TextDecoder();
	const NativeWebSocket = window.WebSocket;
	window.WebSocket = class extends NativeWebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols);
			this.addEventListener('message', (e: MessageEvent) => {
				const t = performance.now();
				const text =
					typeof e.data === 'string'
						? e.data
						: e.data instanceof ArrayBuffer
							? decoder.decode(e.data)
							: '';
				if (text.includes('"seat_id"')) bench.msgs.push({ t, text: text.slice(0, 4000) });
			});
		}
	};

	new MutationObserver(() => {
		if (!bench.syncedAt && document.querySelector('[data-testid="seat-map"][data-synced="true"]'))
			bench.syncedAt = performance.now();
	}).observe(document, {
		subtree: true,
		childList: true,
		attributes: true,
		attributeFilter: ['data-synced']
	});
}
