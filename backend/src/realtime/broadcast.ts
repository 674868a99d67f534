import { EVENT } from './protocol.ts';
import { encodeRaw, encodeUserBroadcast, type UserBroadcast } from './serializer.ts';
import type { Member, Topics } from './topics.ts';

export interface BroadcastOptions {
	/** The sending channel: skipped unless it joined with `broadcast.self`. */
	from?: Member;
	/** Database messages: the row's id, sent as metadata `{"id": …}` (`meta` in realtime-js). */
	id?: string;
}

/**
 * Broadcast fan-out to the members of `room` that may read broadcasts: vsn 2 members get binary
 * kind 4 (the payload bytes unchanged), vsn 1 members a JSON `broadcast` frame. Each form is
 * encoded once per message, not once per member.
 */
export function broadcast(
	topics: Topics,
	room: string,
	topic: string,
	message: UserBroadcast,
	{ from, id }: BroadcastOptions = {}
): void {
	const meta = id === undefined ? undefined : JSON.stringify({ id });
	let binary: Uint8Array | undefined | null;
	const text = new Map<string, Buffer>();
	for (const member of topics.members(room)) {
		if ((member === from && !member.self) || !member.broadcastRead) continue;
		if (id !== undefined && member.replayed?.has(id)) continue;
		if (member.vsn === '2.0.0') {
			if (binary === undefined) binary = encodeUserBroadcast(topic, message, meta) ?? null;
			if (binary) {
				member.sendFrame(binary, true);
				continue;
			}
		}
		// vsn 1 cannot carry raw bytes; they are dropped there, as the real server does
		if (!('json' in message.payload)) continue;
		let frame = text.get(member.vsn);
		if (!frame) {
			frame = Buffer.from(
				encodeRaw(
					member.vsn,
					null,
					null,
					topic,
					EVENT.broadcast,
					broadcastJson(message.event, message.payload.json, meta)
				)
			);
			text.set(member.vsn, frame);
		}
		member.sendFrame(frame, false);
	}
}

/** The JSON payload of a `broadcast` text frame: `{type, event, payload, meta?}`. */
export function broadcastJson(event: string, json: string, meta?: string): string {
	const tail = meta === undefined ? '' : `,"meta":${meta}`;
	return `{"type":"broadcast","event":${JSON.stringify(event)},"payload":${json}${tail}}`;
}

/** A JSON-frame broadcast push (`{type:'broadcast', event, payload}`) as a UserBroadcast. */
export function fromJsonPush(payload: unknown): UserBroadcast | undefined {
	if (!payload || typeof payload !== 'object') return undefined;
	const p = payload as Record<string, unknown>;
	if (typeof p.event !== 'string') return undefined;
	return { event: p.event, payload: { json: JSON.stringify(p.payload ?? {}) } };
}
