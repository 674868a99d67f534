import { parseJson } from '../http/body.ts';
import type { CredentialInput, CredentialResult } from '../http/credentials.ts';
import { broadcast } from './broadcast.ts';
import type { UserBroadcast } from './serializer.ts';
import type { Topics } from './topics.ts';

/**
 * Realtime's REST broadcast (`/realtime/v1/api/broadcast`): the batch form, which realtime-js also
 * falls back to when `send()` is called on a channel that is not joined, and the single-message
 * form of `httpSend()`. Both answer 202 with an empty body.
 */

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
	topics: Topics,
	resolve: (input: CredentialInput) => CredentialResult
): Promise<Response> {
	const url = new URL(request.url);
	const single = SINGLE.exec(url.pathname);
	if (!single && !BATCH.test(url.pathname)) return json(404, { error: 'Not found' });
	if (request.method !== 'POST') return json(405, { error: 'Method not allowed' });
	const creds = resolve({
		apikey: request.headers.get('apikey') ?? url.searchParams.get('apikey'),
		authorization: request.headers.get('authorization')
	});
	if (!creds.ok) return json(401, { error: creds.message });
	const length = Number(request.headers.get('content-length') ?? 0);
	if (length > MAX_BODY_BYTES) return json(413, { error: 'Payload too large' });
	const body = new Uint8Array(await request.arrayBuffer());
	if (body.length > MAX_BODY_BYTES) return json(413, { error: 'Payload too large' });

	// Private channels are not offered by this back end, so private messages reach nobody.
	if (single) {
		if (url.searchParams.get('private') === 'true') return new Response(null, { status: 202 });
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
		broadcast(topics, `realtime:${name}`, { event, payload });
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
		if (m.private === true || m.private === 'true') continue;
		broadcast(topics, `realtime:${m.topic}`, {
			event: m.event,
			payload: { json: JSON.stringify(m.payload ?? {}) }
		});
	}
	return new Response(null, { status: 202 });
}
