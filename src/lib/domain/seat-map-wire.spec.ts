import { describe, expect, it } from 'vitest';
import type { SeatMapColumns } from './seat-layout.ts';
import { decodeSeatMap } from './seat-map-wire.ts';

type Plain = { [K in keyof SeatMapColumns]: SeatMapColumns[K][number][] };

/** The wire format as the database writes it (supabase/migrations/…_compact_seat_maps.sql). */
function encode(c: Plain) {
	const steps = (values: number[]) => {
		const out: number[] = [];
		values.forEach((v, i) => {
			if (i && v === values[i - 1] + 1) out[out.length - 1]++;
			else out.push(v, 1);
		});
		return out;
	};
	const runs = (values: unknown[]) => {
		const distinct: unknown[] = [];
		const out: number[] = [];
		values.forEach((v, i) => {
			if (i && v === values[i - 1]) return void out[out.length - 1]++;
			if (!distinct.includes(v)) distinct.push(v);
			out.push(distinct.indexOf(v), 1);
		});
		return { values: distinct, runs: out };
	};
	const deltas = (values: number[]) =>
		values.map((v, i) => Math.round(v * 100) - (i ? Math.round(values[i - 1] * 100) : 0));
	return {
		id: steps(c.id),
		section: runs(c.section),
		row_label: runs(c.row_label),
		number: steps(c.number),
		x: deltas(c.x),
		y: deltas(c.y),
		category: runs(c.category),
		price_cents: runs(c.price_cents),
		accessibility: runs(c.accessibility),
		restricted_view: runs(c.restricted_view)
	};
}

function mulberry32(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A random venue: rows of seats in sections, ids with gaps, numbers that skip, prices that vary. */
function venue(seed: number): Plain {
	const random = mulberry32(seed);
	const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
	const c: Plain = {
		id: [],
		section: [],
		row_label: [],
		number: [],
		x: [],
		y: [],
		category: [],
		price_cents: [],
		accessibility: [],
		restricted_view: []
	};
	let id = 1 + Math.floor(random() * 1000);
	for (let s = 1 + Math.floor(random() * 3); s > 0; s--) {
		const section = pick(['North', 'South', 'Stand 01', 'Box']);
		for (let r = 1 + Math.floor(random() * 5); r > 0; r--) {
			const row = pick(['A', 'B', 'AA', '1', '12']);
			let number = 1 + Math.floor(random() * 3);
			for (let k = 1 + Math.floor(random() * 30); k > 0; k--) {
				c.id.push(id);
				id += random() < 0.9 ? 1 : 2 + Math.floor(random() * 50);
				c.section.push(section);
				c.row_label.push(row);
				c.number.push(number);
				number += random() < 0.8 ? 1 : 2;
				c.x.push(Math.round((random() * 2000 - 1000) * 100) / 100);
				c.y.push(Math.round((random() * 2000 - 1000) * 100) / 100);
				c.category.push(pick(['lower', 'upper']));
				c.price_cents.push(pick([0, 2500, 9500]));
				c.accessibility.push(pick([null, null, null, 'wheelchair', 'companion'] as const));
				c.restricted_view.push(random() < 0.1);
			}
		}
	}
	return c;
}

const plain = (c: SeatMapColumns) =>
	Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Array.from(v as ArrayLike<unknown>)]));

