import type { Viewport } from '$lib/domain/viewport';
import type { PlacedLabel } from './section-labels';

/**
 * Labels come and go with a fade rather than a jump. The layout decides, each frame, which labels
 * show; a label it drops stays a little longer, fading out, and one it adds fades in (the fades
 * are the stylesheet's: an opacity transition, none for people who ask for reduced motion). A
 * label that leaves keeps to the map point it was on, so it moves with a pan while it fades.
 */

/** How long a leaving label is kept, ms: at least the stylesheet's fade. */
export const FADE_MS = 250;

export interface ShownLabel extends PlacedLabel {
	/** False while it fades out. */
	shown: boolean;
}

interface Leaving {
	label: PlacedLabel;
	/** Its centre, map units. */
	x: number;
	y: number;
	since: number;
}

export class LabelFader {
	#current = new Map<string, PlacedLabel>();
	readonly #leaving = new Map<string, Leaving>();
	#view: Viewport | null = null;

	/**
	 * The labels to draw for the layout's `placed` at `view` and time `now` (ms): those placed, and
	 * those dropped less than FADE_MS ago. In a fixed order (see `order`), so the elements keep
	 * their places in the document: one moved there would lose its transition.
	 */
	next(placed: readonly PlacedLabel[], view: Viewport, now: number): ShownLabel[] {
		const current = new Map(placed.map((l) => [l.key, l]));
		const before = this.#view;
		for (const [key, label] of this.#current)
			if (!current.has(key) && before)
				this.#leaving.set(key, {
					label,
					x: (label.x - before.tx) / before.scale,
					y: (label.y - before.ty) / before.scale,
					since: now
				});
		for (const [key, gone] of this.#leaving)
			if (current.has(key) || now - gone.since >= FADE_MS) this.#leaving.delete(key);
		this.#current = current;
		this.#view = view;
		const out: ShownLabel[] = placed.map((l) => ({ ...l, shown: true }));
		for (const { label, x, y } of this.#leaving.values())
			out.push({
				...label,
				x: x * view.scale + view.tx,
				y: y * view.scale + view.ty,
				shown: false
			});
		return out.sort(order);
	}
}

/** By section, then by place: the same for a label whichever frame it is in. */
function order(a: PlacedLabel, b: PlacedLabel): number {
	return a.section - b.section || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}
