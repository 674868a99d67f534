/**
 * The main thread's handle on the PGlite worker (pglite-worker.ts): one call at a time (the caller
 * queues them), each answered with its result or its error, notifications as they come, and the
 * watchdog that enforces statement_timeout while a call runs (statement-timeout.ts).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DbError } from './errors.ts';
import { shareMemoryImport } from './shared-memory.ts';
import { Watchdog, type InterruptTargets } from './statement-timeout.ts';
import type { Result, Statement } from './types.ts';

export type Call = { id: number } & (
	| { op: 'query'; sql: string; params?: unknown[] }
	| { op: 'exec'; sql: string }
	| { op: 'batch'; statements: Statement[] }
	| { op: 'dump' }
	| { op: 'close' }
);

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
type Request = DistributiveOmit<Call, 'id'>;

export type Reply =
	| { type: 'result'; id: number; value: unknown }
	| { type: 'error'; id: number; error: Record<string, unknown> };

export interface WorkerReady {
	type: 'ready';
	memory: SharedArrayBuffer;
	targets: InterruptTargets;
}

type WorkerMessage =
	| Reply
	| WorkerReady
	| { type: 'failed'; error: Record<string, unknown> }
	| { type: 'notification'; channel: string; payload: string };

export interface WorkerData {
	dataDir?: string;
	loadDataDir?: ArrayBuffer;
	wasmModule: WebAssembly.Module;
	/** Int32 words shared with the watchdog (statement-timeout.ts). */
	control: SharedArrayBuffer;
}

export interface PgliteThreadOptions {
	dataDir?: string;
	loadDataDir?: Blob;
	onNotification(channel: string, payload: string): void;
}

/** pglite.wasm with its memory import made shared, compiled once per process. */
let wasmModule: Promise<WebAssembly.Module> | undefined;
function sharedWasmModule() {
	wasmModule ??= (async () => {
		// The package exports no path to its wasm: it sits beside the entry point.
		const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
		const file = join(dirname(entry), 'pglite.wasm');
		return WebAssembly.compile(shareMemoryImport(new Uint8Array(await readFile(file))));
	})();
	return wasmModule;
}

export class PgliteThread {
	#worker: Worker;
	#watchdog: Watchdog;
	#pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
	#next = 0;
	#gone: Error | undefined;

	private constructor(worker: Worker, watchdog: Watchdog) {
		this.#worker = worker;
		this.#watchdog = watchdog;
	}

	static async start(options: PgliteThreadOptions): Promise<PgliteThread> {
		const control = new SharedArrayBuffer(4);
		const loadDataDir = await options.loadDataDir?.arrayBuffer();
		const workerData: WorkerData = {
			dataDir: options.dataDir,
			loadDataDir,
			wasmModule: await sharedWasmModule(),
			control
		};
		const worker = new Worker(new URL('./pglite-worker.ts', import.meta.url), {
			workerData,
			transferList: loadDataDir ? [loadDataDir] : []
		});
		let thread: PgliteThread | undefined;
		const ready = new Promise<PgliteThread>((resolve, reject) => {
			worker.on('message', (message: WorkerMessage) => {
				switch (message.type) {
					case 'ready': {
						const watchdog = new Watchdog(new Int32Array(control), message.memory, message.targets);
						thread = new PgliteThread(worker, watchdog);
						resolve(thread);
						worker.unref();
						return;
					}
					case 'failed':
						reject(toError(message.error));
						return;
					case 'notification':
						options.onNotification(message.channel, message.payload);
						return;
					default:
						thread?.settle(message);
				}
			});
			worker.on('error', (e) => {
				reject(e);
				thread?.lose(e);
			});
			worker.on('exit', (code) => {
				const e = new Error(`PGlite: its worker thread exited (code ${code})`);
				reject(e);
				thread?.lose(e);
			});
		});
		return ready;
	}

	query<Row>(sql: string, params?: unknown[]): Promise<Result<Row>> {
		return this.#call({ op: 'query', sql, params }) as Promise<Result<Row>>;
	}

	async exec(sql: string): Promise<void> {
		await this.#call({ op: 'exec', sql });
	}

	batch(statements: Statement[]): Promise<Result[]> {
		return this.#call({ op: 'batch', statements }) as Promise<Result[]>;
	}

	async dumpDataDir(): Promise<Blob> {
		return new Blob([(await this.#call({ op: 'dump' })) as ArrayBuffer]);
	}

	async close(): Promise<void> {
		await this.#call({ op: 'close' });
		this.#watchdog.stop();
		await this.#worker.terminate();
	}

	#call(request: Request): Promise<unknown> {
		if (this.#gone) return Promise.reject(this.#gone);
		const id = this.#next++;
		return new Promise((resolve, reject) => {
			this.#pending.set(id, { resolve, reject });
			if (this.#pending.size === 1) this.#worker.ref();
			this.#watchdog.begin();
			this.#worker.postMessage({ ...request, id } as Call);
		});
	}

	private settle(reply: Reply) {
		const pending = this.#pending.get(reply.id);
		if (!pending) return;
		this.#pending.delete(reply.id);
		this.#watchdog.end();
		if (this.#pending.size === 0) this.#worker.unref();
		if (reply.type === 'result') pending.resolve(reply.value);
		else pending.reject(toError(reply.error));
	}

	private lose(e: Error) {
		this.#gone ??= e;
		this.#watchdog.stop();
		for (const { reject } of this.#pending.values()) reject(e);
		this.#pending.clear();
	}
}

/** The error as the worker saw it: a DbError for the server's, a plain Error for the rest. */
function toError(fields: Record<string, unknown>): Error {
	const { message, stack, code } = fields as { message: string; stack?: string; code?: string };
	const error =
		typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)
			? new DbError(fields as ConstructorParameters<typeof DbError>[0])
			: new Error(message);
	if (stack) error.stack = stack;
	return error;
}
