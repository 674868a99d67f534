/**
 * Phoenix frames as realtime-js speaks them: vsn 1.0.0 JSON objects, vsn 2.0.0 JSON arrays, and the
 * two binary user-broadcast kinds (3 in, 4 out). Decoding never throws: a frame that is not one of
 * these shapes (or nests JSON deeper than body.ts's MAX_JSON_DEPTH) decodes to `undefined` and is ignored by
 * the caller.
 */

import { parseJson } from '../http/body.ts';

export type Vsn = '1.0.0' | '2.0.0';

export interface Message {
	joinRef: string | null;
	ref: string | null;
	topic: string;
	event: string;
	payload: unknown;
}

/** A user broadcast as it arrives (kind 3 or JSON) and leaves (kind 4 or JSON). */
export interface UserBroadcast {
	event: string;
	/** JSON text for encoding 1, raw bytes for encoding 0. */
	payload: { json: string } | { bytes: Uint8Array };
}

export interface BinaryPush extends Message {
	event: 'broadcast';
	broadcast: UserBroadcast;
}

const KIND_USER_BROADCAST_PUSH = 3;
const KIND_USER_BROADCAST = 4;
const ENCODING_BINARY = 0;
const ENCODING_JSON = 1;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** JSON.parse, or undefined for text that is not JSON or nests too deep. */
function parseFrameJson(text: string): { value: unknown } | undefined {
	const parsed = parseJson(text);
	return parsed.ok ? { value: parsed.value } : undefined;
}

const isRef = (v: unknown): v is string | null => v === null || typeof v === 'string';
const refOf = (v: unknown): string | null =>
	typeof v === 'number' ? String(v) : isRef(v) ? v : null;

export function decodeText(text: string, vsn: Vsn): Message | undefined {
	const parsed = parseFrameJson(text);
	if (!parsed) return undefined;
	const frame = parsed.value;
	if (vsn === '2.0.0' && Array.isArray(frame) && frame.length === 5) {
		const [joinRef, ref, topic, event, payload] = frame;
		if (typeof topic !== 'string' || typeof event !== 'string') return undefined;
		return { joinRef: refOf(joinRef), ref: refOf(ref), topic, event, payload };
	}
	if (vsn === '1.0.0' && frame && typeof frame === 'object' && !Array.isArray(frame)) {
		const { join_ref, ref, topic, event, payload } = frame as Record<string, unknown>;
		if (typeof topic !== 'string' || typeof event !== 'string') return undefined;
		return { joinRef: refOf(join_ref), ref: refOf(ref), topic, event, payload };
	}
	return undefined;
}

/** Binary kind 3 (user broadcast push); every other kind is refused as realtime-js never sends it. */
export function decodeBinary(data: Uint8Array): BinaryPush | undefined {
	try {
		if (data.length < 7 || data[0] !== KIND_USER_BROADCAST_PUSH) return undefined;
		const [joinRefLen, refLen, topicLen, eventLen, metaLen, encoding] = data.subarray(1, 7);
		if (encoding !== ENCODING_BINARY && encoding !== ENCODING_JSON) return undefined;
		let at = 7;
		const take = (n: number) => {
			if (at + n > data.length) throw new RangeError('truncated frame');
			const s = utf8.decode(data.subarray(at, at + n));
			at += n;
			return s;
		};
		const joinRef = take(joinRefLen);
		const ref = take(refLen);
		const topic = take(topicLen);
		const event = take(eventLen);
		take(metaLen); // metadata (e.g. `persist`) only matters for private channels
		const body = data.subarray(at);
		let payload: UserBroadcast['payload'];
		if (encoding === ENCODING_JSON) {
			const json = utf8.decode(body);
			// refuse what receivers could not parse
			if (!parseFrameJson(json)) return undefined;
			payload = { json };
		} else {
			payload = { bytes: new Uint8Array(body) };
		}
		return {
			joinRef: joinRef || null,
			ref: ref || null,
			topic,
			event: 'broadcast',
			payload: undefined,
			broadcast: { event, payload }
		};
	} catch {
		return undefined;
	}
}

export function encodeText(
	vsn: Vsn,
	joinRef: string | null,
	ref: string | null,
	topic: string,
	event: string,
	payload: unknown
): string {
	return encodeRaw(vsn, joinRef, ref, topic, event, JSON.stringify(payload));
}

/** Like `encodeText` with the payload already serialized, so fan-out stringifies it once. */
export function encodeRaw(
	vsn: Vsn,
	joinRef: string | null,
	ref: string | null,
	topic: string,
	event: string,
	payloadJson: string
): string {
	const j = JSON.stringify(joinRef);
	const r = JSON.stringify(ref);
	const t = JSON.stringify(topic);
	const e = JSON.stringify(event);
	return vsn === '2.0.0'
		? `[${j},${r},${t},${e},${payloadJson}]`
		: `{"join_ref":${j},"ref":${r},"topic":${t},"event":${e},"payload":${payloadJson}}`;
}

/**
 * Binary kind 4, or `undefined` when a header string is too long for its one-byte length.
 * `meta`: JSON text realtime-js hands over as `meta` (database messages carry `{"id": …}`).
 */
export function encodeUserBroadcast(
	topic: string,
	b: UserBroadcast,
	meta?: string
): Uint8Array | undefined {
	const topicBytes = encoder.encode(topic);
	const eventBytes = encoder.encode(b.event);
	const metaBytes = meta === undefined ? new Uint8Array(0) : encoder.encode(meta);
	if (topicBytes.length > 255 || eventBytes.length > 255 || metaBytes.length > 255)
		return undefined;
	const body = 'json' in b.payload ? encoder.encode(b.payload.json) : b.payload.bytes;
	const head = 5 + topicBytes.length + eventBytes.length + metaBytes.length;
	const out = new Uint8Array(head + body.length);
	out[0] = KIND_USER_BROADCAST;
	out[1] = topicBytes.length;
	out[2] = eventBytes.length;
	out[3] = metaBytes.length;
	out[4] = 'json' in b.payload ? ENCODING_JSON : ENCODING_BINARY;
	out.set(topicBytes, 5);
	out.set(eventBytes, 5 + topicBytes.length);
	out.set(metaBytes, 5 + topicBytes.length + eventBytes.length);
	out.set(body, head);
	return out;
}

/** Test helper and documentation of kind 3: what realtime-js's serializer produces. */
export function encodeUserBroadcastPush(
	joinRef: string,
	ref: string,
	topic: string,
	event: string,
	json: string
): Uint8Array {
	const parts = [joinRef, ref, topic, event, ''].map((s) => encoder.encode(s));
	const body = encoder.encode(json);
	const head = [KIND_USER_BROADCAST_PUSH, ...parts.map((p) => p.length), ENCODING_JSON];
	const out = new Uint8Array(head.length + parts.reduce((n, p) => n + p.length, 0) + body.length);
	out.set(head, 0);
	let at = head.length;
	for (const p of [...parts, body]) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}
