import type { CredentialResult } from '../http/credentials.ts';
import type { Claims } from '../jwt.ts';
import { PUBLIC, type Authorizer, type Policies } from './authorization.ts';
import { broadcast, fromJsonPush } from './broadcast.ts';
import type { JoinConfig } from './join.ts';
import { replayFrame, replayMessages } from './messages.ts';
import type { Db } from '../db/types.ts';
import type { PostgresChanges } from './postgres-changes.ts';
import type { Presence } from './presence.ts';
import { API_ROLES, EVENT, EXTENSION, REASON, TOPIC_PREFIX } from './protocol.ts';
import { encodeText, type Message, type UserBroadcast, type Vsn } from './serializer.ts';
import { tokenError } from './tokens.ts';
import { roomOf, type Topics } from './topics.ts';

/** What channels share: the registries of the whole realtime service. */
export interface Context {
	db: Db;
	topics: Topics<Channel>;
	presence: Presence;
	changes: PostgresChanges;
	authorizer: Authorizer;
	/** Change capture installed and listening. */
	ready: Promise<void>;
	/** Runs `fn` while no captured batch is being delivered (see ChangeReader.exclusive). */
	exclusive<T>(fn: () => Promise<T>): Promise<T>;
	/** Verifies a channel token (join `access_token` or a pushed refresh). */
	verify(token: string): CredentialResult;
}

/** The connection a channel lives on. */
export interface Connection {
	readonly vsn: Vsn;
	readonly closed: boolean;
	sendFrame(frame: Buffer | Uint8Array, binary: boolean): void;
}

export interface ChannelAuth {
	token: string;
	claims: Claims;
	role: string;
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A join the server refuses, with the reason the error reply carries. */
export class JoinRefused extends Error {}

/** One joined topic on one connection (a Phoenix channel process, in the real server). */
export class Channel {
	readonly topic: string;
	readonly name: string;
	readonly room: string;
	readonly joinRef: string | null;
	readonly config: JoinConfig;
	role: string;
	claims: Claims;
	claimsKey: string;
	/** What the project's policies let this channel do; everything on a public channel. */
	policies: Policies = PUBLIC;
	replayed: Set<string> | undefined;
	/** Presence asked for at join, or turned on by a first track (as Realtime does). */
	#presenceOn: boolean;
	#token: string;
	#conn: Connection;
	#ctx: Context;
	#expiry: ReturnType<typeof setTimeout> | undefined;
	#open = true;

	constructor(
		conn: Connection,
		ctx: Context,
		topic: string,
		joinRef: string | null,
		config: JoinConfig,
		auth: ChannelAuth
	) {
		this.#conn = conn;
		this.#ctx = ctx;
		this.topic = topic;
		this.name = topic.slice(TOPIC_PREFIX.length);
		this.room = roomOf(topic, config.private);
		this.joinRef = joinRef;
		this.config = config;
		this.#presenceOn = config.presenceEnabled;
		this.#token = auth.token;
		this.role = auth.role;
		this.claims = auth.claims;
		this.claimsKey = JSON.stringify(auth.claims);
		this.#scheduleExpiry();
	}

	get vsn(): Vsn {
		return this.#conn.vsn;
	}
	get self(): boolean {
		return this.config.self;
	}
	get presenceEnabled(): boolean {
		return this.#presenceOn && this.policies.presenceRead;
	}
	get broadcastRead(): boolean {
		return this.policies.broadcastRead;
	}
	get open(): boolean {
		return this.#open;
	}

