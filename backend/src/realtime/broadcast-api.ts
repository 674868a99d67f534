import { parseJson } from '../http/body.ts';
import type { CredentialInput, CredentialResult, Credentials } from '../http/credentials.ts';
import type { Authorizer } from './authorization.ts';
import { broadcast } from './broadcast.ts';
import { API_ROLES, TOPIC_PREFIX } from './protocol.ts';
import type { UserBroadcast } from './serializer.ts';
import { roomOf, type Topics } from './topics.ts';

/**
 * Realtime's REST broadcast (`/realtime/v1/api/broadcast`): the batch form, which realtime-js also
 * falls back to when `send()` is called on a channel that is not joined, and the single-message
 * form of `httpSend()`. Both answer 202 with an empty body. A message marked private reaches the
 * private channels of its topic when the caller's INSERT policy on `realtime.messages` allows a
 * broadcast there (checked once per topic and request); otherwise it is dropped, as Realtime drops it.
 */

export interface BroadcastApiContext {
	topics: Topics;
	authorizer: Authorizer;
}

const MAX_BODY_BYTES = 3_000 * 1024 + 500;
const SINGLE = /^\/realtime\/v1\/api\/broadcast\/([^/]+)\/events\/([^/]+)\/?$/;
const BATCH = /^\/realtime\/v1\/api\/broadcast\/?$/;

const json = (status: number, body: unknown) =>
	new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const invalidJson = (reason: string) => json(400, { error: `Invalid JSON body: ${reason}` });

export function isBroadcastApiPath(pathname: string): boolean {
	return SINGLE.test(pathname) || BATCH.test(pathname);
}

export async function handleBroadcastApi(
	request: Request,
	{ topics, authorizer }: BroadcastApiContext,
	resolve: (input: CredentialInput) => CredentialResult,
	credentials?: CredentialResult
): Promise<Response> {
	const url = new URL(request.url);
	const single = SINGLE.exec(url.pathname);
	if (!single && !BATCH.test(url.pathname)) return json(404, { error: 'Not found' });
	if (request.method !== 'POST') return json(405, { error: 'Method not allowed' });
	const creds =
		credentials ??
		resolve({
			apikey: request.headers.get('apikey') ?? url.searchParams.get('apikey'),
			authorization: request.headers.get('authorization')
		});
	if (!creds.ok) return json(401, { error: creds.message });
	if (!API_ROLES.has(creds.role)) return json(401, { error: 'Invalid role' });
	const allowed = new Map<string, Promise<boolean>>();
	const send = async (name: string, isPrivate: boolean, message: UserBroadcast) => {
		if (isPrivate) {
			let ok = allowed.get(name);
			if (!ok) allowed.set(name, (ok = mayBroadcast(authorizer, name, creds)));
			if (!(await ok)) return;
		}
		const topic = `${TOPIC_PREFIX}${name}`;
		broadcast(topics, roomOf(topic, isPrivate), topic, message);
	};
	const length = Number(request.headers.get('content-length') ?? 0);
	if (length > MAX_BODY_BYTES) return json(413, { error: 'Payload too large' });
	const body = new Uint8Array(await request.arrayBuffer());
	if (body.length > MAX_BODY_BYTES) return json(413, { error: 'Payload too large' });

	if (single) {
		let name: string, event: string;
		try {
			name = decodeURIComponent(single[1]);
			event = decodeURIComponent(single[2]);
		} catch {
			return json(400, { error: 'Invalid path' });
		}
		const type = request.headers.get('content-type') ?? '';
		let payload: UserBroadcast['payload'];
		if (type.startsWith('application/octet-stream')) payload = { bytes: body };
		else {
			const text = new TextDecoder().decode(body);
			const parsed = parseJson(text);
			if (!parsed.ok) return invalidJson(parsed.message);
			payload = { json: text };
		}
		await send(name, url.searchParams.get('private') === 'true', { event, payload });
		return new Response(null, { status: 202 });
	}

	const parsed = parseJson(new TextDecoder().decode(body));
	if (!parsed.ok) return invalidJson(parsed.message);
	const messages = (parsed.value as { messages?: unknown } | null)?.messages;
	if (!Array.isArray(messages)) return json(422, { error: 'messages must be a list' });
	const valid = messages.every(
		(m) => m && typeof m === 'object' && typeof m.topic === 'string' && typeof m.event === 'string'
	);
	if (!valid) return json(422, { error: 'each message needs a topic and an event' });
	for (const m of messages as {
		topic: string;
		event: string;
		payload?: unknown;
		private?: unknown;
	}[]) {
		await send(m.topic, m.private === true || m.private === 'true', {
			event: m.event,
			payload: { json: JSON.stringify(m.payload ?? {}) }
		});
	}
	return new Response(null, { status: 202 });
}

async function mayBroadcast(authorizer: Authorizer, name: string, creds: Credentials) {
	try {
		return (await authorizer.check(name, creds.role, creds.claims)).broadcastWrite;
	} catch (e) {
		console.error('[realtime] authorising a REST broadcast failed:', e);
		return false;
	}
}
