import { describe, expect, it } from 'vitest';
import { fit, reveal, toScreen, toWorld, zoomAt } from './viewport.ts';
import { bookingFailure } from './booking-errors.ts';

describe('viewport', () => {
	const bounds = { minX: 0, minY: 0, maxX: 100, maxY: 50 };

	it('fits the bounds centred in the box', () => {
		const view = fit(bounds, 220, 220, 10);
		expect(view.scale).toBe(2);
		expect(toScreen(view, 0, 0)).toEqual([10, 60]);
		expect(toScreen(view, 100, 50)).toEqual([210, 160]);
	});

	it('zooms around a fixed point and respects the limits', () => {
		const view = fit(bounds, 220, 220, 10);
		const zoomed = zoomAt(view, 2, 110, 110, { min: 1, max: 3 });
		expect(zoomed.scale).toBe(3);
		const [wx, wy] = toWorld(view, 110, 110);
		expect(toScreen(zoomed, wx, wy)).toEqual([110, 110]);
	});

	it('pans just enough to reveal a point', () => {
		const view = { scale: 1, tx: 0, ty: 0 };
		expect(reveal(view, 50, 50, 100, 100, 10)).toBe(view);
		expect(reveal(view, 150, 50, 100, 100, 10)).toEqual({ scale: 1, tx: -60, ty: 0 });
	});
});

describe('bookingFailure', () => {
	it('explains a lost race', () => {
		expect(bookingFailure({ code: '23505', message: 'duplicate key' }, 8).kind).toBe('taken');
	});

	it('uses the database limit message when it has one', () => {
		const failure = bookingFailure(
			{ code: '23514', message: 'You can book at most 8 seats for this event' },
			8
		);
		expect(failure).toEqual({
			kind: 'limit',
			message: 'You can book at most 8 seats for this event'
		});
		expect(
			bookingFailure({ code: '23514', message: 'new row violates check constraint "x"' }, 4).message
		).toBe('You can book at most 4 seats for this event.');
	});
});
