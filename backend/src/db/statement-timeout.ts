/**
 * `statement_timeout` for PGlite, as PostgreSQL enforces it.
 *
 * Postgres arms the statement timeout when a statement starts (timeout.c: `all_timeouts[
 * STATEMENT_TIMEOUT]` gets `active` and a `fin_time`), and SIGALRM's handler cancels the statement
 * once that time has passed: it sets the timeout's `indicator` and `QueryCancelPending` and
 * `InterruptPending`, and the next CHECK_FOR_INTERRUPTS() in the running statement raises 57014
 * "canceling statement due to statement timeout", which rolls the transaction back. PGlite is one
 * thread with no signals: its timer is a JavaScript setTimeout that can only fire once the
 * statement has returned, so the timeout never cancels anything.
 *
 * Here PGlite runs on a worker thread over a shared memory (shared-memory.ts), and the main thread
 * plays the signal handler: while a call is in the worker it reads the statement timeout's state
 * straight from Postgres' memory, and once `fin_time` has passed it sets the same three flags the
 * handler sets, and sets its latch as the handler does, which ends a wait such as `pg_sleep`.
 * Everything else is Postgres' own: which statements have a timeout and how long (the GUC: role
 * settings, `SET`, `set_config`, function `SET` clauses), where a statement may be interrupted,
 * the error, and the rollback.
 *
 * The worker publishes its state in `control[STATE]`, so a flag never lands after the call it was
 * meant for: the main thread sets flags only after moving BUSY → CANCELLING, and the worker, ending
 * a call, either moves BUSY → IDLE first or waits for CANCELLED and clears whatever the statement
 * did not consume.
 */

export const STATE = 0;
export const IDLE = 0;
export const BUSY = 1;
export const CANCELLING = 2;
export const CANCELLED = 3;

/** Where the worker's Postgres keeps what the signal handler touches. */
export interface InterruptTargets {
	/** `volatile sig_atomic_t InterruptPending` (exported by PGlite). */
	interruptPending: number;
	/** `volatile sig_atomic_t QueryCancelPending` (exported by PGlite). */
	queryCancelPending: number;
	/** `all_timeouts[STATEMENT_TIMEOUT]`, a `timeout_params` (static in timeout.c; found by `locate`). */
	statementTimeout: number;
	/** `Latch *MyLatch` (exported); a Latch starts with `sig_atomic_t is_set`. */
	myLatch: number;
}

/** `timeout_params` on wasm32: TimeoutId index; bool active, indicator; handler; int64 start, fin. */
const INDEX = 0;
const ACTIVE = 4;
const INDICATOR = 5;
const START_TIME = 16;
const FIN_TIME = 24;
const STRIDE = 40;
/** TimeoutId STATEMENT_TIMEOUT (timeout.h: after STARTUP_PACKET, DEADLOCK and LOCK timeouts). */
const STATEMENT_TIMEOUT = 3;

/** Milliseconds from the Unix epoch to Postgres' (2000-01-01). */
const PG_EPOCH_MS = 946_684_800_000;

/** The statement_timeout of the probe statement; no other timeout is this long to the microsecond. */
export const PROBE_MS = 1_234_567_891;
/** Runs one statement with the probe timeout, so that `locate` can find the timeout's record. */
export const PROBE_SQL = `set statement_timeout = ${PROBE_MS}; select 1; reset statement_timeout`;

/**
 * The address of `all_timeouts[STATEMENT_TIMEOUT]` in `memory` (below `end`, the module's static
 * data), just after PROBE_SQL ran: the record whose fin_time − start_time is the probe's delay,
 * whose index says STATEMENT_TIMEOUT and whose neighbours' indexes are 2 and 4. Throws if the
 * layout is not what this file assumes (a PGlite build this code does not know).
 */
export function locateStatementTimeout(memory: ArrayBufferLike, end: number): number {
	const i64 = new BigInt64Array(memory, 0, Math.floor(Math.min(end, memory.byteLength) / 8));
	const i32 = new Int32Array(memory);
	const delay = BigInt(PROBE_MS) * 1000n;
	const found: number[] = [];
	for (let k = 0; k + 1 < i64.length; k++) {
		if (i64[k + 1] - i64[k] !== delay) continue;
		const record = k * 8 - START_TIME;
		if (record < STRIDE * STATEMENT_TIMEOUT) continue;
		const indexOf = (i: number) => i32[(record + (i - STATEMENT_TIMEOUT) * STRIDE + INDEX) / 4];
		if (indexOf(STATEMENT_TIMEOUT) === STATEMENT_TIMEOUT && indexOf(2) === 2 && indexOf(4) === 4) {
			found.push(record);
		}
	}
	if (found.length !== 1) {
		throw new Error(
			`PGlite: found ${found.length} candidates for Postgres' statement timeout record; ` +
				'this build is not the one statement-timeout.ts knows'
		);
	}
	return found[0];
}

