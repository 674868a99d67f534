import { describe, expect, it } from 'vitest';
import { SeatLayout } from './seat-layout.ts';
import { centreSeat, neighbour, rowEnd, type Direction } from './seat-navigation.ts';

/** A grid of rows × cols seats, one unit apart, in two sections side by side. */
function gridColumns(rows: number, cols: number) {
	const c = {
		id: [] as number[],
		section: [] as string[],
		row_label: [] as string[],
		number: [] as number[],
		x: [] as number[],
		y: [] as number[],
		category: [] as string[],
		price_cents: [] as number[],
		accessibility: [] as ('wheelchair' | 'companion' | null)[],
		restricted_view: [] as boolean[]
	};
	for (let r = 0; r < rows; r++) {
		for (let k = 0; k < cols; k++) {
			const left = k < cols / 2;
			c.id.push(c.id.length + 1);
			c.section.push(left ? 'A' : 'B');
			c.row_label.push(String.fromCharCode(65 + r));
			c.number.push(k + 1);
			c.x.push(k + (left ? 0 : 1));
			c.y.push(r);
			c.category.push(r < 2 ? 'Premium' : 'Standard');
			c.price_cents.push(r < 2 ? 4500 : 2000);
			c.accessibility.push(r === rows - 1 && k < 2 ? (k === 0 ? 'wheelchair' : 'companion') : null);
			c.restricted_view.push(r === rows - 1 && k === cols - 1);
		}
	}
	return c;
}

describe('SeatLayout', () => {
	it('names a block of seats with the one seat formatter', () => {
		const layout = new SeatLayout(gridColumns(3, 8));
		// Row B of section A: ids 9..12 are seats 1..4.
		expect(layout.describeSeats([10, 9, 8].map((id) => layout.indexOf(id + 1)))).toBe(
			'A · Row B · Seats 1–3'
		);
		expect(layout.describeSeats([layout.indexOf(9)])).toBe('A · Row B · Seat 1');
		expect(layout.describeSeats([1, 3, 4, 6].map((id) => layout.indexOf(id)))).toBe(
			'A · Row A · Seats 1, 3–4; B · Row A · Seat 6'
		);
	});

	it('lays out the columns and indexes seats by id', () => {
		const layout = new SeatLayout(gridColumns(3, 4));
		expect(layout.size).toBe(12);
		expect(layout.indexOf(5)).toBe(4);
		expect(layout.indexOf(99)).toBe(-1);
		expect(layout.sections).toEqual(['A', 'B']);
		expect(layout.categories.map((c) => [c.name, c.minPrice, c.count])).toEqual([
			['Premium', 4500, 8],
			['Standard', 2000, 4]
		]);
		expect(layout.seatName(4)).toBe('A · Row B · Seat 1');
		expect(layout.pitch).toBe(1);
		expect(layout.bounds).toEqual({ minX: 0, minY: 0, maxX: 4, maxY: 2 });
		// The back row starts with a wheelchair space and its companion; its last seat's view is restricted.
		expect(layout.accessibility.slice(8)).toEqual(['wheelchair', 'companion', null, null]);
		expect(layout.restrictedView.slice(8)).toEqual([false, false, false, true]);
	});

	it('finds seats by id whether the ids are consecutive or far apart', () => {
		const columns = gridColumns(2, 4);
		const sparse = { ...columns, id: columns.id.map((id) => id * 1_000_003) };
		for (const c of [columns, sparse]) {
			const layout = new SeatLayout(c);
			c.id.forEach((id, i) => expect(layout.indexOf(id)).toBe(i));
			expect(layout.indexOf(c.id[0] - 1)).toBe(-1);
			expect(layout.indexOf(c.id.at(-1)! + 1)).toBe(-1);
		}
	});

	it('accepts an event without seats', () => {
		const layout = new SeatLayout(gridColumns(0, 0));
		expect(layout.size).toBe(0);
		expect(centreSeat(layout)).toBe(-1);
	});

	it('finds seats in a rectangle and the nearest seat to a point', () => {
		const layout = new SeatLayout(gridColumns(3, 4));
		const found: number[] = [];
		layout.query(-0.5, -0.5, 1.5, 0.5, (i) => found.push(i));
		expect(found.sort()).toEqual([0, 1]);
		expect(layout.nearest(3.1, 1.9, 0.5)).toBe(10);
		expect(layout.nearest(2, 1, 0.4)).toBe(-1);
	});

	it('builds 50,000 seats quickly', () => {
		const started = performance.now();
		const layout = new SeatLayout(gridColumns(200, 250));
		expect(layout.size).toBe(50_000);
		let hits = 0;
		layout.query(10, 10, 20, 20, () => hits++);
		expect(hits).toBe(121);
		expect(performance.now() - started).toBeLessThan(1500);
	});
});

