import { encodeRaw, encodeUserBroadcast, type UserBroadcast } from './serializer.ts';
import type { Member, Topics } from './topics.ts';

/**
 * Broadcast fan-out: vsn 2 members get binary kind 4 (the sender's payload bytes unchanged), vsn 1
 * members a JSON `broadcast` frame. Each form is encoded once per message, not once per member.
 * `from` is excluded unless it joined with `broadcast.self`.
 */
export function broadcast(
	topics: Topics,
	topic: string,
	message: UserBroadcast,
	from?: Member
): void {
	let binary: Uint8Array | undefined | null;
	const text = new Map<string, Buffer>();
	for (const member of topics.members(topic)) {
		if (member === from && !member.self) continue;
		if (member.vsn === '2.0.0') {
			if (binary === undefined) binary = encodeUserBroadcast(topic, message) ?? null;
			if (binary) {
				member.sendFrame(binary, true);
				continue;
			}
		}
		// vsn 1 cannot carry raw bytes; they are dropped there, as the real server does
		if (!('json' in message.payload)) continue;
		let frame = text.get(member.vsn);
		if (!frame) {
			const payload = `{"type":"broadcast","event":${JSON.stringify(message.event)},"payload":${message.payload.json}}`;
			frame = Buffer.from(encodeRaw(member.vsn, null, null, topic, 'broadcast', payload));
			text.set(member.vsn, frame);
		}
		member.sendFrame(frame, false);
	}
}

/** A JSON-frame broadcast push (`{type:'broadcast', event, payload}`) as a UserBroadcast. */
export function fromJsonPush(payload: unknown): UserBroadcast | undefined {
	if (!payload || typeof payload !== 'object') return undefined;
	const p = payload as Record<string, unknown>;
	if (typeof p.event !== 'string') return undefined;
	return { event: p.event, payload: { json: JSON.stringify(p.payload ?? {}) } };
}
