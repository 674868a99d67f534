import { describe, expect, it } from 'vitest';
import { countdownAlert, formatCountdown } from './countdown.ts';
import { formatMinutes } from './format.ts';

describe('formatCountdown', () => {
	it('shows minutes and seconds, rounding up to the whole second', () => {
		expect(formatCountdown(600_000)).toBe('10:00');
		expect(formatCountdown(299_001)).toBe('05:00');
		expect(formatCountdown(2_500)).toBe('00:03');
		expect(formatCountdown(0)).toBe('00:00');
		expect(formatCountdown(-5)).toBe('00:00');
		expect(formatCountdown(3_725_000)).toBe('1:02:05');
	});
});

describe('countdownAlert', () => {
	it('speaks only at thresholds, and its text changes only when one is crossed', () => {
		expect(countdownAlert(600_000)).toBeNull();
		expect(countdownAlert(300_500)).toBeNull();
		expect(countdownAlert(300_000)).toBe('5 minutes left to book your held seats.');
		expect(countdownAlert(200_000)).toBe('5 minutes left to book your held seats.');
		expect(countdownAlert(60_000)).toBe('1 minute left to book your held seats.');
		expect(countdownAlert(9_000)).toBe('10 seconds left to book your held seats.');
	});
});

describe('formatMinutes', () => {
	it('says a hold length in words', () => {
		expect(formatMinutes(10)).toBe('10 minutes');
		expect(formatMinutes(1)).toBe('1 minute');
		expect(formatMinutes(0.05)).toBe('3 seconds');
		expect(formatMinutes(1.5)).toBe('1 minute 30 seconds');
	});
});
