/**
 * The figures every workload reports. Latencies are kept exactly where they fit in one process and
 * as a log histogram (1 % buckets) where they come from several processes and must be merged.
 */

export interface Summary {
	n: number;
	min: number;
	median: number;
	p95: number;
	p99: number;
	max: number;
	mean: number;
}

/** Nearest-rank percentile of an ascending array. */
function rank(sorted: ArrayLike<number>, p: number): number {
	if (sorted.length === 0) return NaN;
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[i];
}

export function summarize(values: Iterable<number>): Summary {
	const sorted = Float64Array.from(values).sort();
	let sum = 0;
	for (const v of sorted) sum += v;
	return {
		n: sorted.length,
		min: sorted.length ? sorted[0] : NaN,
		median: rank(sorted, 50),
		p95: rank(sorted, 95),
		p99: rank(sorted, 99),
		max: sorted.length ? sorted[sorted.length - 1] : NaN,
		mean: sorted.length ? sum / sorted.length : NaN
	};
}

/** Per second, from a count and a wall time in milliseconds. */
export const perSecond = (count: number, ms: number) => (ms > 0 ? (count * 1000) / ms : NaN);

const GROWTH = Math.log(1.01);
const FLOOR = 0.01; // ms; anything faster lands in bucket 0

/**
 * A mergeable latency histogram: bucket i holds values in [FLOOR·1.01^i, FLOOR·1.01^(i+1)), so a
 * percentile read from it is within 1 % of the exact one. Serializes to a plain object for IPC.
 */
export class Histogram {
	counts = new Map<number, number>();
	n = 0;
	sum = 0;
	min = Infinity;
	max = -Infinity;

	record(ms: number): void {
		const v = Math.max(ms, 0);
		const i = v <= FLOOR ? 0 : Math.floor(Math.log(v / FLOOR) / GROWTH) + 1;
		this.counts.set(i, (this.counts.get(i) ?? 0) + 1);
		this.n++;
		this.sum += v;
		if (v < this.min) this.min = v;
		if (v > this.max) this.max = v;
	}

	merge(other: HistogramData): void {
		for (const [i, c] of other.counts) this.counts.set(i, (this.counts.get(i) ?? 0) + c);
		this.n += other.n;
		this.sum += other.sum;
		if (other.n) {
			this.min = Math.min(this.min, other.min);
			this.max = Math.max(this.max, other.max);
		}
	}

	percentile(p: number): number {
		if (!this.n) return NaN;
		const target = Math.max(1, Math.ceil((p / 100) * this.n));
		let seen = 0;
		for (const i of [...this.counts.keys()].sort((a, b) => a - b)) {
			seen += this.counts.get(i)!;
			// the bucket's upper edge, clamped to what was really seen
			if (seen >= target) return i === 0 ? FLOOR : Math.min(this.max, FLOOR * Math.exp(GROWTH * i));
		}
		return this.max;
	}

	summary(): Summary {
		return {
			n: this.n,
			min: this.n ? this.min : NaN,
			median: this.percentile(50),
			p95: this.percentile(95),
			p99: this.percentile(99),
			max: this.n ? this.max : NaN,
			mean: this.n ? this.sum / this.n : NaN
		};
	}

	toJSON(): HistogramData {
		return { counts: [...this.counts], n: this.n, sum: this.sum, min: this.min, max: this.max };
	}
}

export interface HistogramData {
	counts: [number, number][];
	n: number;
	sum: number;
	min: number;
	max: number;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across local processes. */
export const nowMs = () => performance.timeOrigin + performance.now();

/** `2026-11-24T12:00:00.123456+00:00` (Postgres timestamptz) to epoch ms, keeping microseconds. */
export function timestamptzMs(text: string): number {
	const m = /^(.*?\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(text.replace(' ', 'T'));
	if (!m) return Date.parse(text);
	const base = Date.parse(m[1] + (m[3] || 'Z').replace(/^([+-]\d\d)$/, '$1:00'));
	return base + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
}
