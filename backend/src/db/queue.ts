/**
 * Runs async jobs one at a time, in call order. PGlite has one connection: a query that slips in
 * while another caller's transaction is open would run inside that transaction.
 */
export class SerialQueue {
	#tail: Promise<unknown> = Promise.resolve();

	run<T>(job: () => Promise<T>): Promise<T> {
		const result = this.#tail.then(job);
		// The chain continues whether the job failed or not; the caller sees the failure.
		this.#tail = result.catch(() => {});
		return result;
	}
}
