import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { Credentials } from '../http/credentials.ts';
import { Channel, JoinRefused, type Context } from './channel.ts';
import { parseJoin } from './join.ts';
import { API_ROLES, EVENT, PHOENIX_TOPIC, REASON, TOPIC_PREFIX } from './protocol.ts';
import { decodeBinary, decodeText, encodeText, type Message, type Vsn } from './serializer.ts';
import { tokenError } from './tokens.ts';
import { wsFrame, type Outbox, type Sequence, type Sink } from './outbox.ts';

const { OPEN } = WebSocket;

const MAX_CHANNELS = 100;
/** A client that stops reading is cut off rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Phoenix's transport timeout: the client heartbeats every 25 s. */
export const IDLE_TIMEOUT_MS = 60_000;

/**
 * One WebSocket connection (a Phoenix socket): decodes frames, answers heartbeats, routes channel
 * messages by topic. Frames of one connection are handled in order, one at a time, so a join's
 * database work finishes before the next message of that client is looked at.
 */
export class Socket implements Sink {
	readonly vsn: Vsn;
	#ws: WebSocket;
	#ctx: Context;
	#auth: Credentials;
	#channels = new Map<string, Channel>();
	#queue: Promise<void> = Promise.resolve();
	#closed = false;
	#tcp: Duplex;
	#outbox: Outbox;
	pending: Sequence | undefined;
	lastSeen = Date.now();

	constructor(ws: WebSocket, vsn: Vsn, auth: Credentials, ctx: Context, outbox: Outbox) {
		this.#ws = ws;
		this.#outbox = outbox;
		// ws keeps the upgraded TCP socket here; frames go to it directly (see outbox.ts).
		const tcp = (ws as unknown as { _socket?: Duplex })._socket;
		if (!tcp) throw new Error('ws without its TCP socket');
		this.#tcp = tcp;
		this.vsn = vsn;
		this.#auth = auth;
		this.#ctx = ctx;
		ws.on('message', (data, isBinary) => this.#onFrame(data as Buffer | Buffer[], isBinary));
		ws.on('close', () => this.#onClose());
		ws.on('error', () => this.#onClose());
	}

	get closed(): boolean {
		return this.#closed;
	}

	sendFrame(frame: Buffer | Uint8Array, binary: boolean): void {
		if (this.#closed) return;
		if (this.#tcp.writableLength > MAX_BUFFERED_BYTES) {
			this.terminate();
			return;
		}
		this.#outbox.push(this, wsFrame(frame, binary));
	}

	/** Outbox sink: complete WebSocket frames, written straight to the TCP socket. */
	write(bytes: Buffer): void {
		// ws writes its own control frames (close, pong) immediately too, never queued (no
		// permessage-deflate, no Blobs), so both writers keep frame boundaries and order.
		if (this.#ws.readyState === OPEN && this.#tcp.writable) this.#tcp.write(bytes);
	}

	#flushOwn(): void {
		const seq = this.pending;
		this.pending = undefined;
		if (seq) this.write(seq.bytes());
	}

	#send(
		joinRef: string | null,
		ref: string | null,
		topic: string,
		event: string,
		payload: unknown
	) {
		this.sendFrame(Buffer.from(encodeText(this.vsn, joinRef, ref, topic, event, payload)), false);
	}

	#onFrame(data: Buffer | Buffer[], isBinary: boolean): void {
		this.lastSeen = Date.now();
		const buf = Array.isArray(data) ? Buffer.concat(data) : data;
		const msg: Message | undefined = isBinary
			? decodeBinary(buf)
			: decodeText(buf.toString('utf8'), this.vsn);
		if (!msg) return; // garbage is ignored; the connection and everything else stay up
		if (msg.topic === PHOENIX_TOPIC && msg.event === EVENT.heartbeat) {
			this.#send(null, msg.ref, PHOENIX_TOPIC, EVENT.reply, { status: 'ok', response: {} });
			return;
		}
		this.#queue = this.#queue
			.then(() => this.#handle(msg))
			.catch((e) => console.error('[realtime] message handling failed:', e));
	}

	async #handle(msg: Message): Promise<void> {
		if (this.#closed) return;
		if (msg.event === EVENT.join) return this.#join(msg);
		const channel = this.#channels.get(msg.topic);
		if (!channel || (msg.joinRef !== null && msg.joinRef !== channel.joinRef)) {
			this.#send(msg.joinRef, msg.ref, msg.topic, EVENT.reply, {
				status: 'error',
				response: { reason: REASON.unmatchedTopic }
			});
			return;
		}
		await channel.handle(msg);
	}

	async #join(msg: Message): Promise<void> {
		const fail = (reason: string) =>
			this.#send(msg.joinRef, msg.ref, msg.topic, EVENT.reply, {
				status: 'error',
				response: { reason }
			});
		if (!msg.topic.startsWith(TOPIC_PREFIX)) return fail(REASON.unmatchedTopic);
		const name = msg.topic.slice(TOPIC_PREFIX.length);
		if (name === '') return fail(REASON.topicRequired);
		const { config, accessToken } = parseJoin(msg.payload);
		// A second join on the same topic replaces the first, as Phoenix does.
		this.#channels.get(msg.topic)?.close();
		if (this.#channels.size >= MAX_CHANNELS) return fail(REASON.tooManyChannels);
		let auth = { token: this.#auth.token, claims: this.#auth.claims, role: this.#auth.role };
		if (accessToken !== undefined && accessToken !== '' && !accessToken.startsWith('sb_')) {
			const result = this.#ctx.verify(accessToken);
			if (!result.ok) return fail(REASON.invalidToken(tokenError(result, accessToken)));
			auth = { token: accessToken, claims: result.claims, role: result.role };
		}
		if (!API_ROLES.has(auth.role)) return fail(REASON.role(auth.role));
		const channel = new Channel(this, this.#ctx, msg.topic, msg.joinRef, config, auth);
		this.#channels.set(msg.topic, channel);
		channel.onStop = () => {
			if (this.#channels.get(msg.topic) === channel) this.#channels.delete(msg.topic);
		};
		try {
			await channel.start(msg.ref);
		} catch (e) {
			channel.stop();
			if (e instanceof JoinRefused) return fail(e.message);
			console.error('[realtime] join failed:', e);
			fail(REASON.internal);
		}
	}

	#onClose(): void {
		if (this.#closed) return;
		this.#closed = true;
		for (const channel of [...this.#channels.values()]) channel.stop();
		this.#channels.clear();
		this.onClose?.();
	}

	/** Server-side close (shutdown, idle, slow reader); the client reconnects and rejoins. */
	close(code = 1001, reason = 'server shutting down'): void {
		this.#flushOwn();
		try {
			this.#ws.close(code, reason);
			// a peer that never answers the close frame is cut off
			setTimeout(() => this.#ws.terminate(), 1000).unref();
		} catch {
			this.#ws.terminate();
		}
		this.#onClose();
	}

	terminate(): void {
		this.#ws.terminate();
		this.#onClose();
	}

	onClose: (() => void) | undefined;
}
