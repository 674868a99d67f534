/** A fixed-window counter per key (GoTrue limits anonymous sign-ins per IP and hour). */
export class RateLimiter {
	readonly #limit: number;
	readonly #windowMs: number;
	#windows = new Map<string, { start: number; count: number }>();

	/** `limit` 0 means unlimited. */
	constructor(limit: number, windowMs: number) {
		this.#limit = limit;
		this.#windowMs = windowMs;
	}

	take(key: string, now = Date.now()): boolean {
		if (this.#limit <= 0) return true;
		let window = this.#windows.get(key);
		if (!window || now - window.start >= this.#windowMs) {
			if (this.#windows.size > 10_000) this.#windows.clear();
			window = { start: now, count: 0 };
			this.#windows.set(key, window);
		}
		if (window.count >= this.#limit) return false;
		window.count++;
		return true;
	}
}
