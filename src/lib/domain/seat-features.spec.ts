import { describe, expect, it } from 'vitest';
import { FEATURE, featuresOf } from './seat-features.ts';
import { SeatLayout } from './seat-layout.ts';
import type { SeatStatus } from './seat-state.ts';

/** One row of six seats: a wheelchair space and its companion at each end, a restricted view. */
function row() {
	return new SeatLayout({
		id: [1, 2, 3, 4, 5, 6],
		section: Array(6).fill('Stalls'),
		row_label: Array(6).fill('A'),
		number: [1, 2, 3, 4, 5, 6],
		x: [0, 1, 2, 3, 4, 5],
		y: Array(6).fill(0),
		category: Array(6).fill('Standard'),
		price_cents: Array(6).fill(2500),
		accessibility: ['wheelchair', 'companion', null, null, 'companion', 'wheelchair'],
		restricted_view: [false, false, true, false, false, true]
	});
}

describe('featuresOf', () => {
	it('indexes each seat’s features as bits and lists the wheelchair spaces', () => {
		const index = featuresOf(row());
		expect([...index.bits]).toEqual([
			FEATURE.wheelchair,
			FEATURE.companion,
			FEATURE.restrictedView,
			0,
			FEATURE.companion,
			FEATURE.wheelchair | FEATURE.restrictedView
		]);
		expect(index.wheelchair).toEqual([0, 5]);
		expect(index.present).toBe(FEATURE.wheelchair | FEATURE.companion | FEATURE.restrictedView);
	});

	it('is one index per layout', () => {
		const layout = row();
		expect(featuresOf(layout)).toBe(featuresOf(layout));
		expect(featuresOf(row())).not.toBe(featuresOf(layout));
	});

	it('names a seat’s features with the one formatter', () => {
		const index = featuresOf(row());
		expect(index.describe(0)).toEqual(['Wheelchair space']);
		expect(index.describe(1)).toEqual(['Companion seat']);
		expect(index.describe(3)).toEqual([]);
		expect(index.describe(5)).toEqual(['Wheelchair space', 'Restricted view']);
	});

	it('counts only free wheelchair spaces', () => {
		const index = featuresOf(row());
		const status = (taken: number[]) => (i: number) =>
			(taken.includes(i) ? 'held' : 'available') as SeatStatus;
		expect(index.freeWheelchair(status([]))).toEqual([0, 5]);
		expect(index.freeWheelchair(status([5, 2]))).toEqual([0]);
		expect(index.freeWheelchair(status([0, 5]))).toEqual([]);
	});

	it('dims every seat but the wheelchair spaces while the filter is on, none while off', () => {
		const index = featuresOf(row());
		const dimmed = (on: boolean) => [0, 1, 2, 3, 4, 5].filter((i) => index.dimmedBy(on, i));
		expect(dimmed(true)).toEqual([1, 2, 3, 4]);
		expect(dimmed(false)).toEqual([]);
	});
});
