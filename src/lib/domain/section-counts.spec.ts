import { describe, expect, it } from 'vitest';
import { SectionCounts } from './section-counts.ts';

// Seven seats in three sections: 0 1 2 | 3 4 | 5 6.
const SECTION_OF = Uint16Array.from([0, 0, 0, 1, 1, 2, 2]);

function counts(c: SectionCounts): number[] {
	return [0, 1, 2].map((s) => c.free(s));
}

describe('SectionCounts', () => {
	it('starts with every seat free', () => {
		expect(counts(new SectionCounts(SECTION_OF, 3))).toEqual([3, 2, 2]);
	});

	it('follows seats taken and freed again, section by section', () => {
		const c = new SectionCounts(SECTION_OF, 3);
		const taken = new Set([1, 3, 4]);
		expect(c.update([1, 3, 4], (i) => !taken.has(i))).toBe(true);
		expect(counts(c)).toEqual([2, 0, 2]);
		taken.delete(3);
		expect(c.update([3], (i) => !taken.has(i))).toBe(true);
		expect(counts(c)).toEqual([2, 1, 2]);
	});

	it('counts a seat named twice, or named unchanged, once', () => {
		const c = new SectionCounts(SECTION_OF, 3);
		const taken = new Set([5]);
		expect(c.update([5, 5, 0], (i) => !taken.has(i))).toBe(true);
		expect(counts(c)).toEqual([3, 2, 1]);
		expect(c.update([5, 0], (i) => !taken.has(i))).toBe(false);
		expect(counts(c)).toEqual([3, 2, 1]);
	});

	it('recounts every seat in one pass, as updating them all would', () => {
		const c = new SectionCounts(SECTION_OF, 3);
		const taken = new Set([0, 4, 6]);
		c.recount((i) => !taken.has(i));
		expect(counts(c)).toEqual([2, 1, 1]);
		taken.delete(4);
		c.recount((i) => !taken.has(i));
		expect(counts(c)).toEqual([2, 2, 1]);
		expect(c.update([4, 6], (i) => !taken.has(i))).toBe(false);
	});

	it('asks only about the seats it is given', () => {
		const c = new SectionCounts(SECTION_OF, 3);
		const asked: number[] = [];
		c.update([2, 6], (i) => (asked.push(i), false));
		expect(asked).toEqual([2, 6]);
		expect(counts(c)).toEqual([2, 2, 1]);
	});

	it('ignores seats it does not know and sections that do not exist', () => {
		const c = new SectionCounts(SECTION_OF, 3);
		expect(c.update([-1, 7, 99], () => false)).toBe(false);
		expect(c.free(3)).toBe(0);
		expect(counts(c)).toEqual([3, 2, 2]);
	});
});
