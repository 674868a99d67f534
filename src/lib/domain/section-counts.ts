/**
 * Free seats per section, kept up to date from the seats that changed. Each seat's last known
 * freedom is remembered, so a change costs as much as the seats it names, never a pass over the
 * venue's 50,000 seats; a seat named twice, or named without having changed, counts once.
 */
export class SectionCounts {
	readonly #sectionOf: ArrayLike<number>;
	/** 1 where the seat was free when last looked at. */
	readonly #free: Uint8Array;
	readonly #counts: Int32Array;

	/** Every seat starts free, as a venue before its first snapshot is. */
	constructor(sectionOf: ArrayLike<number>, sections: number) {
		this.#sectionOf = sectionOf;
		this.#free = new Uint8Array(sectionOf.length).fill(1);
		this.#counts = new Int32Array(sections);
		for (let i = 0; i < sectionOf.length; i++) this.#counts[sectionOf[i]]++;
	}

	/** Free seats in section `s`. */
	free(s: number): number {
		return this.#counts[s] ?? 0;
	}

	/** Looks at every seat again (a plain pass: the map's first view waits for it). */
	recount(isFree: (i: number) => boolean): void {
		const free = this.#free;
		const counts = this.#counts;
		const sectionOf = this.#sectionOf;
		for (let i = 0; i < free.length; i++) {
			const now = isFree(i) ? 1 : 0;
			if (now === free[i]) continue;
			free[i] = now;
			counts[sectionOf[i]] += now ? 1 : -1;
		}
	}

	/** Looks at these seats again; true if any section's count moved. */
	update(seats: Iterable<number>, isFree: (i: number) => boolean): boolean {
		let moved = false;
		for (const i of seats) {
			if (i < 0 || i >= this.#free.length) continue;
			const now = isFree(i) ? 1 : 0;
			if (now === this.#free[i]) continue;
			this.#free[i] = now;
			this.#counts[this.#sectionOf[i]] += now ? 1 : -1;
			moved = true;
		}
		return moved;
	}
}