describe('seat navigation', () => {
	const layout = new SeatLayout(gridColumns(3, 4));

	it('moves along a row and across the aisle', () => {
		expect(neighbour(layout, 0, 'right')).toBe(1);
		expect(neighbour(layout, 1, 'right')).toBe(2);
		expect(neighbour(layout, 3, 'right')).toBe(-1);
		expect(neighbour(layout, 0, 'left')).toBe(-1);
	});

	it('moves between rows to the closest seat', () => {
		expect(neighbour(layout, 1, 'down')).toBe(5);
		expect(neighbour(layout, 5, 'up')).toBe(1);
		expect(neighbour(layout, 9, 'down')).toBe(-1);
	});

	it('jumps to the ends of a row', () => {
		expect(rowEnd(layout, 1, 'start')).toBe(0);
		expect(rowEnd(layout, 1, 'end')).toBe(1);
		expect(rowEnd(layout, 2, 'end')).toBe(3);
	});

	it('starts in the middle', () => {
		expect([5, 6]).toContain(centreSeat(layout));
	});
});

describe('SeatLayout sections and rows', () => {
	it('knows each section’s extent and prices, and each row’s end seats', () => {
		const layout = new SeatLayout(gridColumns(3, 8));
		expect(layout.sections).toEqual(['A', 'B']);
		expect(layout.sectionBoxes[0]).toEqual({ minX: 0, minY: 0, maxX: 3, maxY: 2 });
		expect(layout.sectionBoxes[1]).toEqual({ minX: 5, minY: 0, maxX: 8, maxY: 2 });
		expect(layout.sectionPrices[0]).toEqual({ min: 2000, max: 4500 });
		expect(layout.rowEnds).toHaveLength(6);
		const rowB = layout.rowEnds.find(
			(r) => layout.section(r.first) === 'B' && layout.rowLabel[r.first] === 'B'
		)!;
		expect([layout.number[rowB.first], layout.number[rowB.last]]).toEqual([5, 8]);
	});

	it('hit-tests through its grid: the nearest seat within reach, or none', () => {
		const layout = new SeatLayout(gridColumns(3, 8));
		expect(layout.place(layout.nearest(5.2, 1.1, 0.5))).toEqual({
			section: 'B',
			row: 'B',
			number: 5
		});
		expect(layout.nearest(4, 1, 0.4)).toBe(-1);
		const seen: number[] = [];
		layout.query(0, 0, 1, 0, (i) => seen.push(i));
		expect(seen.map((i) => layout.number[i]).sort()).toEqual([1, 2]);
	});
});

describe('keyboard neighbours on an irregular venue', () => {
	/** Curved rows with gaps and a second section off to the side: what a real venue has. */
	function arcs() {
		const c = {
			...{ id: [] as number[], section: [] as string[], row_label: [] as string[] },
			...{ number: [] as number[], x: [] as number[], y: [] as number[] },
			...{ category: [] as string[], price_cents: [] as number[] },
			...{ accessibility: [] as null[], restricted_view: [] as boolean[] }
		};
		let id = 1;
		for (const [section, cx] of [
			['Arc', 0],
			['Side', 60]
		] as const)
			for (let r = 0; r < 12; r++)
				for (let n = 0; n < 30; n++) {
					if (n % 10 === 4 && r % 3 === 1) continue; // aisles that do not line up
					const angle = -0.8 + (1.6 * n) / 29;
					const radius = 20 + r * 1.1;
					c.id.push(id++);
					c.section.push(section);
					c.row_label.push(String.fromCharCode(65 + r));
					c.number.push(n + 1);
					c.x.push(cx + radius * Math.sin(angle));
					c.y.push(radius * Math.cos(angle));
					c.category.push('std');
					c.price_cents.push(100);
					c.accessibility.push(null);
					c.restricted_view.push(false);
				}
		return new SeatLayout(c);
	}

	/** The answer by looking at every seat, as the window's shortcut must agree with. */
	function everySeat(layout: SeatLayout, from: number, direction: Direction): number {
		const tolerance = layout.pitch * 0.45;
		const horizontal = direction === 'left' || direction === 'right';
		const sign = direction === 'left' || direction === 'up' ? -1 : 1;
		let best = -1;
		let bestCost = Infinity;
		for (let i = 0; i < layout.size; i++) {
			if (i === from) continue;
			const along =
				(horizontal ? layout.x[i] - layout.x[from] : layout.y[i] - layout.y[from]) * sign;
			if (along <= tolerance * 0.5) continue;
			const across = Math.abs(
				horizontal ? layout.y[i] - layout.y[from] : layout.x[i] - layout.x[from]
			);
			const cost = horizontal
				? (across <= tolerance ? 0 : 1e6 + across * 1e3) + along
				: Math.round(along / tolerance) * 1e6 + across;
			if (cost < bestCost) {
				bestCost = cost;
				best = i;
			}
		}
		return best;
	}

	it('finds, from every seat in every direction, the seat a scan of all seats finds', () => {
		const layout = arcs();
		const directions: Direction[] = ['left', 'right', 'up', 'down'];
		const wrong: string[] = [];
		for (let i = 0; i < layout.size; i++)
			for (const d of directions) {
				const want = everySeat(layout, i, d);
				const got = neighbour(layout, i, d);
				if (got !== want) wrong.push(`${i} ${d}: ${got}, not ${want}`);
			}
		expect(wrong).toEqual([]);
	});

	it('goes to the ends of a curved row', () => {
		const layout = arcs();
		const row = [...Array(layout.size).keys()].filter(
			(i) =>
				layout.sectionOf[i] === layout.sectionOf[40] && layout.rowLabel[i] === layout.rowLabel[40]
		);
		const byX = row.sort((a, b) => layout.x[a] - layout.x[b]);
		expect(rowEnd(layout, 40, 'start')).toBe(byX[0]);
		expect(rowEnd(layout, 40, 'end')).toBe(byX.at(-1));
	});
});

