import { createClient, type SupabaseClient } from '@supabase/supabase-js';
// The publishable key: the one key both the CLI-started back end and `npm start` accept.
import { LOCAL_PUBLISHABLE_KEY as ANON_KEY } from '../../backend/src/keys.ts';
import { createHttpFetch } from './http-fetch.ts';

export type Client = SupabaseClient;

/** Which HTTP client the booking users' supabase-js clients use (see http-fetch.ts). */
export type ClientFetch = 'node' | 'undici';

let nodeFetch: typeof fetch | undefined;
/** One keep-alive agent for all users, as one browser profile would pool its connections. */
export function fetchFor(kind: ClientFetch): typeof fetch {
	if (kind === 'undici') return fetch;
	nodeFetch ??= createHttpFetch().fetch;
	return nodeFetch;
}

/** A client as a browser tab has one, minus storage: every bench user is its own session. */
export function newClient(url: string, clientFetch: ClientFetch = 'undici'): Client {
	return createClient(url, ANON_KEY, {
		auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
		global: { fetch: fetchFor(clientFetch) }
	});
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(
	items: T[],
	limit: number,
	fn: (item: T, index: number) => Promise<R>
): Promise<R[]> {
	const out = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i], i);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return out;
}

export interface SignedIn {
	client: Client;
	userId: string;
	/** The fetch its client sends with (to open its connection ahead of a race). */
	fetch: typeof fetch;
}

/** `n` anonymous users, each signed in on its own client (not part of any measurement). */
export async function signInMany(
	url: string,
	n: number,
	concurrency = 16,
	clientFetch: ClientFetch = 'undici'
): Promise<SignedIn[]> {
	return pool(Array.from({ length: n }), concurrency, async () => {
		const client = newClient(url, clientFetch);
		const { data, error } = await client.auth.signInAnonymously();
		if (error || !data.user) throw new Error(`anonymous sign-in failed: ${error?.message}`);
		return { client, userId: data.user.id, fetch: fetchFor(clientFetch) };
	});
}
