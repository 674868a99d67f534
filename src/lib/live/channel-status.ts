/** What a live store tells the person about its realtime connection. */
export type ConnectionState = 'connecting' | 'live' | 'offline';

/** realtime-js reports a channel's state as one of these strings. */
export function connectionFor(status: string): ConnectionState | null {
	switch (status) {
		case 'SUBSCRIBED':
			return 'live';
		case 'CHANNEL_ERROR':
		case 'TIMED_OUT':
		case 'CLOSED':
			return 'offline';
		default:
			return null;
	}
}
