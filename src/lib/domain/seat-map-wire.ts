import type { Accessibility, SeatMapColumns } from './seat-layout.ts';

type RunColumn = keyof typeof RUN_VALUES;
type RunValue<C extends RunColumn> = (typeof RUN_VALUES)[C][0] extends (v: unknown) => v is infer T
	? T
	: never;

const isString = (v: unknown): v is string => typeof v === 'string';
const RUN_VALUES = {
	section: [isString, 'a string'],
	row_label: [isString, 'a string'],
	category: [isString, 'a string'],
	price_cents: [(v: unknown): v is number => Number.isInteger(v), 'an integer'],
	accessibility: [
		(v: unknown): v is Accessibility => v === null || v === 'wheelchair' || v === 'companion',
		'one of null, wheelchair, companion'
	],
	restricted_view: [(v: unknown): v is boolean => typeof v === 'boolean', 'a boolean']
} as const;

class WireError extends Error {
	constructor(message: string) {
		super(`seat_map: ${message}`);
	}
}

/**
 * The `seat_map` RPC's answer, every column in seat id order and compact (a stadium's is 0.53 MB
 * of JSON, where one entry per seat per column was 3.65 MB):
 * - `id`, `number`: steps, `[first, count, …]`: `count` values from `first`, one apart.
 * - `section`, `row_label`, `category`, `price_cents`, `accessibility`, `restricted_view`: runs,
 *   `{ values, runs: [value index, count, …] }`.
 * - `x`, `y`: hundredths of a map unit, each seat's as the difference from the seat before.
 * Decoded in plain loops straight into typed arrays, each part checked as it is read: a schema
 * library's per-element checks would cost more than the decoding.
 *
 * Throws a message naming the first bad part.
 */
export function decodeSeatMap(json: unknown): SeatMapColumns {
	if (typeof json !== 'object' || json === null || Array.isArray(json))
		throw new WireError('expected an object of columns');
	const record = json as Record<string, unknown>;
	const id = steps(record, 'id', Float64Array, -1);
	const n = id.length;
	return {
		id,
		section: runs(record, 'section', n),
		row_label: runs(record, 'row_label', n),
		number: steps(record, 'number', Int32Array, n),
		x: deltas(record, 'x', n),
		y: deltas(record, 'y', n),
		category: runs(record, 'category', n),
		price_cents: runs(record, 'price_cents', n, new Int32Array(n)),
		accessibility: runs(record, 'accessibility', n),
		restricted_view: runs(record, 'restricted_view', n)
	};
}

function array(record: Record<string, unknown>, name: string): unknown[] {
	const value = record[name];
	if (!Array.isArray(value)) throw new WireError(`column ${name} is not an array`);
	return value;
}

/** Pairs of integers whose second is a positive count; their counts' total. */
function pairs(values: unknown[], what: string): number {
	if (values.length % 2) throw new WireError(`${what} has an odd length`);
	let total = 0;
	for (let k = 0; k < values.length; k += 2) {
		const count = values[k + 1];
		if (!Number.isInteger(values[k])) throw new WireError(`${what}[${k}] is not an integer`);
		if (!Number.isInteger(count) || (count as number) < 1)
			throw new WireError(`${what}[${k + 1}] is not a count`);
		total += count as number;
	}
	return total;
}

function counted(name: string, total: number, n: number): void {
	if (n >= 0 && total !== n) throw new WireError(`column ${name} has ${total} seats, id has ${n}`);
}

/** A steps column (`n` < 0: whatever its length, as for `id`, which sets it). */
function steps<T extends Float64Array | Int32Array>(
	record: Record<string, unknown>,
	name: 'id' | 'number',
	Out: new (n: number) => T,
	n: number
): T {
	const values = array(record, name) as number[];
	const total = pairs(values, `column ${name}`);
	counted(name, total, n);
	const out = new Out(total);
	let i = 0;
	for (let k = 0; k < values.length; k += 2)
		for (let v = values[k], end = i + values[k + 1]; i < end; i++, v++) out[i] = v;
	return out;
}

/** A runs column, into `out` if given (a typed array for numbers). */
function runs<C extends RunColumn, Out = RunValue<C>[]>(
	record: Record<string, unknown>,
	name: C,
	n: number,
	out?: Out
): Out {
	const column = record[name] as { values?: unknown; runs?: unknown } | null;
	if (typeof column !== 'object' || column === null || !Array.isArray(column.values))
		throw new WireError(`column ${name} has no values`);
	if (!Array.isArray(column.runs)) throw new WireError(`column ${name} has no runs`);
	const { values, runs } = column as { values: unknown[]; runs: number[] };
	const [isValue, expected] = RUN_VALUES[name];
	values.forEach((v, k) => {
		if (!isValue(v)) throw new WireError(`column ${name} value ${k} is not ${expected}`);
	});
	counted(name, pairs(runs, `column ${name} runs`), n);
	// A run is filled natively: a first view waits for this, run once and cold, where a loop over
	// every seat in script costs several times as much.
	const into = (out ?? new Array(n)) as { fill(v: unknown, start: number, end: number): void };
	let i = 0;
	for (let k = 0; k < runs.length; k += 2) {
		if (runs[k] < 0 || runs[k] >= values.length)
			throw new WireError(`column ${name} runs[${k}] is no value's index`);
		into.fill(values[runs[k]], i, (i += runs[k + 1]));
	}
	return into as Out;
}

function deltas(record: Record<string, unknown>, name: 'x' | 'y', n: number): Float32Array {
	const values = array(record, name);
	if (values.length !== n)
		throw new WireError(`column ${name} has ${values.length} seats, id has ${n}`);
	const out = new Float32Array(n);
	let at = 0;
	for (let i = 0; i < n; i++) {
		const d = values[i];
		if (!Number.isInteger(d)) throw new WireError(`column ${name}[${i}] is not an integer`);
		at += d as number;
		out[i] = at / 100;
	}
	return out;
}
