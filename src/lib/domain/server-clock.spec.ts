import { describe, expect, it } from 'vitest';
import { ServerClock, parseTimestamp } from './server-clock.ts';

describe('parseTimestamp', () => {
	it('reads timestamptz as JSON and as text renders it', () => {
		const ms = Date.parse('2026-11-24T13:00:00.123Z');
		expect(parseTimestamp('2026-11-24T13:00:00.123456+00:00')).toBe(ms);
		expect(parseTimestamp('2026-11-24 13:00:00.123456+00')).toBe(ms);
		expect(parseTimestamp('2026-11-24T15:00:00.123+02:00')).toBe(ms);
		expect(parseTimestamp('2026-11-24T13:00:00.123Z')).toBe(ms);
	});

	it('gives null for nothing or nonsense', () => {
		expect(parseTimestamp(null)).toBeNull();
		expect(parseTimestamp(undefined)).toBeNull();
		expect(parseTimestamp('')).toBeNull();
		expect(parseTimestamp('soon')).toBeNull();
	});
});

describe('ServerClock', () => {
	it("follows the server's clock from the time it reported", () => {
		let local = 1_000_000;
		const clock = new ServerClock(() => local);
		expect(clock.now()).toBe(local);
		// The server is a minute ahead; its answer arrived at local time 1,000,000.
		clock.sync(new Date(1_060_000).toISOString());
		expect(clock.offset).toBe(60_000);
		local += 500;
		expect(clock.now()).toBe(1_060_500);
		expect(clock.toLocal(1_063_000)).toBe(1_003_000);
	});

	it('keeps the last offset when the server time is unreadable', () => {
		const clock = new ServerClock(() => 0);
		clock.sync('1970-01-01T00:00:05Z', 0);
		clock.sync(undefined);
		expect(clock.offset).toBe(5000);
	});
});
