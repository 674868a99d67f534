import type { Db } from '../db/types.ts';
import { AUTHORIZATION_SQL } from './authorization.ts';
import { MESSAGES_SQL, type Message } from './messages.ts';

/**
 * Change capture without logical decoding (PGlite has none): an AFTER ROW trigger on every table in
 * publication `supabase_realtime` appends the row images to a queue table and notifies. Both are
 * transactional, so rolled-back writes never appear; the reader deletes what it reads in id order,
 * so a burst of commits is drained completely however many notifications were coalesced.
 * `realtime.messages` rows (Broadcast from Database) come through the same queue (messages.ts).
 */

export type ChangeType = 'INSERT' | 'UPDATE' | 'DELETE';
export type Row = Record<string, unknown>;

export interface Change {
	id: number;
	schema: string;
	table: string;
	type: ChangeType;
	record?: Row;
	old?: Row;
	commitTimestamp: string;
}

const NOTIFY_CHANNEL = '_realtime_changes';
/** `op` of a queued `realtime.messages` row. */
const MESSAGE_OP = 'BROADCAST';
const TRIGGER = '_realtime_capture';
const BATCH = 1000;
const POLL_MS = 2000;
/**
 * Pacing under sustained load: after a batch whose fan-out took t ms, the next read waits
 * t × GAP_FACTOR ms (at most MAX_GAP_MS), so changes arriving meanwhile go out together — one
 * write per socket for several changes — and fan-out leaves the event loop at least half the time
 * for everything else (on PGlite, the bookings themselves). An isolated change waits for nothing.
 * Hosted Realtime polls its replication slot every 100 ms.
 */
const GAP_FACTOR = 1;
const MAX_GAP_MS = 100;

const INSTALL_SQL = `
create schema if not exists _realtime;
revoke all on schema _realtime from public;
create unlogged table if not exists _realtime.changes (
	id bigint generated always as identity primary key,
	schema_name text not null,
	table_name text not null,
	op text not null,
	record jsonb,
	old_record jsonb,
	captured_at timestamptz not null default clock_timestamp()
);
revoke all on _realtime.changes from public;
create or replace function _realtime.capture() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
	insert into _realtime.changes (schema_name, table_name, op, record, old_record)
	values (tg_table_schema, tg_table_name, tg_op,
		case when tg_op <> 'DELETE' then to_jsonb(new) end,
		case when tg_op <> 'INSERT' then to_jsonb(old) end);
	-- identical notifications in one transaction collapse into one
	perform pg_notify('${NOTIFY_CHANNEL}', '');
	return null;
end $$;
revoke all on function _realtime.capture() from public;
-- Realtime's apply_rls in miniature: one statement answers the visibility probe for many
-- subscriber groups, switching role and claims per group; a policy that raises hides the rows
-- from that group only.
create or replace function _realtime.visible(probe text, groups jsonb)
returns table (grp int, ord int) language plpgsql as $$
declare
	g jsonb;
	i int := 0;
begin
	for g in select value from jsonb_array_elements(groups) loop
		begin
			perform set_config('role', g ->> 'role', true),
				set_config('request.jwt.claims', g ->> 'claims', true);
			return query execute probe using g -> 'keys', i;
		exception when others then
			raise warning 'realtime visibility check failed: %', sqlerrm;
		end;
		perform set_config('role', 'none', true);
		i := i + 1;
	end loop;
end $$;
revoke all on function _realtime.visible(text, jsonb) from public;
`;

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Installs the queue and puts the capture trigger on exactly the tables of the publication (and
 * removes it from tables that left it). Idempotent; run it after migrations.
 */