/** The main thread's side: the signal handler, run every `intervalMs` while calls are out. */
export class Watchdog {
	#control: Int32Array;
	#u8: Uint8Array;
	#i32: Int32Array;
	#i64: BigInt64Array;
	#targets: InterruptTargets;
	#intervalMs: number;
	#timer: ReturnType<typeof setInterval> | undefined;
	#busy = 0;

	constructor(
		control: Int32Array,
		memory: SharedArrayBuffer,
		targets: InterruptTargets,
		intervalMs = 20
	) {
		this.#control = control;
		this.#u8 = new Uint8Array(memory);
		this.#i32 = new Int32Array(memory);
		this.#i64 = new BigInt64Array(memory, 0, Math.floor(memory.byteLength / 8));
		this.#targets = targets;
		this.#intervalMs = intervalMs;
	}

	/** A call went to the worker; checks run until as many `end` calls came back. */
	begin() {
		if (this.#busy++ === 0) {
			this.#timer = setInterval(() => this.check(), this.#intervalMs);
			this.#timer.unref();
		}
	}

	end() {
		if (--this.#busy === 0) clearInterval(this.#timer);
	}

	stop() {
		this.#busy = 0;
		clearInterval(this.#timer);
	}

	/** What SIGALRM's handler would do now: cancel the running statement if its time is up. */
	check(now = Date.now()) {
		const record = this.#targets.statementTimeout;
		if (Atomics.load(this.#control, STATE) !== BUSY) return;
		if (Atomics.load(this.#u8, record + ACTIVE) === 0) return;
		const finTime = Atomics.load(this.#i64, (record + FIN_TIME) / 8);
		if (BigInt(now - PG_EPOCH_MS) * 1000n < finTime) return;
		if (Atomics.compareExchange(this.#control, STATE, BUSY, CANCELLING) !== BUSY) return;
		Atomics.store(this.#u8, record + INDICATOR, 1);
		Atomics.store(this.#i32, this.#targets.queryCancelPending / 4, 1);
		Atomics.store(this.#i32, this.#targets.interruptPending / 4, 1);
		// SetLatch(MyLatch): a wait for the latch (pg_sleep, WaitLatch) returns and sees the flags.
		const latch = Atomics.load(this.#i32, this.#targets.myLatch / 4);
		if (latch !== 0) Atomics.store(this.#i32, latch / 4, 1);
		Atomics.store(this.#control, STATE, CANCELLED);
		Atomics.notify(this.#control, STATE);
	}
}

/** The worker's side, around each call into PGlite. */
export class CallGuard {
	#control: Int32Array;
	#memory: () => ArrayBufferLike;
	#targets: InterruptTargets;

	constructor(control: Int32Array, memory: () => ArrayBufferLike, targets: InterruptTargets) {
		this.#control = control;
		this.#memory = memory;
		this.#targets = targets;
	}

	async run<T>(call: () => Promise<T>): Promise<T> {
		Atomics.store(this.#control, STATE, BUSY);
		try {
			return await call();
		} finally {
			this.#settle();
		}
	}

	/**
	 * Back to IDLE. If a cancel came, it may have landed after the statement's last check for
	 * interrupts (the statement finished anyway): what it left must not cancel the next call.
	 */
	#settle() {
		if (Atomics.compareExchange(this.#control, STATE, BUSY, IDLE) === BUSY) return;
		while (Atomics.load(this.#control, STATE) !== CANCELLED) {
			Atomics.wait(this.#control, STATE, CANCELLING, 10);
		}
		const memory = this.#memory();
		new Int32Array(memory)[this.#targets.queryCancelPending / 4] = 0;
		new Uint8Array(memory)[this.#targets.statementTimeout + INDICATOR] = 0;
		Atomics.store(this.#control, STATE, IDLE);
	}
}