describe('decodeSeatMap', () => {
	it('gives back every column of 300 random venues, positions to the hundredth', () => {
		for (let seed = 1; seed <= 300; seed++) {
			const columns = venue(seed);
			const decoded = plain(decodeSeatMap(encode(columns)));
			const { x, y, ...rest } = decoded;
			const { x: wantX, y: wantY, ...wantRest } = columns;
			expect(rest).toEqual(wantRest);
			// Float32 holds a hundredth of a map unit to within its precision.
			(x as number[]).forEach((v, i) => expect(v).toBeCloseTo(wantX[i], 3));
			(y as number[]).forEach((v, i) => expect(v).toBeCloseTo(wantY[i], 3));
		}
	});

	it('decodes runs and steps as the database writes them', () => {
		const c = decodeSeatMap({
			id: [11, 2, 20, 1],
			section: { values: ['A', 'B'], runs: [0, 2, 1, 1] },
			row_label: { values: ['1'], runs: [0, 3] },
			number: [1, 3],
			x: [150, 100, -250],
			y: [-5, 0, 5],
			category: { values: ['std'], runs: [0, 3] },
			price_cents: { values: [1000, 0], runs: [0, 1, 1, 2] },
			accessibility: { values: [null, 'wheelchair'], runs: [1, 1, 0, 2] },
			restricted_view: { values: [false, true], runs: [0, 2, 1, 1] }
		});
		expect(plain(c)).toEqual({
			id: [11, 12, 20],
			section: ['A', 'A', 'B'],
			row_label: ['1', '1', '1'],
			number: [1, 2, 3],
			x: [1.5, 2.5, 0],
			y: [-0.05000000074505806, -0.05000000074505806, 0],
			category: ['std', 'std', 'std'],
			price_cents: [1000, 0, 0],
			accessibility: ['wheelchair', null, null],
			restricted_view: [false, false, true]
		});
	});

	it('accepts an event without seats', () => {
		const none = { values: [], runs: [] };
		const empty = decodeSeatMap({
			...{ id: [], number: [], x: [], y: [] },
			...{ section: none, row_label: none, category: none, price_cents: none },
			...{ accessibility: none, restricted_view: none }
		});
		expect(empty.id.length).toBe(0);
		expect(empty.section).toEqual([]);
	});

	it('refuses a malformed answer, naming the bad part', () => {
		const good = () => encode(venue(7)) as unknown as Record<string, unknown>;
		const n = decodeSeatMap(good()).id.length;
		const cases: [string, (w: Record<string, unknown>) => unknown, RegExp][] = [
			['not an object', () => null, /expected an object of columns/],
			['an array', () => [], /expected an object of columns/],
			['id missing', ({ id: _, ...w }) => w, /column id is not an array/],
			['odd steps', (w) => ({ ...w, id: [1, 2, 3] }), /column id has an odd length/],
			[
				'a count of 0',
				(w) => ({ ...w, number: [1, 0, 1, n] }),
				/column number\[1\] is not a count/
			],
			['a fraction', (w) => ({ ...w, id: [1.5, n] }), /column id\[0\] is not an integer/],
			['too many numbers', (w) => ({ ...w, number: [1, n + 1] }), /column number has \d+ seats/],
			['no values', (w) => ({ ...w, section: { runs: [0, n] } }), /column section has no values/],
			['no runs', (w) => ({ ...w, category: { values: ['a'] } }), /column category has no runs/],
			[
				'a run past its values',
				(w) => ({ ...w, row_label: { values: ['A'], runs: [1, n] } }),
				/column row_label runs\[0\] is no value's index/
			],
			[
				'a bad accessibility',
				(w) => ({ ...w, accessibility: { values: ['ramp'], runs: [0, n] } }),
				/column accessibility value 0 is not one of null, wheelchair, companion/
			],
			[
				'a price that is text',
				(w) => ({ ...w, price_cents: { values: ['5'], runs: [0, n] } }),
				/column price_cents value 0 is not an integer/
			],
			[
				'a restricted view that is a number',
				(w) => ({ ...w, restricted_view: { values: [0], runs: [0, n] } }),
				/column restricted_view value 0 is not a boolean/
			],
			['x short', (w) => ({ ...w, x: (w.x as number[]).slice(1) }), /column x has \d+ seats/],
			[
				'y as text',
				(w) => ({ ...w, y: (w.y as unknown[]).map((v, i) => (i === 1 ? '2' : v)) }),
				/column y\[1\] is not an integer/
			]
		];
		for (const [what, spoil, message] of cases)
			expect(() => decodeSeatMap(spoil(good())), what).toThrow(message);
	});
});