export async function installChangeCapture(db: Db): Promise<Set<string>> {
	await db.exec(INSTALL_SQL);
	await db.exec(MESSAGES_SQL);
	await db.exec(AUTHORIZATION_SQL);
	const { rows } = await db.query<{
		schema: string;
		name: string;
		published: boolean;
		has: boolean;
	}>(
		`with pub as (
			select c.oid, p.schemaname, p.tablename from pg_publication_tables p
			join pg_namespace n on n.nspname = p.schemaname
			join pg_class c on c.relnamespace = n.oid and c.relname = p.tablename
			-- a FOR ALL TABLES publication must not make the queue capture itself
			where p.pubname = 'supabase_realtime' and p.schemaname <> '_realtime'
		), trg as (
			select t.tgrelid as oid from pg_trigger t where t.tgname = '${TRIGGER}'
		)
		select n.nspname as schema, c.relname as name, pub.oid is not null as published,
			trg.oid is not null as has
		from pub full join trg on trg.oid = pub.oid
		join pg_class c on c.oid = coalesce(pub.oid, trg.oid)
		join pg_namespace n on n.oid = c.relnamespace`
	);
	const captured = new Set<string>();
	for (const t of rows) {
		const target = `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
		if (t.published && !t.has) {
			await db.exec(
				`create trigger ${TRIGGER} after insert or update or delete on ${target}
				for each row execute function _realtime.capture()`
			);
		} else if (!t.published && t.has) {
			await db.exec(`drop trigger if exists ${TRIGGER} on ${target}`);
		}
		if (t.published) captured.add(`${t.schema}.${t.name}`);
	}
	return captured;
}

type Raw = { rawJSON: string };
const json = JSON as unknown as {
	parse(
		text: string,
		reviver: (k: string, v: unknown, ctx: { source?: string }) => unknown
	): unknown;
	rawJSON(text: string): Raw;
};

/** Keeps numbers JavaScript would round (int8, numeric) as their exact JSON text. */
export function parseRow(text: string | null): Row | undefined {
	if (text === null) return undefined;
	return json.parse(text, (_k, v, ctx) =>
		typeof v === 'number' && ctx.source !== undefined && String(v) !== ctx.source
			? json.rawJSON(ctx.source)
			: v
	) as Row;
}

export class ChangeReader {
	#db: Db;
	#onBatch: (changes: Change[], messages: Message[]) => Promise<void>;
	#pending = false;
	#running: Promise<void> | undefined;
	#unlisten: (() => Promise<void>) | undefined;
	#poll: ReturnType<typeof setInterval> | undefined;
	#closed = false;
	/** No read before this time (performance.now()): see GAP_FACTOR. */
	#nextAt = 0;
	/** Callers of `exclusive` waiting or running: no batch meanwhile. */
	#held = 0;
	#exclusive: Promise<unknown> = Promise.resolve();

	constructor(db: Db, onBatch: (changes: Change[], messages: Message[]) => Promise<void>) {
		this.#db = db;
		this.#onBatch = onBatch;
	}

	async start(): Promise<void> {
		this.#unlisten = await this.#db.listen(NOTIFY_CHANNEL, () => this.kick());
		// A safety net for notifications lost with a dropped LISTEN connection.
		this.#poll = setInterval(() => this.kick(), POLL_MS);
		this.#poll.unref();
		this.kick();
	}

	kick(): void {
		if (this.#closed) return;
		this.#pending = true;
		this.#running ??= this.#drain().finally(() => (this.#running = undefined));
	}

	/**
	 * Runs `fn` between batches: no batch is read or dispatched while it runs. A join that replays
	 * stored messages reads them and registers its channel here, so every message committed
	 * meanwhile is either in what it read or still queued for the channel (duplicates are skipped
	 * by message id).
	 */
	async exclusive<T>(fn: () => Promise<T>): Promise<T> {
		const run = this.#exclusive.then(async () => {
			await this.#running;
			return fn();
		});
		this.#exclusive = run.catch(() => {});
		this.#held++;
		try {
			return await run;
		} finally {
			if (--this.#held === 0) this.kick();
		}
	}

	async #drain(): Promise<void> {
		while (this.#pending && !this.#closed && this.#held === 0) {
			const wait = this.#nextAt - performance.now();
			if (wait > 1) await new Promise((r) => setTimeout(r, wait));
			if (this.#closed || this.#held > 0) return;
			this.#pending = false;
			let rows: { changes: Change[]; messages: Message[]; count: number };
			try {
				rows = await this.#read();
			} catch (e) {
				if (!this.#closed) console.error('[realtime] reading changes failed:', e);
				return;
			}
			if (rows.count === BATCH) this.#pending = true;
			if (rows.count === 0) continue;
			// CPU, not wall time: on a busy machine every write that wakes a reader may hand it the core
			const cpu = process.threadCpuUsage();
			try {
				await this.#onBatch(rows.changes, rows.messages);
			} catch (e) {
				console.error('[realtime] dispatching changes failed:', e);
			}
			const used = process.threadCpuUsage(cpu);
			const busyMs = (used.user + used.system) / 1000;
			this.#nextAt = performance.now() + Math.min(MAX_GAP_MS, busyMs * GAP_FACTOR);
		}
	}

	async #read(): Promise<{ changes: Change[]; messages: Message[]; count: number }> {
		const { rows } = await this.#db.query<{
			id: string;
			schema_name: string;
			table_name: string;
			op: ChangeType | typeof MESSAGE_OP;
			record: string | null;
			old_record: string | null;
			ts: string;
		}>(
			`delete from _realtime.changes
			where id in (select id from _realtime.changes order by id limit ${BATCH})
			returning id::text, schema_name, table_name, op, record::text, old_record::text,
				to_char(captured_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ts`
		);
		rows.sort((a, b) => Number(a.id) - Number(b.id));
		const changes: Change[] = [];
		const messages: Message[] = [];
		for (const r of rows) {
			if (r.op === MESSAGE_OP) {
				messages.push(parseRow(r.record) as unknown as Message);
				continue;
			}
			changes.push({
				id: Number(r.id),
				schema: r.schema_name,
				table: r.table_name,
				type: r.op,
				record: parseRow(r.record),
				old: parseRow(r.old_record),
				commitTimestamp: r.ts
			});
		}
		return { changes, messages, count: rows.length };
	}

	async close(): Promise<void> {
		this.#closed = true;
		clearInterval(this.#poll);
		await this.#running;
		await this.#unlisten?.().catch(() => {});
	}
}
