import { describe, expect, it } from 'vitest';
import { parseStage } from './stage.ts';

describe('parseStage', () => {
	it('reads the stage the event carries', () => {
		const stage = { kind: 'pitch', x: 10, y: 20, width: 100, height: 60, label: 'Pitch' };
		expect(parseStage(stage)).toEqual(stage);
		expect(parseStage({ ...stage, label: undefined })?.label).toBe('');
	});

	it('draws nothing for a missing or malformed stage', () => {
		for (const bad of [
			null,
			undefined,
			'stage',
			{ kind: 'pool', x: 0, y: 0, width: 1, height: 1 },
			{ kind: 'stage', x: '0', y: 0, width: 1, height: 1 },
			{ kind: 'stage', x: 0, y: 0, width: -1, height: 1 },
			{ kind: 'screen', x: 0, y: 0, width: 1, height: Number.NaN }
		])
			expect(parseStage(bad)).toBeNull();
	});
});
