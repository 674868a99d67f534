/**
 * The named prepared statements of one connection, most recently used last. A text gets a fresh
 * name the first time it is used (names are never reused, so a stale one can never run another
 * text); past `capacity` the least recently used is closed, and that Close rides along with the
 * next batch, so neither preparing nor evicting costs a round trip.
 */
export class PreparedStatements {
	readonly capacity: number;
	#names = new Map<string, string>();
	#closing: string[] = [];
	#next = 0;

	constructor(capacity = 200) {
		this.capacity = capacity;
	}

	/** The name to bind `text` to, and whether the batch must parse it under that name first. */
	use(text: string): { name: string; parse: boolean } {
		const known = this.#names.get(text);
		if (known !== undefined) {
			this.#names.delete(text);
			this.#names.set(text, known);
			return { name: known, parse: false };
		}
		const name = `pgrst_stmt_${++this.#next}`;
		this.#names.set(text, name);
		if (this.#names.size > this.capacity) {
			const [oldest, evicted] = this.#names.entries().next().value as [string, string];
			this.#names.delete(oldest);
			this.#closing.push(evicted);
		}
		return { name, parse: true };
	}

	/** Statements to close at the start of the next batch (closing an unknown name is no error). */
	takeClosing(): string[] {
		const names = this.#closing;
		this.#closing = [];
		return names;
	}

	/**
	 * After a failed batch: a statement it was to parse may or may not exist (messages after the
	 * failure are skipped), so it is forgotten and closed to be sure. When the server says a name
	 * does not exist (26000: someone ran DEALLOCATE ALL or DISCARD ALL on the connection), all are.
	 */
	forget(names: string[], code?: string): void {
		for (const [text, name] of this.#names) {
			if (code === UNKNOWN_STATEMENT || names.includes(name)) {
				this.#names.delete(text);
				this.#closing.push(name);
			}
		}
	}
}

/** SQLSTATE invalid_sql_statement_name: a prepared statement the connection no longer has. */
export const UNKNOWN_STATEMENT = '26000';

/**
 * A batch outside a transaction that failed only because its prepared statements were gone ran
 * nothing (the failure rolled it back), so it runs once more, re-preparing them.
 */
export async function retryingUnknownStatement<T>(run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (e) {
		if ((e as { code?: unknown }).code !== UNKNOWN_STATEMENT) throw e;
		return run();
	}
}
