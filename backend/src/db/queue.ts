/**
 * Runs async jobs one at a time, in call order. PGlite has one connection: a query that slips in
 * while another caller's transaction is open would run inside that transaction.
 *
 * Each job starts on a turn of the event loop of its own (setImmediate), not straight from the
 * previous job's promise: PGlite works synchronously, so a chain of queued jobs would otherwise
 * run back to back as microtasks while no socket is read and no connection accepted. Node accepts
 * one new connection per turn of the loop, so under load a burst of new clients waited seconds
 * (one turn served every busy keep-alive socket first); with a turn per job it waits one job each.
 */
export class SerialQueue {
	#tail: Promise<unknown> = Promise.resolve();

	run<T>(job: () => Promise<T>): Promise<T> {
		const result = this.#tail.then(nextTurn).then(job);
		// The chain continues whether the job failed or not; the caller sees the failure.
		this.#tail = result.catch(() => {});
		return result;
	}
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