	sendFrame(frame: Buffer | Uint8Array, binary = false): void {
		if (this.#open) this.#conn.sendFrame(frame, binary);
	}

	push(event: string, payload: unknown, ref: string | null = null): void {
		this.sendFrame(
			Buffer.from(encodeText(this.vsn, this.joinRef, ref, this.topic, event, payload))
		);
	}

	reply(ref: string | null, status: 'ok' | 'error', response: unknown = {}): void {
		this.push(EVENT.reply, { status, response }, ref);
	}

	system(extension: string, status: 'ok' | 'error', message: string): void {
		this.push(EVENT.system, { extension, status, message, channel: this.name });
	}

	/** May this channel read its topic at all? (A private one: broadcast, or presence when enabled.) */
	#canRead(p: Policies): boolean {
		return p.broadcastRead || (this.config.presenceEnabled && p.presenceRead);
	}

	/**
	 * Authorises the join, registers postgres_changes, replies, then confirms the subscription and
	 * replays stored messages. Throws JoinRefused with the reply's reason.
	 */
	async start(ref: string | null): Promise<void> {
		await this.#ctx.ready;
		const { replay } = this.config;
		if (this.config.private) {
			this.policies = await this.#ctx.authorizer.check(this.name, this.role, this.claims);
			if (!this.#canRead(this.policies)) throw new JoinRefused(REASON.cannotRead(this.name));
		}
		if (replay !== undefined) {
			if (!this.config.private) throw new JoinRefused(REASON.replayPublic);
			if (!this.policies.broadcastRead) throw new JoinRefused(REASON.cannotRead(this.name));
			if (replay === 'invalid') throw new JoinRefused(REASON.replayInvalid);
		}
		const params = this.config.postgresChanges;
		const result = params.length > 0 ? await this.#ctx.changes.subscribe(this, params) : undefined;
		const joined = () => {
			// From here on synchronous: nothing is fanned out to the channel before its join reply.
			this.#ctx.topics.add(this);
			this.reply(ref, 'ok', { postgres_changes: result?.reply ?? [] });
			if (result) {
				if (result.error) this.system(EXTENSION.postgresChanges, 'error', result.error);
				else this.system(EXTENSION.postgresChanges, 'ok', REASON.subscribed);
			}
		};
		if (replay === undefined || replay === 'none') {
			if (!this.#open || this.#conn.closed) return this.stop();
			joined();
		} else {
			const { since, limit } = replay;
			const ok = await this.#ctx.exclusive(async () => {
				let messages;
				try {
					messages = await replayMessages(this.#ctx.db, this.name, since, limit);
				} catch (e) {
					console.error('[realtime] replay failed:', e);
					return false;
				}
				if (!this.#open || this.#conn.closed) return true;
				this.replayed = new Set(messages.map((m) => m.id));
				joined();
				for (const m of messages) {
					const frame = replayFrame(this.vsn, this.joinRef, this.topic, m);
					if (frame) this.sendFrame(frame);
				}
				return true;
			});
			if (!ok) throw new JoinRefused(REASON.replayFailed);
			if (!this.#open || this.#conn.closed) return this.stop();
		}
		if (this.presenceEnabled) {
			this.push(EVENT.presenceState, this.#ctx.presence.state(this.room));
		}
	}

	async handle(msg: Message & { broadcast?: UserBroadcast }): Promise<void> {
		switch (msg.event) {
			case EVENT.leave:
				this.reply(msg.ref, 'ok');
				this.close();
				return;
			case EVENT.accessToken:
				return this.#refresh(msg.payload);
			case EVENT.broadcast: {
				const b = msg.broadcast ?? fromJsonPush(msg.payload);
				// a broadcast the INSERT policy refuses is dropped without a reply, as Realtime does
				if (!b || !this.policies.broadcastWrite) return;
				broadcast(this.#ctx.topics, this.room, this.topic, b, { from: this });
				if (this.config.ack) this.reply(msg.ref, 'ok');
				return;
			}
			case EVENT.presence:
				return this.#presence(msg);
			default:
			// Realtime ignores events it does not know.
		}
	}

	#presence(msg: Message): void {
		const p = (msg.payload && typeof msg.payload === 'object' ? msg.payload : {}) as Record<
			string,
			unknown
		>;
		if (p.event === 'track') {
			if (!this.policies.presenceWrite) {
				this.reply(msg.ref, 'error');
				return;
			}
			const meta = p.payload;
			if (!meta || typeof meta !== 'object' || Array.isArray(meta)) {
				this.reply(msg.ref, 'error', { reason: REASON.trackPayload });
				return;
			}
			this.#ctx.presence.track(this, this.config.presenceKey, meta as Record<string, unknown>);
			if (!this.#presenceOn) {
				// it never got the join's presence_state, so it gets one now
				this.#presenceOn = true;
				if (this.presenceEnabled) {
					this.push(EVENT.presenceState, this.#ctx.presence.state(this.room));
				}
			}
		} else if (p.event === 'untrack') {
			this.#ctx.presence.untrack(this);
		}
		this.reply(msg.ref, 'ok');
	}

	async #refresh(payload: unknown): Promise<void> {
		const token = (payload as { access_token?: unknown } | null)?.access_token;
		// sb_ keys, null and the current token change nothing; no reply either way.
		if (typeof token !== 'string' || token.startsWith('sb_') || token === this.#token) return;
		const result = this.#ctx.verify(token);
		if (!result.ok) return this.shutdown(tokenError(result, token));
		if (!API_ROLES.has(result.role)) return this.shutdown(REASON.role(result.role));
		const roleChanged = result.role !== this.role;
		if (this.config.private) {
			let next: Policies;
			try {
				next = await this.#ctx.authorizer.check(this.name, result.role, result.claims);
			} catch (e) {
				console.error('[realtime] re-authorising a channel failed:', e);
				return this.shutdown('Realtime was unable to connect to the project database');
			}
			if (!this.#open) return;
			const before = this.policies;
			const revoked =
				(before.broadcastRead && !next.broadcastRead) ||
				(this.config.presenceEnabled && before.presenceRead && !next.presenceRead);
			if (revoked) return this.shutdown(REASON.noLongerRead(this.name));
			this.policies = next;
		}
		this.#token = token;
		this.role = result.role;
		this.claims = result.claims;
		this.claimsKey = JSON.stringify(result.claims);
		this.#scheduleExpiry();
		if (roleChanged && this.config.postgresChanges.length > 0) {
			// Column privileges and filter validity depend on the role.
			const r = await this.#ctx.changes.subscribe(this, this.config.postgresChanges);
			if (!this.#open) this.#ctx.changes.unsubscribe(this);
			else if (r.error) this.system(EXTENSION.postgresChanges, 'error', r.error);
		}
	}

	#scheduleExpiry(): void {
		clearTimeout(this.#expiry);
		const exp = typeof this.claims.exp === 'number' ? this.claims.exp * 1000 : undefined;
		if (exp === undefined) return;
		const delay = exp - Date.now();
		if (delay > MAX_TIMEOUT_MS) return;
		this.#expiry = setTimeout(
			() =>
				this.shutdown(
					`Token has expired ${Math.max(0, Math.floor((Date.now() - exp) / 1000))} seconds ago`
				),
			Math.max(0, delay)
		);
		this.#expiry.unref();
	}

	/** Server-side end of the channel (token expiry): system error, then phx_close; no rejoin. */
	shutdown(message: string): void {
		if (!this.#open) return;
		this.system(EXTENSION.system, 'error', message);
		this.close();
	}

	/** phx_close with the join ref, then forget the channel. */
	close(): void {
		if (!this.#open) return;
		this.push(EVENT.close, {}, this.joinRef);
		this.stop();
	}

	/** Forget the channel without telling the client (socket gone, or after phx_close). */
	stop(): void {
		if (!this.#open) {
			return;
		}
		this.#open = false;
		clearTimeout(this.#expiry);
		this.#ctx.changes.unsubscribe(this);
		this.#ctx.presence.untrack(this);
		this.#ctx.topics.remove(this);
		this.onStop?.();
	}

	/** Set by the connection to drop the channel from its table. */
	onStop: (() => void) | undefined;
}
