import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServerAlarm, ServerClock, parseTimestamp } from './server-clock.ts';

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

describe('ServerAlarm', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	function setup() {
		vi.useFakeTimers();
		vi.setSystemTime(1_000_000);
		const clock = new ServerClock();
		// The server runs 10 s ahead.
		clock.sync(new Date(1_010_000).toISOString());
		const fired: number[] = [];
		return { clock, fired, alarm: new ServerAlarm(clock, () => fired.push(clock.now())) };
	}

	it('fires at the instant by the server clock, once', async () => {
		const { alarm, fired } = setup();
		alarm.set(1_020_000);
		await vi.advanceTimersByTimeAsync(9_999);
		expect(fired).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		expect(fired).toEqual([1_020_000]);
		await vi.advanceTimersByTimeAsync(60_000);
		expect(fired).toHaveLength(1);
	});

	it('keeps its timer for the same instant, moves for another, and stops on clear or null', async () => {
		const { alarm, fired } = setup();
		alarm.set(1_020_000);
		await vi.advanceTimersByTimeAsync(5_000);
		alarm.set(1_020_000);
		await vi.advanceTimersByTimeAsync(5_000);
		expect(fired).toEqual([1_020_000]);
		alarm.set(1_030_000);
		alarm.set(1_025_000);
		await vi.advanceTimersByTimeAsync(60_000);
		expect(fired).toEqual([1_020_000, 1_025_000]);
		alarm.set(1_090_000);
		alarm.clear();
		alarm.set(1_100_000);
		alarm.set(null);
		await vi.advanceTimersByTimeAsync(600_000);
		expect(fired).toHaveLength(2);
	});

	it('fires at once for an instant already past', async () => {
		const { alarm, fired } = setup();
		alarm.set(1_000_000);
		await vi.advanceTimersByTimeAsync(0);
		expect(fired).toEqual([1_010_000]);
	});

	it('waits on when the clock was corrected backwards meanwhile', async () => {
		const { alarm, fired, clock } = setup();
		alarm.set(1_020_000);
		// A later answer shows the server only 5 s ahead: the instant is 5 s further away.
		clock.sync(new Date(Date.now() + 5_000).toISOString());
		await vi.advanceTimersByTimeAsync(10_000);
		expect(fired).toEqual([]);
		await vi.advanceTimersByTimeAsync(5_000);
		expect(fired).toEqual([1_020_000]);
	});

	it('reaches an instant beyond the longest setTimeout in steps', async () => {
		const { alarm, fired } = setup();
		const far = 1_010_000 + 30 * 86_400_000;
		alarm.set(far);
		await vi.advanceTimersByTimeAsync(2 ** 31 - 1);
		expect(fired).toEqual([]);
		await vi.advanceTimersByTimeAsync(30 * 86_400_000 - (2 ** 31 - 1));
		expect(fired).toEqual([far]);
	});
});
