/**
 * The names of the Phoenix channel protocol as Supabase Realtime and realtime-js speak it: events,
 * the socket's own topic, the `system` extensions, and the error reasons the server answers with.
 */

/** Events of frames, in both directions. */
export const EVENT = {
	join: 'phx_join',
	leave: 'phx_leave',
	reply: 'phx_reply',
	close: 'phx_close',
	error: 'phx_error',
	heartbeat: 'heartbeat',
	accessToken: 'access_token',
	broadcast: 'broadcast',
	presence: 'presence',
	presenceState: 'presence_state',
	presenceDiff: 'presence_diff',
	postgresChanges: 'postgres_changes',
	system: 'system'
} as const;

/** The socket-level topic heartbeats use. */
export const PHOENIX_TOPIC = 'phoenix';
/** Every channel topic starts with this; the rest is the channel's name. */
export const TOPIC_PREFIX = 'realtime:';

/** `extension` of a `system` message. */
export const EXTENSION = {
	system: 'system',
	postgresChanges: 'postgres_changes'
} as const;

/** `extension` of a `realtime.messages` row. */
export const MESSAGE_EXTENSION = {
	broadcast: 'broadcast',
	presence: 'presence'
} as const;

/** The `reason` of refused joins and the `message` of shutdowns, as Realtime words them. */
export const REASON = {
	unmatchedTopic: 'unmatched topic',
	topicRequired: 'TopicNameRequired: You must provide a topic name',
	tooManyChannels: 'ChannelRateLimitReached: Too many channels',
	internal: 'Unable to join: internal error',
	cannotRead: (name: string) =>
		`Unauthorized: You do not have permissions to read from this Channel topic: ${name}`,
	noLongerRead: (name: string) =>
		`You no longer have permission to read from this Channel topic: ${name}`,
	replayPublic: 'UnableToReplayMessages: Replay is not allowed for public channels',
	replayInvalid: 'UnableToReplayMessages: Replay params are not valid',
	replayFailed: 'UnableToReplayMessages: Realtime was unable to replay messages',
	invalidToken: (detail: string) => `InvalidJWTToken: ${detail}`,
	roleDenied: (role: string) => `permission denied to set role "${role}"`,
	role: (role: string) => `Unauthorized: permission denied to set role "${role}"`,
	trackPayload: 'Presence track payload must be a map',
	subscribed: 'Subscribed to PostgreSQL'
} as const;

/** The database roles a realtime client may act as: the API's, never an owner or the authenticator. */
export const API_ROLES: ReadonlySet<string> = new Set(['anon', 'authenticated', 'service_role']);
