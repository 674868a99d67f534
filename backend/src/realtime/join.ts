import { randomUUID } from 'node:crypto';
import * as v from 'valibot';

/**
 * The `phx_join` payload, as Realtime validates it (`RealtimeWeb.Channels.Payloads.Join`): booleans
 * may also arrive as "true"/"false", and a field of the wrong shape falls back to its default
 * instead of failing the join (Realtime logs the changeset errors and joins with the defaults).
 */

const Flag = v.fallback(
	v.pipe(
		v.union([v.boolean(), v.picklist(['true', 'false'])]),
		v.transform((x) => x === true || x === 'true')
	),
	false
);

const Broadcast = v.object({
	ack: Flag,
	self: Flag,
	/** Kept as sent: its validity is checked by the join, with Realtime's own error replies. */
	replay: v.optional(v.unknown())
});

const PresenceConfig = v.object({
	key: v.fallback(v.string(), ''),
	enabled: Flag
});

const Config = v.object({
	broadcast: v.fallback(Broadcast, { ack: false, self: false }),
	presence: v.fallback(PresenceConfig, { key: '', enabled: false }),
	postgres_changes: v.fallback(v.array(v.unknown()), []),
	private: Flag
});

const defaultConfig = v.parse(Config, {});

const JoinPayload = v.object({
	access_token: v.fallback(v.optional(v.string()), undefined),
	config: v.fallback(Config, defaultConfig)
});

/** Broadcast Replay: stored messages of the topic since `since` (ms), at most `limit` (1–25). */
export interface Replay {
	since: number;
	limit: number;
}

export interface JoinConfig {
	self: boolean;
	ack: boolean;
	presenceKey: string;
	presenceEnabled: boolean;
	postgresChanges: unknown[];
	private: boolean;
	/**
	 * Absent: no replay asked for. `invalid`: `since`/`limit` are not integers. Realtime replays only
	 * when `replay` is an object, but refuses a replay key on a public channel whatever its value.
	 */
	replay?: Replay | 'invalid' | 'none';
}

export interface JoinRequest {
	config: JoinConfig;
	/** The channel's own token; absent, or an `sb_` key, means the connection's. */
	accessToken?: string;
}

const REPLAY_HARD_LIMIT = 25;
const REPLAY_DEFAULT_LIMIT = 10;
/** `DateTime.from_unix!/2` accepts years 0–9999. */
const MAX_SINCE_MS = 253_402_300_799_999;

function replayOf(raw: unknown): JoinConfig['replay'] {
	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'none';
	const r = raw as Record<string, unknown>;
	// Elixir's `||`: null and false take the default
	const since = r.since === null || r.since === false || r.since === undefined ? 0 : r.since;
	const limit =
		r.limit === null || r.limit === false || r.limit === undefined ? REPLAY_DEFAULT_LIMIT : r.limit;
	if (!Number.isSafeInteger(since) || !Number.isSafeInteger(limit)) return 'invalid';
	if (Math.abs(since as number) > MAX_SINCE_MS) return 'invalid';
	return {
		since: since as number,
		limit: Math.max(1, Math.min(REPLAY_HARD_LIMIT, limit as number))
	};
}

export function parseJoin(payload: unknown): JoinRequest {
	const p = v.parse(
		JoinPayload,
		payload && typeof payload === 'object' && !Array.isArray(payload) ? payload : {}
	);
	const { broadcast, presence } = p.config;
	const hasReplay = 'replay' in broadcast;
	return {
		accessToken: p.access_token,
		config: {
			self: broadcast.self,
			ack: broadcast.ack,
			presenceKey: presence.key !== '' ? presence.key : randomUUID(),
			presenceEnabled: presence.enabled,
			postgresChanges: p.config.postgres_changes,
			private: p.config.private,
			...(hasReplay ? { replay: replayOf(broadcast.replay) } : {})
		}
	};
}
