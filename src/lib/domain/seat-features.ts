import { seatFeatures } from './format.ts';
import type { SeatLayout } from './seat-layout.ts';
import type { SeatStatus } from './seat-state.ts';

/** A seat's features as bits, so the map groups them as cheaply as it groups states. */
export const FEATURE = { wheelchair: 1, companion: 2, restrictedView: 4 } as const;

/**
 * An event's seat features, indexed once per layout: the map reads a seat's bits for every seat
 * it draws, and the wheelchair filter counts free spaces on every change, among a few seats.
 */
export class SeatFeatureIndex {
	readonly #layout: SeatLayout;
	/** FEATURE bits by seat index. */
	readonly bits: Uint8Array;
	/** Wheelchair spaces, by seat index. */
	readonly wheelchair: number[] = [];
	/** Every FEATURE bit some seat has. */
	readonly present: number;

	constructor(layout: SeatLayout) {
		this.#layout = layout;
		this.bits = new Uint8Array(layout.size);
		let present = 0;
		for (let i = 0; i < layout.size; i++) {
			const access = layout.accessibility[i];
			const bits =
				(access === 'wheelchair' ? FEATURE.wheelchair : 0) |
				(access === 'companion' ? FEATURE.companion : 0) |
				(layout.restrictedView[i] ? FEATURE.restrictedView : 0);
			this.bits[i] = bits;
			present |= bits;
			if (bits & FEATURE.wheelchair) this.wheelchair.push(i);
		}
		this.present = present;
	}

	/** ["Wheelchair space"], ["Restricted view"], or [] (see seatFeatures). */
	describe(i: number): string[] {
		return seatFeatures({
			accessibility: this.#layout.accessibility[i] ?? null,
			restrictedView: this.#layout.restrictedView[i] ?? false
		});
	}

	/** Wheelchair spaces free right now. */
	freeWheelchair(status: (i: number) => SeatStatus): number[] {
		return this.wheelchair.filter((i) => status(i) === 'available');
	}

	/** Whether the "Wheelchair spaces only" filter, when on, draws this seat faint. */
	dimmedBy(wheelchairOnly: boolean, i: number): boolean {
		return wheelchairOnly && !(this.bits[i] & FEATURE.wheelchair);
	}
}

const indexes = new WeakMap<SeatLayout, SeatFeatureIndex>();

/** The one index of a layout's features, shared by the map, the legend and the filter. */
export function featuresOf(layout: SeatLayout): SeatFeatureIndex {
	let index = indexes.get(layout);
	if (!index) indexes.set(layout, (index = new SeatFeatureIndex(layout)));
	return index;
}
