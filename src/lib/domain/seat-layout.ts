import { formatPrice, formatSeat, formatSeats, type SeatPlace } from './format.ts';

/**
 * The `seat_map` RPC's columnar JSON: one array per column, all the same length, ordered by id.
 * Checked column by column in plain loops straight into typed arrays: a schema library's
 * per-element checks cost more than the rest of the decoding together at 50,000 seats.
 */
const NUMBER_COLUMNS = ['id', 'number', 'x', 'y', 'price_cents'] as const;
const STRING_COLUMNS = ['section', 'row_label', 'category'] as const;

const ACCESSIBILITY = [null, 'wheelchair', 'companion'] as const;

/** A wheelchair space, a companion seat beside one, or (null) an ordinary seat. */
export type Accessibility = (typeof ACCESSIBILITY)[number];

export type SeatMapColumns = Record<(typeof NUMBER_COLUMNS)[number], ArrayLike<number>> &
	Record<(typeof STRING_COLUMNS)[number], string[]> & {
		accessibility: Accessibility[];
		restricted_view: boolean[];
	};

/** Checks the shape of a `seat_map` answer; throws a message naming the first bad column. */
export function parseSeatMapColumns(json: unknown): SeatMapColumns {
	if (typeof json !== 'object' || json === null || Array.isArray(json))
		throw new Error('seat_map: expected an object of columns');
	const record = json as Record<string, unknown>;
	const id = record.id;
	if (!Array.isArray(id)) throw new Error('seat_map: column id is not an array');
	const n = id.length;
	const column = (name: string): unknown[] => {
		const value = record[name];
		if (!Array.isArray(value)) throw new Error(`seat_map: column ${name} is not an array`);
		if (value.length !== n) throw new Error('seat_map columns differ in length');
		return value;
	};
	for (const name of NUMBER_COLUMNS) {
		const values = column(name);
		for (let i = 0; i < n; i++)
			if (typeof values[i] !== 'number')
				throw new Error(`seat_map: column ${name}[${i}] is not a number`);
	}
	for (const name of STRING_COLUMNS) {
		const values = column(name);
		for (let i = 0; i < n; i++)
			if (typeof values[i] !== 'string')
				throw new Error(`seat_map: column ${name}[${i}] is not a string`);
	}
	const accessibility = column('accessibility');
	for (let i = 0; i < n; i++)
		if (!ACCESSIBILITY.includes(accessibility[i] as Accessibility))
			throw new Error(
				`seat_map: column accessibility[${i}] is not one of ${ACCESSIBILITY.join(', ')}`
			);
	const restricted = column('restricted_view');
	for (let i = 0; i < n; i++)
		if (typeof restricted[i] !== 'boolean')
			throw new Error(`seat_map: column restricted_view[${i}] is not a boolean`);
	return record as unknown as SeatMapColumns;
}

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
	/** Row of each seat (index into `rowEnds`): a section and a row label. */
	readonly rowOf: Int32Array;
	/** Seat id → index: a dense table when ids are nearly consecutive (they are), else a map. */
	readonly #idBase: number;
	readonly #idTable: Int32Array | null;
	readonly #idMap: Map<number, number> | null;
	readonly #cellSize: number;
	readonly #cols: number;
	readonly #rows: number;
	readonly #cellStart: Int32Array;
	readonly #cellItems: Int32Array;

	constructor(columns: SeatMapColumns) {
		const n = columns.id.length;
		this.size = n;
		// `new` copies an array directly; `from` would go through its iterator.
		this.ids = new Float64Array(columns.id);
		this.x = new Float32Array(columns.x);
		this.y = new Float32Array(columns.y);
		this.number = new Int32Array(columns.number);
		this.priceCents = new Int32Array(columns.price_cents);
		this.rowLabel = columns.row_label;
		this.accessibility = columns.accessibility;
		this.restrictedView = columns.restricted_view;
		this.sectionOf = new Uint16Array(n);
		this.categoryOf = new Uint16Array(n);
		this.rowOf = new Int32Array(n);
		const { x, y, ids, priceCents } = this;

		const sectionIndex = new Map<string, number>();
		const categoryIndex = new Map<string, number>();
		const rowIndex = new Map<string, number>();
		this.sections = [];
		this.categories = [];
		this.sectionBoxes = [];
		this.sectionPrices = [];
		this.rowEnds = [];
		let minX = Infinity,
			minY = Infinity,
			maxX = -Infinity,
			maxY = -Infinity,
			minId = Infinity,
			maxId = -Infinity;
		// Neighbouring seats share their section, row and category: the last lookup is reused.
		let lastSection = '',
			s = -1,
			lastCategory = '',
			c = -1,
			lastRow = '',
			row = -1;
		for (let i = 0; i < n; i++) {
			const sectionName = columns.section[i];
			if (s < 0 || sectionName !== lastSection) {
				lastSection = sectionName;
				lastRow = '';
				let found = sectionIndex.get(sectionName);
				if (found === undefined) {
					found = this.sections.push(sectionName) - 1;
					sectionIndex.set(sectionName, found);
					this.sectionBoxes.push({
						minX: Infinity,
						minY: Infinity,
						maxX: -Infinity,
						maxY: -Infinity
					});
					this.sectionPrices.push({ min: Infinity, max: -Infinity });
				}
				s = found;
			}
			this.sectionOf[i] = s;
			const rowName = this.rowLabel[i];
			if (row < 0 || rowName !== lastRow || lastRow === '') {
				lastRow = rowName;
				const key = `${s}\u0000${rowName}`;
				let found = rowIndex.get(key);
				if (found === undefined) {
					found = this.rowEnds.push({ first: i, last: i }) - 1;
					rowIndex.set(key, found);
				}
				row = found;
			}
			this.rowOf[i] = row;
			const ends = this.rowEnds[row];
			if (x[i] < x[ends.first]) ends.first = i;
			if (x[i] > x[ends.last]) ends.last = i;

			const xi = x[i],
				yi = y[i];
			const box = this.sectionBoxes[s];
			if (xi < box.minX) box.minX = xi;
			if (xi > box.maxX) box.maxX = xi;
			if (yi < box.minY) box.minY = yi;
			if (yi > box.maxY) box.maxY = yi;
			const price = priceCents[i];
			const range = this.sectionPrices[s];
			if (price < range.min) range.min = price;
			if (price > range.max) range.max = price;
			const categoryName = columns.category[i];
			if (c < 0 || categoryName !== lastCategory) {
				lastCategory = categoryName;
				let found = categoryIndex.get(categoryName);
				if (found === undefined) {
					found = this.categories.length;
					this.categories.push({
						name: categoryName,
						colour: CATEGORY_COLOURS[found % CATEGORY_COLOURS.length],
						minPrice: price,
						maxPrice: price,
						count: 0
					});
					categoryIndex.set(categoryName, found);
				}
				c = found;
			}
			const category = this.categories[c];
			if (price < category.minPrice) category.minPrice = price;
			if (price > category.maxPrice) category.maxPrice = price;
			category.count++;
			this.categoryOf[i] = c;
			if (xi < minX) minX = xi;
			if (xi > maxX) maxX = xi;
			if (yi < minY) minY = yi;
			if (yi > maxY) maxY = yi;
			if (ids[i] < minId) minId = ids[i];
			if (ids[i] > maxId) maxId = ids[i];
		}
		this.bounds = n ? { minX, minY, maxX, maxY } : { minX: 0, minY: 0, maxX: 1, maxY: 1 };
		this.#idBase = n ? minId : 0;
		const dense = n > 0 && Number.isInteger(minId) && maxId - minId < n * 4 + 64;
		this.#idTable = dense ? new Int32Array(maxId - minId + 1).fill(-1) : null;
		this.#idMap = dense ? null : new Map();
		for (let i = 0; i < n; i++) {
			if (this.#idTable && Number.isInteger(ids[i])) this.#idTable[ids[i] - minId] = i;
			else this.#idMap?.set(ids[i], i);
		}
		this.pitch = estimatePitch(this);

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
		return new SeatLayout(parseSeatMapColumns(json));
	}

	indexOf(seatId: number): number {
		if (!this.#idTable) return this.#idMap?.get(seatId) ?? -1;
		const k = seatId - this.#idBase;
		return k >= 0 && k < this.#idTable.length ? this.#idTable[k] : -1;
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

function clamp(value: number, min: number, max: number): number {
	return value < min ? min : value > max ? max : value;
}

/** Median gap between neighbours in a row: robust against aisles and odd rows. */
function estimatePitch(layout: SeatLayout): number {
	const { size, x, y, rowOf } = layout;
	if (size < 2) return 1;
	// Seats grouped by row (a counting sort), each row ordered by x.
	const rows = layout.rowEnds.length;
	const start = new Int32Array(rows + 1);
	for (let i = 0; i < size; i++) start[rowOf[i] + 1]++;
	for (let r = 1; r <= rows; r++) start[r] += start[r - 1];
	const order = new Int32Array(size);
	const fill = start.slice(0, -1);
	for (let i = 0; i < size; i++) order[fill[rowOf[i]]++] = i;
	// Every few rows' gaps are enough for a median, and keep the sort short at 100,000 seats.
	const every = Math.max(1, Math.floor(rows / 256));
	const gaps = new Float64Array(size);
	let count = 0;
	for (let r = 0; r < rows; r += every) {
		const seats = order.subarray(start[r], start[r + 1]);
		let sorted = true;
		for (let k = 1; k < seats.length && sorted; k++) sorted = x[seats[k - 1]] <= x[seats[k]];
		if (!sorted) seats.sort((a, b) => x[a] - x[b]);
		for (let k = 1; k < seats.length; k++) {
			const dx = x[seats[k]] - x[seats[k - 1]];
			const dy = y[seats[k]] - y[seats[k - 1]];
			const gap = Math.sqrt(dx * dx + dy * dy);
			if (gap > 0) gaps[count++] = gap;
		}
	}
	if (!count) {
		const b = layout.bounds;
		return Math.max(1e-3, Math.sqrt(((b.maxX - b.minX) * (b.maxY - b.minY)) / size));
	}
	const sorted = gaps.subarray(0, count).sort();
	return sorted[count >> 1];
}
