import { describe, expect, it } from 'vitest';
import { countdownAlert, formatCountdown, holdTimeLeft, isUrgent } from './countdown.ts';
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
		expect(countdownAlert(120_000)).toBe('2 minutes left to book your held seats.');
		expect(countdownAlert(60_000)).toBe('2 minutes left to book your held seats.');
	});

	it('says once that the last minute has begun, and then nothing new each second', () => {
		expect(countdownAlert(59_001)).toBe('2 minutes left to book your held seats.');
		const last = new Set<string | null>();
		for (let ms = 59_000; ms >= -1_000; ms -= 250) last.add(countdownAlert(ms));
		expect([...last]).toEqual(['Less than a minute left to book your held seats.']);
	});
});

describe('isUrgent', () => {
	it('is the last minute of a hold, from 00:59 to 00:01', () => {
		expect(isUrgent(60_000)).toBe(false);
		expect(isUrgent(59_001)).toBe(false);
		expect(formatCountdown(59_000)).toBe('00:59');
		expect(isUrgent(59_000)).toBe(true);
		expect(isUrgent(1)).toBe(true);
		// Over: the page says the hold expired instead.
		expect(isUrgent(0)).toBe(false);
		expect(isUrgent(-5_000)).toBe(false);
	});
});

describe('holdTimeLeft', () => {
	it('says the time left, and in the last minute to book soon', () => {
		expect(holdTimeLeft(252_000)).toBe('04:12 left');
		expect(holdTimeLeft(60_000)).toBe('01:00 left');
		expect(holdTimeLeft(45_000)).toBe('00:45 left — book soon');
		expect(holdTimeLeft(1)).toBe('00:01 left — book soon');
	});

	it('asks for nothing once the hold is over', () => {
		expect(holdTimeLeft(0)).toBe('00:00 left');
		expect(holdTimeLeft(-3_000)).toBe('00:00 left');
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
