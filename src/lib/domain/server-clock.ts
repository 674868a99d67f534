/**
 * The database's clock as seen from this browser. Holds lapse at the database's `expires_at`, so a
 * client must know how far its own clock is from the server's to draw a hold free on time.
 *
 * The offset is `server_time − local time when the answer arrived`. The server read its clock
 * somewhere between sending the request and receiving the answer, so this estimate runs behind the
 * true server time by at most one round trip, never ahead: a hold is drawn free up to a round trip
 * late, never early, and a seat the map shows free is free in the database too. (The midpoint of
 * the request would be closer on average but could run ahead.)
 */
export class ServerClock {
	#offset = 0;
	readonly #local: () => number;

	constructor(local: () => number = () => Date.now()) {
		this.#local = local;
	}

	/** Server minus local clock, in ms (0 until the first sync). */
	get offset(): number {
		return this.#offset;
	}

	/** The server's time now, in ms since the epoch. */
	now(): number {
		return this.#local() + this.#offset;
	}

	/** Learns the offset from a server timestamp read at local time `receivedAt`. */
	sync(serverTime: string | null | undefined, receivedAt = this.#local()): void {
		const server = parseTimestamp(serverTime);
		if (server !== null) this.#offset = server - receivedAt;
	}

	/** A server instant in this browser's clock (for timers and countdowns). */
	toLocal(serverMs: number): number {
		return serverMs - this.#offset;
	}
}

/** setTimeout's limit (about 24.8 days); a later instant is reached in more than one step. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * One timer for an instant on the server's clock, such as the next hold to lapse. Setting another
 * instant replaces it; setting the same one again keeps the timer running. It fires no earlier
 * than the instant by the clock as it stands then (the offset may have been corrected meanwhile).
 */
export class ServerAlarm {
	readonly #clock: ServerClock;
	readonly #due: () => void;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#at: number | null = null;

	constructor(clock: ServerClock, due: () => void) {
		this.#clock = clock;
		this.#due = due;
	}

	/** Fires `due` at server time `at` (ms); null clears. */
	set(at: number | null): void {
		if (at === null || !Number.isFinite(at)) {
			this.clear();
			return;
		}
		if (this.#timer && this.#at === at) return;
		this.clear();
		this.#at = at;
		const delay = Math.min(Math.max(0, at - this.#clock.now()), MAX_DELAY_MS);
		this.#timer = setTimeout(() => {
			this.#timer = null;
			if (this.#clock.now() < at) {
				this.#at = null;
				this.set(at);
				return;
			}
			this.#at = null;
			this.#due();
		}, delay);
	}

	clear(): void {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		this.#at = null;
	}
}

/**
 * Milliseconds since the epoch of a Postgres timestamptz in JSON (`2026-11-24T13:00:00.123456+00:00`)
 * or text form (`2026-11-24 13:00:00.123456+00`); null when absent or unreadable.
 */
export function parseTimestamp(value: string | null | undefined): number | null {
	if (!value) return null;
	const iso = value
		.trim()
		.replace(' ', 'T')
		.replace(/(\.\d{3})\d+/, '$1')
		.replace(/([+-]\d{2})$/, '$1:00');
	const ms = Date.parse(iso);
	return Number.isNaN(ms) ? null : ms;
}
