import { describe, expect, it } from 'vitest';
import { SerialQueue } from './queue.ts';

describe('SerialQueue', () => {
	it('runs jobs one at a time in call order; a failure reaches only its caller', async () => {
		const q = new SerialQueue();
		const order: string[] = [];
		let running = 0;
		const job = (name: string, fail = false) =>
			q.run(async () => {
				running++;
				expect(running).toBe(1);
				await Promise.resolve();
				order.push(name);
				running--;
				if (fail) throw new Error(name);
				return name;
			});
		const results = await Promise.allSettled([job('a'), job('b', true), job('c')]);
		expect(order).toEqual(['a', 'b', 'c']);
		expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
	});

	it('lets the event loop turn between jobs, so sockets are served while jobs queue up', async () => {
		const q = new SerialQueue();
		const order: string[] = [];
		const first = q.run(async () => {
			order.push('first');
			// Stands for I/O that became ready while the first job ran (a request, a connection).
			setImmediate(() => order.push('io'));
		});
		const second = q.run(async () => {
			order.push('second');
		});
		await Promise.all([first, second]);
		expect(order).toEqual(['first', 'io', 'second']);
	});
});
