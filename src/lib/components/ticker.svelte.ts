import { createSubscriber } from 'svelte/reactivity';

/** Often enough that a countdown never skips a second, however its deadline falls. */
const TICK_MS = 250;

let now = Date.now();

const subscribe = createSubscriber((update) => {
	now = Date.now();
	const timer = setInterval(() => {
		now = Date.now();
		update();
	}, TICK_MS);
	return () => clearInterval(timer);
});

/**
 * This browser's clock (ms since the epoch) as every countdown on the page reads it. One clock for
 * all, so the holds panel and a seat's tooltip showing the same hold show the same second; read in
 * an effect or a template it ticks, and only while something showing reads it.
 */
export function tickingNow(): number {
	if (!$effect.tracking()) return Date.now();
	subscribe();
	return now;
}
