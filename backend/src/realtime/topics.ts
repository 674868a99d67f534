import type { Vsn } from './serializer.ts';

/** What the topic registry, broadcast and presence need from a joined channel. */
export interface Member {
	readonly topic: string;
	readonly vsn: Vsn;
	readonly self: boolean;
	readonly presenceEnabled: boolean;
	sendFrame(frame: Buffer | Uint8Array, binary: boolean): void;
}

/** Joined channels by topic (`realtime:<name>`): the public broadcast/presence namespace. */
export class Topics<M extends Member = Member> {
	#members = new Map<string, Set<M>>();

	add(member: M): void {
		let set = this.#members.get(member.topic);
		if (!set) this.#members.set(member.topic, (set = new Set()));
		set.add(member);
	}

	remove(member: M): void {
		const set = this.#members.get(member.topic);
		if (!set) return;
		set.delete(member);
		if (set.size === 0) this.#members.delete(member.topic);
	}

	members(topic: string): ReadonlySet<M> {
		return this.#members.get(topic) ?? new Set();
	}

	get size(): number {
		return this.#members.size;
	}
}
