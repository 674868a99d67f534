/**
 * PGlite's WebAssembly memory made shareable between threads, so that the main thread can raise
 * Postgres' interrupt flags while the worker thread is busy inside a query (see
 * statement-timeout.ts). PGlite is built without threads: its module and its extensions import a
 * plain (unshared) memory, and a shared memory can only be imported where the import says
 * "shared". `shareMemoryImport` rewrites that one declaration (the limits' flags byte, plus a
 * maximum where the module declares none, which shared memories require); the code is unchanged,
 * and plain loads and stores behave the same on a shared memory.
 */

/** Wasm limits flags: bit 0 "has a maximum", bit 1 "shared". */
const HAS_MAX = 1;
const SHARED = 2;
/** 4 GiB in 64 KiB pages, the largest a 32-bit memory can be; PGlite's own memory stops at 2 GiB. */
const MAX_PAGES = 65536;
const IMPORT_SECTION = 2;
const KIND_FUNCTION = 0;
const KIND_TABLE = 1;
const KIND_MEMORY = 2;
const KIND_GLOBAL = 3;
const KIND_TAG = 4;

/**
 * The module with its imported memory declared shared; the bytes unchanged when it imports no
 * memory or already shares it. Throws on a memory it does not understand (64-bit memories).
 */
export function shareMemoryImport(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
	if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
		throw new Error('not a WebAssembly module');
	}
	let at = 8;
	while (at < bytes.length) {
		const sectionStart = at;
		const id = bytes[at++];
		const [size, bodyStart] = leb(bytes, at);
		const end = bodyStart + size;
		if (id === IMPORT_SECTION) {
			return shareInSection(bytes, sectionStart, bodyStart, end);
		}
		at = end;
	}
	return bytes;
}

function shareInSection(
	bytes: Uint8Array<ArrayBuffer>,
	sectionStart: number,
	bodyStart: number,
	end: number
): Uint8Array<ArrayBuffer> {
	let [count, at] = leb(bytes, bodyStart);
	for (; count > 0; count--) {
		for (let name = 0; name < 2; name++) {
			const [length, next] = leb(bytes, at);
			at = next + length;
		}
		const kind = bytes[at++];
		if (kind === KIND_FUNCTION) {
			at = leb(bytes, at)[1];
		} else if (kind === KIND_TABLE) {
			at = skipLimits(bytes, at + 1);
		} else if (kind === KIND_GLOBAL) {
			at += 2;
		} else if (kind === KIND_TAG) {
			at = leb(bytes, at + 1)[1];
		} else if (kind === KIND_MEMORY) {
			const flags = bytes[at];
			if (flags & SHARED) return bytes;
			if (flags === HAS_MAX) {
				const patched = bytes.slice();
				patched[at] = HAS_MAX | SHARED;
				return patched;
			}
			if (flags !== 0) throw new Error(`unsupported memory limits (flags ${flags})`);
			// No maximum: the declaration grows by the maximum's bytes, and so does the section.
			const [minimum, afterLimits] = leb(bytes, at + 1);
			const limits = [HAS_MAX | SHARED, ...lebBytes(minimum), ...lebBytes(MAX_PAGES)];
			const body = concat([
				bytes.subarray(bodyStart, at),
				limits,
				bytes.subarray(afterLimits, end)
			]);
			return concat([
				bytes.subarray(0, sectionStart),
				[IMPORT_SECTION, ...lebBytes(body.length)],
				body,
				bytes.subarray(end)
			]);
		} else {
			throw new Error(`unknown import kind ${kind}`);
		}
	}
	return bytes;
}

function skipLimits(bytes: Uint8Array, at: number): number {
	const flags = bytes[at];
	at = leb(bytes, at + 1)[1];
	return flags & HAS_MAX ? leb(bytes, at)[1] : at;
}

/** An unsigned LEB128 at `at`: its value and the offset after it. */
function leb(bytes: Uint8Array, at: number): [number, number] {
	let value = 0;
	let shift = 0;
	let byte;
	do {
		byte = bytes[at++];
		value += (byte & 0x7f) * 2 ** shift;
		shift += 7;
	} while (byte & 0x80);
	return [value, at];
}

function lebBytes(value: number): number[] {
	const out: number[] = [];
	do {
		let byte = value & 0x7f;
		value = Math.floor(value / 128);
		if (value) byte |= 0x80;
		out.push(byte);
	} while (value);
	return out;
}

function concat(parts: ArrayLike<number>[]): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.length;
	}
	return out;
}
