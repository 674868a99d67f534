import { randomBytes } from 'node:crypto';
import { EVENT } from './protocol.ts';
import { encodeText } from './serializer.ts';
import type { Member, Topics } from './topics.ts';

/**
 * Phoenix Presence for one node: per topic, per key, one meta per tracking channel, each with a
 * unique `phx_ref`. Diffs go to every presence-enabled member of the topic, the tracker included.
 */

type Meta = Record<string, unknown> & { phx_ref: string; phx_ref_prev?: string };
type Metas = Record<string, { metas: Meta[] }>;

interface Tracked {
	key: string;
	meta: Meta;
	/** The tracked payload as sent, to make re-tracking the same payload a no-op. */
	json: string;
}

const newRef = () => `F${randomBytes(9).toString('base64url')}`;

export class Presence {
	#topics: Topics;
	/** topic → channel → what it tracks */
	#tracked = new Map<string, Map<Member, Tracked>>();

	constructor(topics: Topics) {
		this.#topics = topics;
	}

	/** Who is present in `room` (see `roomOf`). */
	state(room: string): Metas {
		const out: Metas = {};
		for (const { key, meta } of this.#tracked.get(room)?.values() ?? []) {
			(out[key] ??= { metas: [] }).metas.push(meta);
		}
		return out;
	}

	track(member: Member, key: string, payload: Record<string, unknown>): void {
		const json = JSON.stringify(payload);
		let byMember = this.#tracked.get(member.room);
		if (!byMember) this.#tracked.set(member.room, (byMember = new Map()));
		const old = byMember.get(member);
		if (old && old.json === json) return;
		const meta: Meta = { ...payload, phx_ref: newRef() };
		if (old) meta.phx_ref_prev = old.meta.phx_ref;
		byMember.set(member, { key, meta, json });
		this.#diff(
			member,
			{ [key]: { metas: [meta] } },
			old ? { [old.key]: { metas: [old.meta] } } : {}
		);
	}

	untrack(member: Member): void {
		const byMember = this.#tracked.get(member.room);
		const old = byMember?.get(member);
		if (!byMember || !old) return;
		byMember.delete(member);
		if (byMember.size === 0) this.#tracked.delete(member.room);
		this.#diff(member, {}, { [old.key]: { metas: [old.meta] } });
	}

	#diff({ room, topic }: Member, joins: Metas, leaves: Metas): void {
		const frames = new Map<string, Buffer>();
		for (const m of this.#topics.members(room)) {
			if (!m.presenceEnabled) continue;
			let frame = frames.get(m.vsn);
			if (!frame) {
				frame = Buffer.from(
					encodeText(m.vsn, null, null, topic, EVENT.presenceDiff, { joins, leaves })
				);
				frames.set(m.vsn, frame);
			}
			m.sendFrame(frame, false);
		}
	}
}
