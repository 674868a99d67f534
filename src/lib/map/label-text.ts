/**
 * The section labels' text as the page sets it (see SectionLabels' stylesheet), measured once per
 * text: the layout places boxes of these widths apart, and the first view leaves room for them.
 */
export const LABEL_FONT = '12px system-ui, sans-serif';
export const LABEL_BOLD = `600 ${LABEL_FONT}`;

let context: CanvasRenderingContext2D | null = null;
const widths = new Map<string, number>();

/** Text width in CSS px; `bold` for a label's first line. */
export function measureLabel(text: string, bold: boolean): number {
	const key = (bold ? 'b' : 'r') + text;
	let w = widths.get(key);
	if (w === undefined) {
		context ??=
			typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
		// Without a canvas (never in a browser), a generous guess.
		if (!context) return text.length * 7;
		context.font = bold ? LABEL_BOLD : LABEL_FONT;
		w = Math.ceil(context.measureText(text).width);
		widths.set(key, w);
	}
	return w;
}
