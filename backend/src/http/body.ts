/** Reads a request body with a size limit, so a huge upload is refused before it is buffered. */
export class BodyTooLarge extends Error {
	readonly limit: number;
	constructor(limit: number) {
		super(`Request body exceeds the limit of ${limit} bytes`);
		this.limit = limit;
	}
}

export async function readText(req: Request, limit: number): Promise<string> {
	const declared = Number(req.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge(limit);
	if (!req.body) return '';
	const reader = req.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel().catch(() => {});
			throw new BodyTooLarge(limit);
		}
		chunks.push(value);
	}
	return Buffer.concat(chunks).toString('utf8');
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * How deeply arrays and objects may nest in a request body. Real payloads stay within a handful of
 * levels; far deeper ones only serve to overflow the stack of whatever re-serialises them
 * (`JSON.stringify`, Postgres's JSON functions), so they are refused as they are parsed.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * JSON.parse without throwing; the message says where the text stops being JSON, or that it nests
 * deeper than `maxDepth`. Every JSON request body of the back end goes through here.
 */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonParse {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (e) {
		return { ok: false, message: (e as Error).message };
	}
	// Checked on valid JSON only, so the scan may trust that brackets and quotes pair up.
	if (jsonDepthExceeds(text, maxDepth)) {
		return { ok: false, message: `JSON nested deeper than ${maxDepth} levels` };
	}
	return { ok: true, value };
}

/**
 * Whether valid JSON `text` nests arrays/objects deeper than `maxDepth`: one pass over the text with
 * a counter (no recursion, so any depth is safe to check), skipping the contents of strings.
 */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
	let depth = 0;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		if (ch === QUOTE) {
			// Skip to the closing quote; a backslash escapes the next character.
			for (i++; i < text.length; i++) {
				const c = text.charCodeAt(i);
				if (c === BACKSLASH) i++;
				else if (c === QUOTE) break;
			}
		} else if (ch === OPEN_BRACKET || ch === OPEN_BRACE) {
			if (++depth > maxDepth) return true;
		} else if (ch === CLOSE_BRACKET || ch === CLOSE_BRACE) depth--;
	}
	return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
