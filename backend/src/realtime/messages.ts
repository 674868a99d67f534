import type { Db } from '../db/types.ts';
import { broadcast, broadcastJson } from './broadcast.ts';
import { EVENT, TOPIC_PREFIX } from './protocol.ts';
import { encodeRaw, type UserBroadcast, type Vsn } from './serializer.ts';
import { roomOf, type Topics } from './topics.ts';

/**
 * Broadcast from Database: every `broadcast` row inserted into `realtime.messages` (by
 * `realtime.send`, `realtime.broadcast_changes` or a plain INSERT) goes to the channels of its
 * topic whose private flag matches, as hosted Realtime streams that table through its own
 * replication slot. Here a capture trigger queues the row for the change reader, at commit: a
 * DEFERRABLE INITIALLY DEFERRED constraint trigger runs as the transaction commits, so the queue
 * order is the order of commits (up to transactions committing in the same instant) even when a
 * transaction sends early and commits late; a rolled-back transaction queues nothing.
 */

/** A queued message, as the capture trigger wrote it. */
export interface Message {
	id: string;
	topic: string;
	event: string | null;
	private: boolean | null;
	payload: unknown;
	/** `\x…` hex text of `binary_payload`. */
	binary_payload: string | null;
}

export const MESSAGES_SQL = `
create or replace function _realtime.capture_message() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
	insert into _realtime.changes (schema_name, table_name, op, record)
	values ('realtime', 'messages', 'BROADCAST', jsonb_build_object('id', new.id, 'topic', new.topic,
		'event', new.event, 'private', new.private, 'payload', new.payload,
		'binary_payload', new.binary_payload));
	perform pg_notify('_realtime_changes', '');
	return null;
end $$;
revoke all on function _realtime.capture_message() from public;
do $$
begin
	if to_regclass('realtime.messages') is not null and not exists (
		select from pg_trigger
		where tgname = '_realtime_broadcast' and tgrelid = 'realtime.messages'::regclass
	) then
		create constraint trigger _realtime_broadcast
			after insert on realtime.messages deferrable initially deferred
			for each row when (new.extension = 'broadcast')
			execute function _realtime.capture_message();
	end if;
end $$;
`;

/** Hosted Realtime keeps about three days of messages. */
const RETENTION = `interval '72 hours'`;
const PURGE_EVERY_MS = 10 * 60_000;
const PURGE_BATCH = 10_000;

function userBroadcast(m: Message): UserBroadcast {
	const event = m.event ?? '';
	if (m.binary_payload !== null) {
		return { event, payload: { bytes: Buffer.from(m.binary_payload.slice(2), 'hex') } };
	}
	return { event, payload: { json: JSON.stringify(m.payload ?? null) } };
}

export class DatabaseBroadcasts {
	#db: Db;
	#topics: Topics;
	#nextPurge = 0;
	#purges = 0;

	constructor(db: Db, topics: Topics) {
		this.#db = db;
		this.#topics = topics;
	}

	/** Fans out a batch of captured messages, in order (frames go out with the batch's flush). */
	dispatch(messages: Message[]): void {
		for (const m of messages) {
			const topic = `${TOPIC_PREFIX}${m.topic}`;
			broadcast(this.#topics, roomOf(topic, m.private === true), topic, userBroadcast(m), {
				id: m.id
			});
		}
		this.#maybePurge();
	}

	/**
	 * Drops messages older than the retention now and then, from the delivery loop rather than a
	 * timer, a bounded batch at a time; the private broadcasts (what the app sends) through the
	 * replay index, the rest, rarer, with a scan every hour.
	 */
	#maybePurge(): void {
		const now = performance.now();
		if (now < this.#nextPurge) return;
		this.#nextPurge = now + PURGE_EVERY_MS;
		const everything = this.#purges++ % 6 === 0;
		const which = everything ? 'true' : `extension = 'broadcast' and private is true`;
		this.#db
			.query(
				`delete from realtime.messages m using (
					select id, inserted_at from realtime.messages
					where ${which} and inserted_at < now() - ${RETENTION}
					limit ${PURGE_BATCH}
				) old
				where m.id = old.id and m.inserted_at = old.inserted_at`
			)
			.catch((e) => console.warn('[realtime] deleting old messages failed:', e));
	}
}

/**
 * Broadcast Replay: the newest `limit` broadcast messages of private topic `name` inserted since
 * `since` (ms), oldest first, as Realtime's `Messages.replay` reads them.
 */
export async function replayMessages(
	db: Db,
	name: string,
	since: number,
	limit: number
): Promise<Message[]> {
	const { rows } = await db.query<Message>(
		`select id::text, topic, event, private, payload,
			case when binary_payload is null then null else '\\x' || encode(binary_payload, 'hex') end
				as binary_payload
		from realtime.messages
		where topic = $1 and private is true and extension = 'broadcast'
			and inserted_at >= to_timestamp($2::float8 / 1000)::timestamp
		order by inserted_at desc
		limit $3`,
		[name, since, limit]
	);
	return rows.reverse();
}

/** A replayed message as a channel push: JSON, with `meta: {replayed: true, id}`. */
export function replayFrame(
	vsn: Vsn,
	joinRef: string | null,
	topic: string,
	m: Message
): Buffer | undefined {
	const b = userBroadcast(m);
	// vsn 1 and these JSON pushes cannot carry raw bytes
	if (!('json' in b.payload)) return undefined;
	const meta = JSON.stringify({ replayed: true, id: m.id });
	return Buffer.from(
		encodeRaw(
			vsn,
			joinRef,
			null,
			topic,
			EVENT.broadcast,
			broadcastJson(b.event, b.payload.json, meta)
		)
	);
}
