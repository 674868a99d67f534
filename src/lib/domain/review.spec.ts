import { describe, expect, it } from 'vitest';
import { LAPSE_MARGIN_MS, bySeat, lostHolds, mergeLost, type ListedHold } from './review.ts';

const NOW = Date.parse('2030-01-01T12:00:00Z');

function hold(id: number, expiresAt: number, seat = id): ListedHold {
	return {
		id,
		status: 'held',
		expiresAt,
		seat: { id: seat, section: 'Stalls', row: 'A', number: seat }
	};
}

describe('lostHolds', () => {
	it('keeps the holds still current, and names none lost', () => {
		const shown = [hold(1, NOW + 60_000), hold(2, NOW + 60_000)];
		expect(lostHolds(shown, shown, NOW)).toEqual([]);
	});

	it('says a hold booked elsewhere was booked', () => {
		const shown = [hold(1, NOW + 60_000)];
		const after = [{ ...shown[0], status: 'booked' as const, expiresAt: null }];
		expect(lostHolds(shown, after, NOW)).toEqual([{ hold: shown[0], why: 'booked' }]);
	});

	it('says a hold past its end lapsed, whether still listed or dropped', () => {
		const shown = [hold(1, NOW - 1), hold(2, NOW)];
		expect(lostHolds(shown, [shown[0]], NOW).map((l) => l.why)).toEqual(['lapsed', 'lapsed']);
	});

	it('counts a hold dropped just before its end by this clock as lapsed: the clock runs late', () => {
		const shown = [hold(1, NOW + LAPSE_MARGIN_MS - 1)];
		expect(lostHolds(shown, [], NOW)).toEqual([{ hold: shown[0], why: 'lapsed' }]);
	});

	it('says a hold dropped well before its end was released', () => {
		const shown = [hold(1, NOW + 60_000), hold(2, NOW + 60_000)];
		expect(lostHolds(shown, [shown[1]], NOW)).toEqual([{ hold: shown[0], why: 'released' }]);
	});
});

describe('mergeLost', () => {
	it('keeps earlier losses, names a hold once, and forgets a seat held again', () => {
		const a = hold(1, NOW);
		const b = hold(2, NOW + 60_000);
		const c = hold(3, NOW + 60_000);
		const earlier = [
			{ hold: a, why: 'lapsed' as const },
			{ hold: b, why: 'released' as const }
		];
		const merged = mergeLost(
			earlier,
			[
				{ hold: b, why: 'released' },
				{ hold: c, why: 'booked' }
			],
			[hold(9, NOW + 60_000, 1)]
		);
		expect(merged.map((l) => [l.hold.id, l.why])).toEqual([
			[2, 'released'],
			[3, 'booked']
		]);
	});
});

describe('bySeat', () => {
	it('lists by section, then row (numbers as numbers), then seat', () => {
		const seat = (section: string, row: string, number: number) => ({
			seat: { section, row, number }
		});
		const sorted = [
			seat('Stalls', '10', 1),
			seat('Balcony', 'B', 2),
			seat('Stalls', '9', 3),
			seat('Stalls', '9', 1)
		].sort(bySeat);
		expect(sorted.map((s) => `${s.seat.section} ${s.seat.row}-${s.seat.number}`)).toEqual([
			'Balcony B-2',
			'Stalls 9-1',
			'Stalls 9-3',
			'Stalls 10-1'
		]);
	});
});
