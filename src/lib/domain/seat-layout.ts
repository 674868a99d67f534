import { formatPrice, formatSeat, formatSeats, type SeatPlace } from './format.ts';
import { decodeSeatMap } from './seat-map-wire.ts';

/** A wheelchair space, a companion seat beside one, or (null) an ordinary seat. */
export type Accessibility = null | 'wheelchair' | 'companion';

/** An event's seats, one entry per seat in each column, ordered by id. */
export type SeatMapColumns = Record<
	'id' | 'number' | 'x' | 'y' | 'price_cents',
	ArrayLike<number>
> &
	Record<'section' | 'row_label' | 'category', string[]> & {
		accessibility: Accessibility[];
		restricted_view: boolean[];
	};

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
		const ids = (this.ids = new Float64Array(columns.id));
		const x = (this.x = new Float32Array(columns.x));
		const y = (this.y = new Float32Array(columns.y));
		this.number = new Int32Array(columns.number);
		const priceCents = (this.priceCents = new Int32Array(columns.price_cents));
		this.rowLabel = columns.row_label;
		this.accessibility = columns.accessibility;
		this.restrictedView = columns.restricted_view;
		const sectionOf = (this.sectionOf = new Uint16Array(n));
		const categoryOf = (this.categoryOf = new Uint16Array(n));
		const rowOf = (this.rowOf = new Int32Array(n));
		const sectionNames = columns.section;
		const rowNames = columns.row_label;
		const categoryNames = columns.category;

		// One pass over the seats into typed arrays; the per-section, per-row and per-category
		// objects are made once at the end, not touched per seat.
		const sections: string[] = [];
		const categoryNamesSeen: string[] = [];
		const sectionIndex = new Map<string, number>();
		const categoryIndex = new Map<string, number>();
		const rowIndex = new Map<string, number>();
		// Per section: extent and prices; per category: prices and count; per row: its end seats.
		let sectionStats = new Float64Array(6 * 16);
		let categoryStats = new Float64Array(3 * 8);
		const rowFirst = new Int32Array(n);
		const rowLast = new Int32Array(n);
		let rows = 0;
		let minX = Infinity,
			minY = Infinity,
			maxX = -Infinity,
			maxY = -Infinity,
			minId = Infinity,
			maxId = -Infinity;
		// Neighbouring seats share their section, row and category: the last lookup is reused, and
		// the current one's figures are kept in locals, written back when the next one starts (a
		// first view waits for this loop, run once and cold: each array access in it counts).
		let lastSection = '',
			s = -1,
			lastCategory = '',
			c = -1,
			lastRow = '',
			row = -1;
		let boxMinX = 0,
			boxMinY = 0,
			boxMaxX = 0,
			boxMaxY = 0,
			sectionMin = 0,
			sectionMax = 0;
		let first = 0,
			last = 0,
			firstX = 0,
			lastX = 0;
		let categoryMin = 0,
			categoryMax = 0,
			categoryCount = 0;
		for (let i = 0; i < n; i++) {
			const xi = x[i],
				yi = y[i],
				price = priceCents[i];
			const sectionName = sectionNames[i];
			if (s < 0 || sectionName !== lastSection) {
				if (s >= 0) {
					const b = s * 6;
					sectionStats[b] = boxMinX;
					sectionStats[b + 1] = boxMinY;
					sectionStats[b + 2] = boxMaxX;
					sectionStats[b + 3] = boxMaxY;
					sectionStats[b + 4] = sectionMin;
					sectionStats[b + 5] = sectionMax;
				}
				lastSection = sectionName;
				lastRow = '';
				let found = sectionIndex.get(sectionName);
				if (found === undefined) {
					found = sections.push(sectionName) - 1;
					sectionIndex.set(sectionName, found);
					if (sectionStats.length < sections.length * 6) {
						const grown = new Float64Array(sectionStats.length * 2);
						grown.set(sectionStats);
						sectionStats = grown;
					}
					sectionStats.set(
						[Infinity, Infinity, -Infinity, -Infinity, Infinity, -Infinity],
						found * 6
					);
				}
				s = found;
				const b = s * 6;
				boxMinX = sectionStats[b];
				boxMinY = sectionStats[b + 1];
				boxMaxX = sectionStats[b + 2];
				boxMaxY = sectionStats[b + 3];
				sectionMin = sectionStats[b + 4];
				sectionMax = sectionStats[b + 5];
			}
			sectionOf[i] = s;
			if (xi < boxMinX) boxMinX = xi;
			if (yi < boxMinY) boxMinY = yi;
			if (xi > boxMaxX) boxMaxX = xi;
			if (yi > boxMaxY) boxMaxY = yi;
			if (price < sectionMin) sectionMin = price;
			if (price > sectionMax) sectionMax = price;

			const rowName = rowNames[i];
			if (row < 0 || rowName !== lastRow || lastRow === '') {
				if (row >= 0) {
					rowFirst[row] = first;
					rowLast[row] = last;
				}
				lastRow = rowName;
				const key = `${s}\u0000${rowName}`;
				let found = rowIndex.get(key);
				if (found === undefined) {
					found = rows++;
					rowFirst[found] = rowLast[found] = i;
					rowIndex.set(key, found);
				}
				row = found;
				first = rowFirst[row];
				last = rowLast[row];
				firstX = x[first];
				lastX = x[last];
			}
			rowOf[i] = row;
			if (xi < firstX) {
				first = i;
				firstX = xi;
			}
			if (xi > lastX) {
				last = i;
				lastX = xi;
			}

			const categoryName = categoryNames[i];
			if (c < 0 || categoryName !== lastCategory) {
				if (c >= 0) {
					categoryStats[c * 3] = categoryMin;
					categoryStats[c * 3 + 1] = categoryMax;
					categoryStats[c * 3 + 2] = categoryCount;
				}
				lastCategory = categoryName;
				let found = categoryIndex.get(categoryName);
				if (found === undefined) {
					found = categoryNamesSeen.push(categoryName) - 1;
					categoryIndex.set(categoryName, found);
					if (categoryStats.length < categoryNamesSeen.length * 3) {
						const grown = new Float64Array(categoryStats.length * 2);
						grown.set(categoryStats);
						categoryStats = grown;
					}
					categoryStats[found * 3] = price;
					categoryStats[found * 3 + 1] = price;
				}
				c = found;
				categoryMin = categoryStats[c * 3];
				categoryMax = categoryStats[c * 3 + 1];
				categoryCount = categoryStats[c * 3 + 2];
			}
			if (price < categoryMin) categoryMin = price;
			if (price > categoryMax) categoryMax = price;
			categoryCount++;
			categoryOf[i] = c;

			if (xi < minX) minX = xi;
			if (xi > maxX) maxX = xi;
			if (yi < minY) minY = yi;
			if (yi > maxY) maxY = yi;
			const id = ids[i];
			if (id < minId) minId = id;
			if (id > maxId) maxId = id;
		}
		if (s >= 0) {
			const b = s * 6;
			sectionStats[b] = boxMinX;
			sectionStats[b + 1] = boxMinY;
			sectionStats[b + 2] = boxMaxX;
			sectionStats[b + 3] = boxMaxY;
			sectionStats[b + 4] = sectionMin;
			sectionStats[b + 5] = sectionMax;
		}
		if (row >= 0) {
			rowFirst[row] = first;
			rowLast[row] = last;
		}
		if (c >= 0) {
			categoryStats[c * 3] = categoryMin;
			categoryStats[c * 3 + 1] = categoryMax;
			categoryStats[c * 3 + 2] = categoryCount;
		}
		this.sections = sections;
		this.sectionBoxes = [];
		this.sectionPrices = [];
		for (let t = 0; t < sections.length; t++) {
			const b = t * 6;
			this.sectionBoxes.push({
				minX: sectionStats[b],
				minY: sectionStats[b + 1],
				maxX: sectionStats[b + 2],
				maxY: sectionStats[b + 3]
			});
			this.sectionPrices.push({ min: sectionStats[b + 4], max: sectionStats[b + 5] });
		}
		this.categories = categoryNamesSeen.map((name, t) => ({
			name,
			colour: CATEGORY_COLOURS[t % CATEGORY_COLOURS.length],
			minPrice: categoryStats[t * 3],
			maxPrice: categoryStats[t * 3 + 1],
			count: categoryStats[t * 3 + 2]
		}));
		this.rowEnds = new Array(rows);
		for (let r = 0; r < rows; r++) this.rowEnds[r] = { first: rowFirst[r], last: rowLast[r] };

		this.bounds = n ? { minX, minY, maxX, maxY } : { minX: 0, minY: 0, maxX: 1, maxY: 1 };
		this.#idBase = n ? minId : 0;
		const dense = n > 0 && Number.isInteger(minId) && maxId - minId < n * 4 + 64;
		const idTable = (this.#idTable = dense ? new Int32Array(maxId - minId + 1).fill(-1) : null);
		const idMap = (this.#idMap = dense ? null : new Map<number, number>());
		for (let i = 0; i < n; i++) {
			if (idTable && Number.isInteger(ids[i])) idTable[ids[i] - minId] = i;
			else idMap?.set(ids[i], i);
		}
		this.pitch = estimatePitch(this);

		// The grid, as a counting sort of the seats by cell.
		const cellSize = (this.#cellSize = this.pitch * 2);
		const { minX: x0, minY: y0 } = this.bounds;
		const cols = (this.#cols = Math.max(1, Math.ceil((this.bounds.maxX - x0) / cellSize) + 1));
		const gridRows = (this.#rows = Math.max(1, Math.ceil((this.bounds.maxY - y0) / cellSize) + 1));
		const cellOf = new Int32Array(n);
		const counts = new Int32Array(cols * gridRows + 1);
		for (let i = 0; i < n; i++) {
			// Seats lie at or past the bounds' corner: truncation is the floor.
			let col = ((x[i] - x0) / cellSize) | 0;
			let r = ((y[i] - y0) / cellSize) | 0;
			if (col >= cols) col = cols - 1;
			if (r >= gridRows) r = gridRows - 1;
			const cell = r * cols + col;
			cellOf[i] = cell;
			counts[cell + 1]++;
		}
		for (let k = 1; k < counts.length; k++) counts[k] += counts[k - 1];
		this.#cellStart = counts;
		const items = (this.#cellItems = new Int32Array(n));
		const fill = counts.slice(0, -1);
		for (let i = 0; i < n; i++) items[fill[cellOf[i]]++] = i;
	}

	/** The layout of a `seat_map` answer; throws a message naming its first bad part. */
	static parse(json: unknown): SeatLayout {
		return new SeatLayout(decodeSeatMap(json));
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