describe('SeatLayout, built in one pass', () => {
	/** A small deterministic random number generator (mulberry32), so a failure can be replayed. */
	function random(seed: number): () => number {
		return () => {
			seed = (seed + 0x6d2b79f5) | 0;
			let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
			t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
	}

	it('finds the extents, prices, categories and row ends that a plain scan finds', () => {
		for (let seed = 1; seed <= 200; seed++) {
			const rnd = random(seed);
			const c = gridColumns(0, 0);
			const n = 1 + Math.floor(rnd() * 300);
			// Sections, rows and categories in runs, and now and then one that comes back later.
			let [section, row, category] = [0, 0, 0];
			for (let i = 0; i < n; i++) {
				if (rnd() < 0.05) section = Math.floor(rnd() * 5);
				if (rnd() < 0.15) row = Math.floor(rnd() * 6);
				if (rnd() < 0.1) category = Math.floor(rnd() * 4);
				c.id.push(i * 3 + 7);
				c.section.push(`S${section}`);
				c.row_label.push(rnd() < 0.02 ? '' : `R${row}`);
				c.number.push(i + 1);
				c.x.push(Math.round(rnd() * 1000) / 10);
				c.y.push(Math.round(rnd() * 1000) / 10);
				c.category.push(`C${category}`);
				c.price_cents.push(500 + Math.floor(rnd() * 20) * 250);
				c.accessibility.push(null);
				c.restricted_view.push(false);
			}
			const layout = new SeatLayout(c);
			const sections = [...new Set(c.section)];
			const categories = [...new Set(c.category)];
			expect(layout.sections, `venue ${seed}`).toEqual(sections);
			sections.forEach((name, s) => {
				const of = c.section.map((v, i) => (v === name ? i : -1)).filter((i) => i >= 0);
				const xs = of.map((i) => layout.x[i]);
				const ys = of.map((i) => layout.y[i]);
				const prices = of.map((i) => c.price_cents[i]);
				expect(layout.sectionBoxes[s], `venue ${seed}`).toEqual({
					minX: Math.min(...xs),
					minY: Math.min(...ys),
					maxX: Math.max(...xs),
					maxY: Math.max(...ys)
				});
				expect(layout.sectionPrices[s]).toEqual({
					min: Math.min(...prices),
					max: Math.max(...prices)
				});
			});
			expect(layout.categories.map((k) => k.name)).toEqual(categories);
			categories.forEach((name, k) => {
				const prices = c.price_cents.filter((_, i) => c.category[i] === name);
				expect(layout.categories[k]).toMatchObject({
					minPrice: Math.min(...prices),
					maxPrice: Math.max(...prices),
					count: prices.length
				});
			});
			// Every row's first and last seat: the lowest and highest x among the seats in it.
			for (let r = 0; r < layout.rowEnds.length; r++) {
				const seats = [...layout.rowOf.keys()].filter((i) => layout.rowOf[i] === r);
				const xs = seats.map((i) => layout.x[i]);
				const { first, last } = layout.rowEnds[r];
				expect(layout.x[first], `venue ${seed}`).toBe(Math.min(...xs));
				expect(layout.x[last], `venue ${seed}`).toBe(Math.max(...xs));
				expect(seats[xs.indexOf(Math.min(...xs))]).toBe(first);
				expect(seats[xs.indexOf(Math.max(...xs))]).toBe(last);
			}
			for (let i = 0; i < n; i++) expect(layout.indexOf(c.id[i])).toBe(i);
		}
	});
});
