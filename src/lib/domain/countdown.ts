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

/** Below this many seconds left a hold is in its last minute, and the countdown says so. */
const URGENT_SECONDS = 60;

/** Whether a hold with `ms` left is in its last minute (and not over). */
export function isUrgent(ms: number): boolean {
	const seconds = Math.ceil(ms / 1000);
	return seconds > 0 && seconds < URGENT_SECONDS;
}

/**
 * A hold's time left as a seat's tooltip says it: "04:12 left", and in the last minute "00:45 left
 * — book soon", so the urgency is in the words as well as in the style around them.
 */
export function holdTimeLeft(ms: number): string {
	const text = `${formatCountdown(ms)} left`;
	return isUrgent(ms) ? `${text} — book soon` : text;
}

/** Seconds left at which a screen reader hears how long is left (not every second). */
const THRESHOLDS = [300, 120];

/**
 * What to announce with `ms` left: the latest threshold passed, then once the last minute begins
 * that it has; null above all of them. The text changes only when a threshold is crossed, so a
 * polite live region speaks three times at most during a hold, and not again after "less than a
 * minute": counting down the seconds aloud would talk over the person finishing their booking.
 */
export function countdownAlert(ms: number): string | null {
	const seconds = Math.ceil(ms / 1000);
	if (seconds < URGENT_SECONDS) return 'Less than a minute left to book your held seats.';
	let passed: number | null = null;
	for (const t of THRESHOLDS) if (seconds <= t) passed = t;
	if (passed === null) return null;
	return `${plural(passed / 60, 'minute')} left to book your held seats.`;
}
