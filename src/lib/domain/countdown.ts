import { plural } from './format.ts';

/** "04:59" (minutes:seconds) or "1:04:59" past an hour; whole seconds, rounded up. */
export function formatCountdown(ms: number): string {
	const total = Math.max(0, Math.ceil(ms / 1000));
	const h = Math.floor(total / 3600);
	const m = Math.floor((total % 3600) / 60);
	const s = total % 60;
	const mm = String(m).padStart(2, '0');
	const ss = String(s).padStart(2, '0');
	return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Seconds left at which a screen reader hears how long is left (not every second). */
const THRESHOLDS = [300, 120, 60, 30, 10];

/**
 * What to announce with `ms` left: the latest threshold passed, or null above all of them. The
 * text changes only when a threshold is crossed, so a polite live region speaks five times at
 * most during a hold.
 */
export function countdownAlert(ms: number): string | null {
	const seconds = Math.ceil(ms / 1000);
	let passed: number | null = null;
	for (const t of THRESHOLDS) if (seconds <= t) passed = t;
	if (passed === null) return null;
	return passed >= 60
		? `${plural(passed / 60, 'minute')} left to book your held seats.`
		: `${plural(passed, 'second')} left to book your held seats.`;
}
