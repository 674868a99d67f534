/** What a live store tells the person about its realtime connection. */
export type ConnectionState = 'connecting' | 'live' | 'offline';
