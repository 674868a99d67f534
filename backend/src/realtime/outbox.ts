/**
 * Outgoing WebSocket frames of every connection, written in batches.
 *
 * With thousands of subscribers the cost of fan-out is one write (a syscall, and on loopback the
 * receiver's TCP work too) per socket, not the bytes. So frames are not written when sent: each
 * socket records the sequence of frames it owes, and one flush per event-loop turn (or per change
 * batch) writes it in one call. Sockets that owe the same sequence — the common case, thousands
 * of viewers of one event — share one buffer: sequences live in a trie keyed by frame identity, and
 * each distinct sequence is concatenated once. A server never masks its WebSocket frames, so the
 * bytes are identical for every socket.
 */

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const FIN = 0x80;

/** One complete WebSocket frame (header + payload) per payload, built once however many sockets send it. */
const framed = new WeakMap<Uint8Array, Buffer>();

export function wsFrame(payload: Uint8Array, binary: boolean): Buffer {
	const hit = framed.get(payload);
	if (hit) return hit;
	const n = payload.length;
	const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
	const out = Buffer.allocUnsafe(head + n);
	out[0] = FIN | (binary ? OPCODE_BINARY : OPCODE_TEXT);
	if (n < 126) out[1] = n;
	else if (n < 65536) {
		out[1] = 126;
		out.writeUInt16BE(n, 2);
	} else {
		out[1] = 127;
		out.writeBigUInt64BE(BigInt(n), 2);
	}
	out.set(payload, head);
	framed.set(payload, out);
	return out;
}

/** A node of the trie: the frames from the root to here, in order. */
export class Sequence {
	readonly parent: Sequence | undefined;
	readonly frame: Buffer | undefined;
	readonly length: number;
	// Most nodes have one child (everybody got the same frames), so the first is kept inline.
	#firstFrame: Buffer | undefined;
	#first: Sequence | undefined;
	#more: Map<Buffer, Sequence> | undefined;
	#bytes: Buffer | undefined;

	constructor(parent?: Sequence, frame?: Buffer) {
		this.parent = parent;
		this.frame = frame;
		this.length = (parent?.length ?? 0) + (frame?.length ?? 0);
	}

	next(frame: Buffer): Sequence {
		if (this.#firstFrame === frame) return this.#first!;
		if (this.#first === undefined) {
			this.#firstFrame = frame;
			return (this.#first = new Sequence(this, frame));
		}
		this.#more ??= new Map();
		let node = this.#more.get(frame);
		if (!node) this.#more.set(frame, (node = new Sequence(this, frame)));
		return node;
	}

	/** The frames as one buffer, built on first use. */
	bytes(): Buffer {
		if (this.#bytes) return this.#bytes;
		if (this.parent?.frame === undefined) return (this.#bytes = this.frame!);
		const out = Buffer.allocUnsafe(this.length);
		let at = this.length - this.frame!.length;
		out.set(this.frame!, at);
		for (let s: Sequence | undefined = this.parent; s?.frame; s = s.parent) {
			at -= s.frame.length;
			out.set(s.frame, at);
		}
		return (this.#bytes = out);
	}
}

/** A connection the outbox writes to. */
export interface Sink {
	/** What the sink owes; set by the outbox, cleared when written. */
	pending: Sequence | undefined;
	write(bytes: Buffer): void;
}

export class Outbox {
	#root = new Sequence();
	#dirty: Sink[] = [];
	#scheduled = false;

	push(sink: Sink, frame: Buffer): void {
		if (sink.pending === undefined) {
			this.#dirty.push(sink);
			if (!this.#scheduled) {
				this.#scheduled = true;
				setImmediate(() => this.flush());
			}
		}
		sink.pending = (sink.pending ?? this.#root).next(frame);
	}

	/** Writes everything owed. Called after each change batch, and on the next turn regardless. */
	flush(): void {
		this.#scheduled = false;
		const dirty = this.#dirty;
		if (dirty.length === 0) return;
		this.#dirty = [];
		this.#root = new Sequence();
		for (const sink of dirty) {
			const seq = sink.pending;
			if (seq === undefined) continue; // written early (a closing socket)
			sink.pending = undefined;
			sink.write(seq.bytes());
		}
	}
}
