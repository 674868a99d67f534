/**
 * The worker thread that owns the PGlite instance (pglite-thread.ts starts it). PGlite works
 * synchronously: on the main thread a long statement would stop every socket, timer and health
 * check of the server, and nothing could cancel it. Here it stops only this thread, and its memory
 * is shared, so the main thread can interrupt it as a signal would (statement-timeout.ts).
 *
 * Calls arrive one at a time from the main thread's queue and are answered in order; notifications
 * are posted as they happen, so they arrive before the answer of the call that committed them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Results } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import { normalizeError } from './errors.ts';
import { runPipeline, textParams } from './pglite-pipeline.ts';
import { PreparedStatements } from './prepared.ts';
import { shareMemoryImport } from './shared-memory.ts';
import {
	CallGuard,
	locateStatementTimeout,
	PROBE_SQL,
	type InterruptTargets
} from './statement-timeout.ts';
import type { Call, Reply, WorkerData, WorkerReady } from './pglite-thread.ts';
import type { Result } from './types.ts';

const data = workerData as WorkerData;
const port = parentPort!;

/**
 * Every memory made on this thread is PGlite's, so every one is created shared, and every module
 * that imports one (pglite.wasm, passed in already patched, and the extensions' side modules that
 * Postgres loads with dlopen) gets its import declared shared. Only this thread's globals change,
 * before PGlite.create, which is when PGlite and Emscripten look them up.
 */
const { Memory, Module, instantiate } = WebAssembly;
WebAssembly.Memory = new Proxy(Memory, {
	construct: (target, [descriptor]: [WebAssembly.MemoryDescriptor]) =>
		new target({ ...descriptor, shared: true, maximum: descriptor.maximum ?? 32768 })
});
WebAssembly.Module = new Proxy(Module, {
	construct: (target, [bytes]: [BufferSource]) => new target(shareMemoryImport(asBytes(bytes)))
});
WebAssembly.instantiate = ((
	source: BufferSource | WebAssembly.Module,
	imports?: WebAssembly.Imports
) =>
	source instanceof Module
		? instantiate(source, imports)
		: instantiate(shareMemoryImport(asBytes(source)), imports)) as typeof WebAssembly.instantiate;

function asBytes(source: BufferSource): Uint8Array<ArrayBuffer> {
	if (source instanceof Uint8Array) return source as Uint8Array<ArrayBuffer>;
	if (ArrayBuffer.isView(source)) {
		return new Uint8Array(source.buffer as ArrayBuffer, source.byteOffset, source.byteLength);
	}
	return new Uint8Array(source);
}

/** What PGlite keeps on the instance (`mod`, the Emscripten module) and does not type. */
interface EmscriptenModule {
	HEAPU8: Uint8Array;
	_InterruptPending: number;
	_QueryCancelPending: number;
	_MyLatch: number;
}

/**
 * Postgres' static variables lie below this (all_timeouts sits near 2.9 MB in PGlite 0.5.16, beside
 * the exported InterruptPending); the heap above it is never searched.
 */
const STATIC_DATA_END = 16 * 1024 * 1024;

let pg: PGlite;
let targets: InterruptTargets;
try {
	pg = await PGlite.create({
		dataDir: data.dataDir,
		loadDataDir: data.loadDataDir ? new Blob([data.loadDataDir]) : undefined,
		pgliteWasmModule: data.wasmModule,
		// Hosted Supabase has these; migrations may `create extension … with schema extensions`.
		extensions: { uuid_ossp, pgcrypto }
	});
	// PGlite drops its server log unless created with `debug`, but Postgres still formats every
	// line (each failed statement with its full text), one character at a time through JS: a third
	// of what a refused booking costs. Clients still get their notices (client_min_messages).
	await pg.exec('set log_min_messages = fatal; set log_min_error_statement = panic');
	const mod = (pg as unknown as { mod: EmscriptenModule }).mod;
	const memory = mod.HEAPU8.buffer;
	if (!(memory instanceof SharedArrayBuffer)) throw new Error('PGlite: its memory is not shared');
	await pg.exec(PROBE_SQL);
	targets = {
		interruptPending: mod._InterruptPending,
		queryCancelPending: mod._QueryCancelPending,
		statementTimeout: locateStatementTimeout(memory, STATIC_DATA_END),
		myLatch: mod._MyLatch
	};
	const ready: WorkerReady = { type: 'ready', memory, targets };
	port.postMessage(ready);
} catch (e) {
	port.postMessage({ type: 'failed', error: errorFields(e) });
	throw e;
}

const guard = new CallGuard(
	new Int32Array(data.control),
	() => (pg as unknown as { mod: EmscriptenModule }).mod.HEAPU8.buffer,
	targets
);
pg.onNotification((channel, payload) =>
	port.postMessage({ type: 'notification', channel, payload })
);

const run = serve(pg);
port.on('message', async (call: Call) => {
	let reply: Reply;
	try {
		const { value, transfer } = await guard.run(() => run(call));
		reply = { type: 'result', id: call.id, value };
		port.postMessage(reply, transfer);
	} catch (e) {
		reply = { type: 'error', id: call.id, error: errorFields(e) };
		port.postMessage(reply);
	}
	if (call.op === 'close') port.close();
});

/** Runs one call on the connection; what it answers, with the buffers to move rather than copy. */
function serve(pg: PGlite) {
	const prepared = new PreparedStatements();
	const viaPglite = async (sql: string, params?: unknown[]): Promise<Result> =>
		toResult(await pg.query(sql, params));
	return async (call: Call): Promise<{ value?: unknown; transfer?: ArrayBuffer[] }> => {
		switch (call.op) {
			case 'query': {
				const statement = { sql: call.sql, params: call.params };
				if (!textParams([statement])) return { value: await viaPglite(call.sql, call.params) };
				return { value: (await runPipeline(pg, [statement], prepared))[0] };
			}
			case 'exec':
				await pg.exec(call.sql);
				return {};
			case 'batch': {
				if (textParams(call.statements)) {
					return { value: await runPipeline(pg, call.statements, prepared) };
				}
				// PGlite's own conversion of other parameters means a statement at a time.
				const results: Result[] = [];
				for (const s of call.statements) results.push(await viaPglite(s.sql, s.params));
				return { value: results };
			}
			case 'dump': {
				const tarball = await (await pg.dumpDataDir('none')).arrayBuffer();
				return { value: tarball, transfer: [tarball] };
			}
			case 'close':
				await pg.close();
				return {};
		}
	};
}

function toResult(r: Results): Result {
	return {
		rows: r.rows,
		fields: r.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
		rowCount: r.affectedRows || r.rows.length
	};
}

/** A server error's fields (code, detail, constraint…), or a plain error's message. */
function errorFields(e: unknown): Record<string, unknown> {
	const error = normalizeError(e);
	if (!(error instanceof Error)) return { message: String(error) };
	const fields: Record<string, unknown> = { message: error.message, stack: error.stack };
	for (const [key, value] of Object.entries(error)) {
		if (typeof value === 'string') fields[key] = value;
	}
	return fields;
}
