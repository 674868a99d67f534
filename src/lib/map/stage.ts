/** What the audience faces, in seat coordinates: drawn on the map, read from the event. */
export interface Stage {
	kind: 'stage' | 'screen' | 'pitch';
	x: number;
	y: number;
	width: number;
	height: number;
	label: string;
}

const KINDS = new Set(['stage', 'screen', 'pitch']);

/** The event's stage when it has a well-formed one; anything else draws nothing. */
export function parseStage(value: unknown): Stage | null {
	if (!value || typeof value !== 'object') return null;
	const v = value as Record<string, unknown>;
	const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
	if (typeof v.kind !== 'string' || !KINDS.has(v.kind)) return null;
	if (!finite(v.x) || !finite(v.y) || !finite(v.width) || !finite(v.height)) return null;
	if (v.width <= 0 || v.height <= 0) return null;
	const label = typeof v.label === 'string' ? v.label : '';
	return {
		kind: v.kind as Stage['kind'],
		x: v.x,
		y: v.y,
		width: v.width,
		height: v.height,
		label
	};
}
