import * as v from 'valibot';
import { formatPrice, formatSeat, formatSeats, type SeatPlace } from './format.ts';

/** The `seat_map` RPC's columnar JSON: one array per column, all the same length, ordered by id. */
export const SeatMapColumns = v.pipe(
	v.object({
		id: v.array(v.number()),
		section: v.array(v.string()),
		row_label: v.array(v.string()),
		number: v.array(v.number()),
		x: v.array(v.number()),
		y: v.array(v.number()),
		category: v.array(v.string()),
		price_cents: v.array(v.number()),
		accessibility: v.array(v.nullable(v.picklist(['wheelchair', 'companion']))),
		restricted_view: v.array(v.boolean())
	}),
	v.check(
		(c) =>
			[
				c.section,
				c.row_label,
				c.number,
				c.x,
				c.y,
				c.category,
				c.price_cents,
				c.accessibility,
				c.restricted_view
			].every((column) => column.length === c.id.length),
		'seat_map columns differ in length'
	)
);
export type SeatMapColumns = v.InferOutput<typeof SeatMapColumns>;

/** A wheelchair space, a companion seat beside one, or (null) an ordinary seat. */
export type Accessibility = SeatMapColumns['accessibility'][number];

export interface Category {
	name: string;
	colour: string;
	minPrice: number;
	maxPrice: number;
	count: number;
}

export interface Bounds {
	minX: number;
	minY: number;
	maxX: number;
	maxY: number;
}

// Distinct in hue and lightness, so categories stay apart for most colour-vision types.
const CATEGORY_COLOURS = ['#2563eb', '#c2410c', '#7c3aed', '#0f766e', '#be185d', '#4d7c0f'];

/**
 * An event's seats in struct-of-arrays form (50,000 seats stay a few typed arrays), plus a uniform
 * grid for hit-testing and for repainting one seat's neighbourhood.
 */
export class SeatLayout {
	readonly size: number;
	readonly ids: Float64Array;
	readonly x: Float32Array;
	readonly y: Float32Array;
	readonly number: Int32Array;
	readonly priceCents: Int32Array;
	readonly sectionOf: Uint16Array;
	readonly rowLabel: string[];
	readonly categoryOf: Uint16Array;
	/** By seat index: a wheelchair space, a companion seat beside one, or null. */
	readonly accessibility: Accessibility[];
	/** By seat index: part of the stage is hidden from the seat. */
	readonly restrictedView: boolean[];
	readonly sections: string[];
	readonly categories: Category[];
	readonly bounds: Bounds;
	/** Each section's extent (seat centres), by section index. */
	readonly sectionBoxes: Bounds[];
	/** Each section's lowest and highest price, by section index. */
	readonly sectionPrices: { min: number; max: number }[];
	/** Every row's first and last seat (lowest and highest x): where its labels go. */
	readonly rowEnds: { first: number; last: number }[];
	/** Typical distance between neighbouring seats, in map units. */
	readonly pitch: number;
	readonly #indexById = new Map<number, number>();
	readonly #cellSize: number;
	readonly #cols: number;
	readonly #rows: number;
	readonly #cellStart: Int32Array;
	readonly #cellItems: Int32Array;

