import { randomUUID } from 'node:crypto';
import type { CredentialResult } from '../http/credentials.ts';
import type { Claims } from '../jwt.ts';
import { broadcast, fromJsonPush } from './broadcast.ts';
import type { PostgresChanges } from './postgres-changes.ts';
import type { Presence } from './presence.ts';
import { encodeText, type Message, type UserBroadcast, type Vsn } from './serializer.ts';
import { tokenError } from './tokens.ts';
import type { Topics } from './topics.ts';

/** What channels share: the registries of the whole realtime service. */
export interface Context {
	topics: Topics<Channel>;
	presence: Presence;
	changes: PostgresChanges;
	/** Change capture installed and listening. */
	ready: Promise<void>;
	/** Verifies a channel token (join `access_token` or a pushed refresh). */
	verify(token: string): CredentialResult;
}

/** The connection a channel lives on. */
export interface Connection {
	readonly vsn: Vsn;
	readonly closed: boolean;
	sendFrame(frame: Buffer | Uint8Array, binary: boolean): void;
}

export interface JoinConfig {
	self: boolean;
	ack: boolean;
	presenceKey: string;
	presenceEnabled: boolean;
	postgresChanges: unknown[];
}

const flag = (v: unknown) => v === true || v === 'true';
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function parseJoinConfig(payload: unknown): JoinConfig & { private: boolean } {
	const p = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
	const config = (p.config && typeof p.config === 'object' ? p.config : {}) as Record<
		string,
		unknown
	>;
	const b = (
		config.broadcast && typeof config.broadcast === 'object' ? config.broadcast : {}
	) as Record<string, unknown>;
	const pr = (
		config.presence && typeof config.presence === 'object' ? config.presence : {}
	) as Record<string, unknown>;
	const key = typeof pr.key === 'string' && pr.key !== '' ? pr.key : randomUUID();
	return {
		self: flag(b.self),
		ack: flag(b.ack),
		presenceKey: key,
		presenceEnabled: flag(pr.enabled),
		postgresChanges: Array.isArray(config.postgres_changes) ? config.postgres_changes : [],
		private: flag(config.private)
	};
}

/** One joined topic on one connection (a Phoenix channel process, in the real server). */
export class Channel {
	readonly topic: string;
	readonly name: string;
	readonly joinRef: string | null;
	readonly config: JoinConfig;
	role: string;
	claims: Claims;
	claimsKey: string;
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
		auth: { token: string; claims: Claims; role: string }
	) {
		this.#conn = conn;
		this.#ctx = ctx;
		this.topic = topic;
		this.name = topic.slice('realtime:'.length);
		this.joinRef = joinRef;
		this.config = config;
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
		return this.config.presenceEnabled;
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
		this.push('phx_reply', { status, response }, ref);
	}

	system(extension: string, status: 'ok' | 'error', message: string): void {
		this.push('system', { extension, status, message, channel: this.name });
	}

	/** Registers postgres_changes, replies to the join, then confirms the subscription. */
	async start(ref: string | null): Promise<void> {
		await this.#ctx.ready;
		const params = this.config.postgresChanges;
		const result = params.length > 0 ? await this.#ctx.changes.subscribe(this, params) : undefined;
		if (!this.#open || this.#conn.closed) return this.stop();
		// From here on synchronous: nothing is fanned out to the channel before its join reply.
		this.#ctx.topics.add(this);
		this.reply(ref, 'ok', { postgres_changes: result?.reply ?? [] });
		if (result) {
			if (result.error) this.system('postgres_changes', 'error', result.error);
			else this.system('postgres_changes', 'ok', 'Subscribed to PostgreSQL');
		}
		if (this.config.presenceEnabled) {
			this.push('presence_state', this.#ctx.presence.state(this.topic));
		}
	}

	async handle(msg: Message & { broadcast?: UserBroadcast }): Promise<void> {
		switch (msg.event) {
			case 'phx_leave':
				this.reply(msg.ref, 'ok');
				this.close();
				return;
			case 'access_token':
				return this.#refresh(msg.payload);
			case 'broadcast': {
				const b = msg.broadcast ?? fromJsonPush(msg.payload);
				if (!b) return;
				broadcast(this.#ctx.topics, this.topic, b, this);
				if (this.config.ack) this.reply(msg.ref, 'ok');
				return;
			}
			case 'presence':
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
			const meta = p.payload;
			if (!meta || typeof meta !== 'object' || Array.isArray(meta)) {
				this.reply(msg.ref, 'error', { reason: 'Presence track payload must be a map' });
				return;
			}
			this.#ctx.presence.track(this, this.config.presenceKey, meta as Record<string, unknown>);
		} else if (p.event === 'untrack') {
			this.#ctx.presence.untrack(this);
		}
		this.reply(msg.ref, 'ok');
	}

	async #refresh(payload: unknown): Promise<void> {
		const token = (payload as { access_token?: unknown } | null)?.access_token;
		// sb_ keys, null and the current token change nothing (§4.10); no reply either way.
		if (typeof token !== 'string' || token.startsWith('sb_') || token === this.#token) return;
		const result = this.#ctx.verify(token);
		if (!result.ok) return this.shutdown(tokenError(result, token));
		const roleChanged = result.role !== this.role;
		this.#token = token;
		this.role = result.role;
		this.claims = result.claims;
		this.claimsKey = JSON.stringify(result.claims);
		this.#scheduleExpiry();
		if (roleChanged && this.config.postgresChanges.length > 0) {
			// Column privileges and filter validity depend on the role.
			const r = await this.#ctx.changes.subscribe(this, this.config.postgresChanges);
			if (!this.#open) this.#ctx.changes.unsubscribe(this);
			else if (r.error) this.system('postgres_changes', 'error', r.error);
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
		this.system('system', 'error', message);
		this.close();
	}

	/** phx_close with the join ref, then forget the channel. */
	close(): void {
		if (!this.#open) return;
		this.push('phx_close', {}, this.joinRef);
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
