import type { Vsn } from './serializer.ts';

/** What the topic registry, broadcast and presence need from a joined channel. */
export interface Member {
	/** `realtime:<name>`, as frames carry it. */
	readonly topic: string;
	/** The namespace the channel joined: public and private channels of one topic are apart. */
	readonly room: string;
	readonly vsn: Vsn;
	readonly self: boolean;
	/** Gets presence state and diffs (presence enabled, and readable on a private channel). */
	readonly presenceEnabled: boolean;
	/** Gets broadcasts (always on a public channel; by policy on a private one). */
	readonly broadcastRead: boolean;
	/** Ids of the database messages replayed to it at join, so none arrives twice. */
	readonly replayed?: ReadonlySet<string>;
	sendFrame(frame: Buffer | Uint8Array, binary: boolean): void;
}

/**
 * The room of a topic: Realtime keeps a public and a private subscription per topic (a message sent
 * with `private: true` reaches only private channels, and the other way round).
 */
export function roomOf(topic: string, isPrivate: boolean): string {
	return isPrivate ? `private|${topic}` : topic;
}

/** Joined channels by room (see `roomOf`). */
export class Topics<M extends Member = Member> {
	#members = new Map<string, Set<M>>();

	add(member: M): void {
		let set = this.#members.get(member.room);
		if (!set) this.#members.set(member.room, (set = new Set()));
		set.add(member);
	}

	remove(member: M): void {
		const set = this.#members.get(member.room);
		if (!set) return;
		set.delete(member);
		if (set.size === 0) this.#members.delete(member.room);
	}

	members(room: string): ReadonlySet<M> {
		return this.#members.get(room) ?? new Set();
	}

	get size(): number {
		return this.#members.size;
	}
}