	constructor(columns: SeatMapColumns) {
		const n = columns.id.length;
		this.size = n;
		this.ids = Float64Array.from(columns.id);
		this.x = Float32Array.from(columns.x);
		this.y = Float32Array.from(columns.y);
		this.number = Int32Array.from(columns.number);
		this.priceCents = Int32Array.from(columns.price_cents);
		this.rowLabel = columns.row_label;
		this.accessibility = columns.accessibility;
		this.restrictedView = columns.restricted_view;
		this.sectionOf = new Uint16Array(n);
		this.categoryOf = new Uint16Array(n);

		const sectionIndex = new Map<string, number>();
		const categoryIndex = new Map<string, number>();
		this.sections = [];
		this.categories = [];
		this.sectionBoxes = [];
		this.sectionPrices = [];
		let minX = Infinity,
			minY = Infinity,
			maxX = -Infinity,
			maxY = -Infinity;
		for (let i = 0; i < n; i++) {
			this.#indexById.set(columns.id[i], i);
			let s = sectionIndex.get(columns.section[i]);
			if (s === undefined) {
				s = this.sections.push(columns.section[i]) - 1;
				sectionIndex.set(columns.section[i], s);
				this.sectionBoxes.push({
					minX: Infinity,
					minY: Infinity,
					maxX: -Infinity,
					maxY: -Infinity
				});
				this.sectionPrices.push({ min: Infinity, max: -Infinity });
			}
			this.sectionOf[i] = s;
			const box = this.sectionBoxes[s];
			box.minX = Math.min(box.minX, this.x[i]);
			box.maxX = Math.max(box.maxX, this.x[i]);
			box.minY = Math.min(box.minY, this.y[i]);
			box.maxY = Math.max(box.maxY, this.y[i]);
			const price = columns.price_cents[i];
			const range = this.sectionPrices[s];
			range.min = Math.min(range.min, price);
			range.max = Math.max(range.max, price);
			let c = categoryIndex.get(columns.category[i]);
			if (c === undefined) {
				c = this.categories.length;
				this.categories.push({
					name: columns.category[i],
					colour: CATEGORY_COLOURS[c % CATEGORY_COLOURS.length],
					minPrice: price,
					maxPrice: price,
					count: 0
				});
				categoryIndex.set(columns.category[i], c);
			}
			const category = this.categories[c];
			category.minPrice = Math.min(category.minPrice, price);
			category.maxPrice = Math.max(category.maxPrice, price);
			category.count++;
			this.categoryOf[i] = c;
			minX = Math.min(minX, this.x[i]);
			maxX = Math.max(maxX, this.x[i]);
			minY = Math.min(minY, this.y[i]);
			maxY = Math.max(maxY, this.y[i]);
		}
		this.bounds = n ? { minX, minY, maxX, maxY } : { minX: 0, minY: 0, maxX: 1, maxY: 1 };
		this.pitch = estimatePitch(this);
		this.rowEnds = findRowEnds(this);

		this.#cellSize = this.pitch * 2;
		this.#cols = Math.max(1, Math.ceil((this.bounds.maxX - this.bounds.minX) / this.#cellSize) + 1);
		this.#rows = Math.max(1, Math.ceil((this.bounds.maxY - this.bounds.minY) / this.#cellSize) + 1);
		const cellOf = new Int32Array(n);
		const counts = new Int32Array(this.#cols * this.#rows + 1);
		for (let i = 0; i < n; i++) {
			cellOf[i] = this.#cell(this.x[i], this.y[i]);
			counts[cellOf[i] + 1]++;
		}
		for (let c = 1; c < counts.length; c++) counts[c] += counts[c - 1];
		this.#cellStart = counts;
		this.#cellItems = new Int32Array(n);
		const fill = counts.slice(0, -1);
		for (let i = 0; i < n; i++) this.#cellItems[fill[cellOf[i]]++] = i;
	}

	static parse(json: unknown): SeatLayout {
		return new SeatLayout(v.parse(SeatMapColumns, json));
	}

	indexOf(seatId: number): number {
		return this.#indexById.get(seatId) ?? -1;
	}

	section(i: number): string {
		return this.sections[this.sectionOf[i]];
	}

	category(i: number): Category {
		return this.categories[this.categoryOf[i]];
	}

	place(i: number): SeatPlace {
		return { section: this.section(i), row: this.rowLabel[i], number: this.number[i] };
	}

	/** "Floor · Row F · Seat 6" (see formatSeat). */
	seatName(i: number): string {
		return formatSeat(this.place(i));
	}

	/** Several seats as one name: "Floor · Row F · Seats 5–8; Balcony · Row A · Seat 2". */
	describeSeats(seats: number[]): string {
		return formatSeats(seats.map((i) => this.place(i)));
	}

	priceText(i: number): string {
		return formatPrice(this.priceCents[i]);
	}

	/** Calls `visit` for every seat whose position lies inside the rectangle (map units). */
	query(minX: number, minY: number, maxX: number, maxY: number, visit: (i: number) => void): void {
		const b = this.bounds;
		const c0 = clamp(Math.floor((minX - b.minX) / this.#cellSize), 0, this.#cols - 1);
		const c1 = clamp(Math.floor((maxX - b.minX) / this.#cellSize), 0, this.#cols - 1);
		const r0 = clamp(Math.floor((minY - b.minY) / this.#cellSize), 0, this.#rows - 1);
		const r1 = clamp(Math.floor((maxY - b.minY) / this.#cellSize), 0, this.#rows - 1);
		for (let r = r0; r <= r1; r++) {
			for (let c = c0; c <= c1; c++) {
				const cell = r * this.#cols + c;
				for (let k = this.#cellStart[cell]; k < this.#cellStart[cell + 1]; k++) {
					const i = this.#cellItems[k];
					if (this.x[i] >= minX && this.x[i] <= maxX && this.y[i] >= minY && this.y[i] <= maxY)
						visit(i);
				}
			}
		}
	}

	/** The seat nearest to a point, if one lies within `radius`; else -1. */
	nearest(x: number, y: number, radius: number): number {
		let best = -1;
		let bestD = radius * radius;
		this.query(x - radius, y - radius, x + radius, y + radius, (i) => {
			const d = (this.x[i] - x) ** 2 + (this.y[i] - y) ** 2;
			if (d <= bestD) {
				bestD = d;
				best = i;
			}
		});
		return best;
	}

	#cell(x: number, y: number): number {
		const c = Math.floor((x - this.bounds.minX) / this.#cellSize);
		const r = Math.floor((y - this.bounds.minY) / this.#cellSize);
		return clamp(r, 0, this.#rows - 1) * this.#cols + clamp(c, 0, this.#cols - 1);
	}
}

function findRowEnds(layout: SeatLayout): { first: number; last: number }[] {
	const rows = new Map<string, { first: number; last: number }>();
	for (let i = 0; i < layout.size; i++) {
		const key = `${layout.sectionOf[i]}\u0000${layout.rowLabel[i]}`;
		const row = rows.get(key);
		if (!row) rows.set(key, { first: i, last: i });
		else {
			if (layout.x[i] < layout.x[row.first]) row.first = i;
			if (layout.x[i] > layout.x[row.last]) row.last = i;
		}
	}
	return [...rows.values()];
}

function clamp(value: number, min: number, max: number): number {
	return value < min ? min : value > max ? max : value;
}

/** Median gap between neighbours in a row: robust against aisles and odd rows. */
function estimatePitch(layout: SeatLayout): number {
	const { size, x, sectionOf, rowLabel } = layout;
	if (size < 2) return 1;
	const order = Array.from({ length: size }, (_, i) => i);
	order.sort(
		(a, b) =>
			sectionOf[a] - sectionOf[b] ||
			(rowLabel[a] < rowLabel[b] ? -1 : rowLabel[a] > rowLabel[b] ? 1 : 0) ||
			x[a] - x[b]
	);
	const gaps: number[] = [];
	for (let k = 1; k < size; k++) {
		const a = order[k - 1];
		const b = order[k];
		if (sectionOf[a] !== sectionOf[b] || rowLabel[a] !== rowLabel[b]) continue;
		const gap = Math.hypot(layout.x[b] - layout.x[a], layout.y[b] - layout.y[a]);
		if (gap > 0) gaps.push(gap);
	}
	if (!gaps.length) {
		const b = layout.bounds;
		return Math.max(1e-3, Math.sqrt(((b.maxX - b.minX) * (b.maxY - b.minY)) / size));
	}
	gaps.sort((a, b) => a - b);
	return gaps[gaps.length >> 1];
}
