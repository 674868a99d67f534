import { describe, expect, it } from 'vitest';
import { FADE_MS, LabelFader } from './label-fade.ts';
import type { PlacedLabel } from './section-labels.ts';

function label(section: number, x: number, y: number, place = 'on'): PlacedLabel {
	return {
		section,
		key: `${section} inside ${place}`,
		mode: 'inside',
		place,
		lines: [`S${section}`],
		x,
		y,
		width: 40,
		height: 19
	};
}

const still = { scale: 1, tx: 0, ty: 0 };

describe('LabelFader', () => {
	it('shows what the layout placed', () => {
		const fader = new LabelFader();
		const out = fader.next([label(1, 10, 10), label(0, 50, 50)], still, 0);
		expect(out.map((l) => [l.section, l.shown])).toEqual([
			[0, true],
			[1, true]
		]);
	});

	it('keeps a dropped label, fading, until the fade is over', () => {
		const fader = new LabelFader();
		fader.next([label(0, 10, 10), label(1, 50, 50)], still, 0);
		const fading = fader.next([label(0, 10, 10)], still, 16);
		expect(fading.map((l) => [l.section, l.shown])).toEqual([
			[0, true],
			[1, false]
		]);
		expect(fader.next([label(0, 10, 10)], still, 16 + FADE_MS - 1)).toHaveLength(2);
		expect(fader.next([label(0, 10, 10)], still, 16 + FADE_MS).map((l) => l.section)).toEqual([0]);
	});

	it('moves a fading label with the map', () => {
		const fader = new LabelFader();
		fader.next([label(0, 100, 60)], { scale: 2, tx: 20, ty: 0 }, 0);
		// Dropped, then the view pans 30 px right and zooms ×2 about the origin.
		fader.next([], { scale: 2, tx: 20, ty: 0 }, 16);
		const [gone] = fader.next([], { scale: 4, tx: 50, ty: 0 }, 32);
		// Map point (40, 30) under the first view; (40·4 + 50, 30·4) under the last.
		expect([gone.x, gone.y, gone.shown]).toEqual([210, 120, false]);
	});

	it('brings a fading label back when the layout places it again', () => {
		const fader = new LabelFader();
		fader.next([label(0, 10, 10)], still, 0);
		fader.next([], still, 16);
		const back = fader.next([label(0, 12, 10)], still, 32);
		expect(back.map((l) => [l.x, l.shown])).toEqual([[12, true]]);
	});

	it('fades a label across when it moves to another place', () => {
		const fader = new LabelFader();
		fader.next([label(0, 10, 10, 'on')], still, 0);
		const out = fader.next([label(0, 10, 40, 'side0')], still, 16);
		expect(out.map((l) => [l.place, l.shown])).toEqual([
			['on', false],
			['side0', true]
		]);
	});

	it('lists labels in the same order whichever of them show, so none is moved in the page', () => {
		const fader = new LabelFader();
		const a = fader.next([label(2, 0, 0), label(0, 0, 0), label(1, 0, 0)], still, 0);
		const b = fader.next([label(2, 0, 0), label(1, 0, 0)], still, 16);
		expect(a.map((l) => l.key)).toEqual(b.map((l) => l.key));
	});
});
