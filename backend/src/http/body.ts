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

/** JSON.parse without throwing; the message says where the text stops being JSON. */
export function parseJson(text: string): JsonParse {
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch (e) {
		return { ok: false, message: (e as Error).message };
	}
}
