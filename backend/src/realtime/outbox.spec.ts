/**
 * The outbox's contract: every socket gets exactly its frames, in the order sent, in one write per
 * flush, and sockets owed the same frames share one buffer. (End to end, every realtime test goes
 * through it; the slow-reader test in protocol.spec.ts covers 64-bit frame lengths.)
 */
import { describe, expect, it } from 'vitest';
import { Outbox, wsFrame, type Sequence, type Sink } from './outbox.ts';

class FakeSink implements Sink {
	pending: Sequence | undefined;
	written: Buffer[] = [];
	write(bytes: Buffer) {
		this.written.push(bytes);
	}
}

const text = (s: string) => Buffer.from(s);

describe('wsFrame', () => {
	it('writes an unmasked final frame with the shortest length form', () => {
		for (const [n, head] of [
			[0, [0x81, 0]],
			[125, [0x81, 125]],
			[126, [0x81, 126, 0, 126]],
			[65535, [0x81, 126, 0xff, 0xff]],
			[65536, [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]]
		] as const) {
			const frame = wsFrame(Buffer.alloc(n, 0x61), false);
			expect([...frame.subarray(0, head.length)]).toEqual(head);
			expect(frame.length).toBe(head.length + n);
		}
		expect(wsFrame(Uint8Array.of(4, 1), true)[0]).toBe(0x82);
	});

	it('frames each payload once', () => {
		const payload = text('{"a":1}');
		expect(wsFrame(payload, false)).toBe(wsFrame(payload, false));
	});
});

describe('Outbox', () => {
	it('writes each sink its own frames in order, sharing buffers between equal sequences', () => {
		const outbox = new Outbox();
		const [a, b, c, d] = [new FakeSink(), new FakeSink(), new FakeSink(), new FakeSink()];
		const [f1, f2, f3] = ['one', 'two', 'three'].map((s) => wsFrame(text(s), false));
		for (const s of [a, b, c]) outbox.push(s, f1);
		for (const s of [a, b, c]) outbox.push(s, f2);
		outbox.push(c, f3);
		outbox.push(d, f2);
		outbox.push(d, f1);
		outbox.flush();
		expect(a.written).toHaveLength(1);
		expect(a.written[0]).toBe(b.written[0]);
		expect(a.written[0]).toEqual(Buffer.concat([f1, f2]));
		expect(c.written).toEqual([Buffer.concat([f1, f2, f3])]);
		expect(d.written).toEqual([Buffer.concat([f2, f1])]);
		// a single frame goes out as it is, uncopied
		const e = new FakeSink();
		outbox.push(e, f3);
		outbox.flush();
		expect(e.written[0]).toBe(f3);
		expect([a, b, c, d, e].every((s) => s.pending === undefined)).toBe(true);
	});

	it('flushes on the next turn of the event loop by itself', async () => {
		const outbox = new Outbox();
		const s = new FakeSink();
		const frame = wsFrame(text('x'), false);
		outbox.push(s, frame);
		expect(s.written).toEqual([]);
		await new Promise((r) => setImmediate(r));
		expect(s.written).toEqual([frame]);
	});

	it('skips a sink that wrote what it owed early (a socket closing)', () => {
		const outbox = new Outbox();
		const s = new FakeSink();
		outbox.push(s, wsFrame(text('bye'), false));
		s.pending = undefined;
		outbox.flush();
		expect(s.written).toEqual([]);
	});
});
