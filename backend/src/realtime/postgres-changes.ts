import { createHash } from 'node:crypto';
import type { Db } from '../db/types.ts';
import type { Claims } from '../jwt.ts';
import type { Access, Catalog, TableInfo } from './catalog.ts';
import type { Change, ChangeType, Row } from './change-capture.ts';
import { FilterError, keyOf, matches, parseFilter, type Condition } from './filters.ts';
import { EVENT } from './protocol.ts';
import { encodeRaw, type Vsn } from './serializer.ts';
import { changeData, identity } from './payload.ts';
import { visibleRows, type ProbeGroup } from './visibility.ts';

/**
 * postgres_changes subscriptions and their fan-out. Built for many subscribers per change:
 * subscribers that would get the same frames for every change (same topic, serializer, role and
 * bindings — thousands of viewers of one event) form one group, so matching, payload building and
 * encoding happen once per group and change; single `eq` filters are indexed by value; RLS probes
 * run once per (role[, claims]) for a whole batch of rows; and each distinct frame is encoded once
 * and handed to every socket that gets it.
 */

/** A joined channel, as postgres_changes sees it. */
export interface Subscriber {
	readonly topic: string;
	readonly vsn: Vsn;
	readonly role: string;
	readonly claims: Claims;
	/** Stable text of `claims`, the grouping key when policies read claims. */
	readonly claimsKey: string;
	sendFrame(frame: Buffer): void;
}

type EventFilter = '*' | ChangeType;

interface Binding {
	id: number;
	event: EventFilter;
	schema: string;
	/** '*' = every published table of `schema` ('*' = every schema). */
	table: string;
	conditions: Condition[];
	/** Single `eq` condition, indexed by its value. */
	eq?: { column: string; key: string };
}

/**
 * Subscribers indistinguishable to the fan-out except by their claims (which matter only when a
 * table's policies read them, and are then probed per member).
 */
interface Group {
	key: string;
	vsn: Vsn;
	topic: string;
	role: string;
	members: Set<Subscriber>;
	subs: Subscription[];
}

interface Subscription {
	group: Group;
	binding: Binding;
}

interface TableSubscriptions {
	scan: Set<Subscription>;
	eq: Map<string, Map<string, Set<Subscription>>>;
}

/** What one matched group gets of a change. */
interface Target {
	/** the group's bindings that matched */
	ids: number[];
	access: Access;
	/** probe group of the whole group (policies read no claims) */
	probe?: string;
	/** policies read claims: each member with its probe group, as they were when probed */
	perMember?: [Subscriber, string][];
}

/** A change with its recipients. */
interface Pending {
	change: Change;
	info: TableInfo;
	targets: Map<Group, Target>;
}

/** Probe groups by key; `at` maps a pending change's index to its row in `keys`. */
type Probes = Map<string, ProbeGroup & { info: TableInfo; at: Map<number, number> }>;

interface Batch {
	pending: Pending[];
	probes: Probes;
}

export interface SubscribeResult {
	/** The join reply's `postgres_changes`: the client's params echoed verbatim plus `id`. */
	reply: Record<string, unknown>[];
	/** Set when Realtime would refuse the subscription (sent as a `system` error). */
	error?: string;
}

const canonical = (params: Record<string, unknown>) =>
	JSON.stringify(
		Object.keys(params)
			.sort()
			.map((k) => [k, params[k]])
	);

/** `:erlang.phash2`'s role: a stable non-zero 27-bit id per distinct params object. */
function bindingId(canonicalParams: string): number {
	const id = createHash('sha1').update(canonicalParams).digest().readUInt32BE(0) & 0x7ffffff;
	return id === 0 ? 1 : id;
}

const EVENTS = new Set(['INSERT', 'UPDATE', 'DELETE']);

function describe(p: Record<string, unknown>): string {
	const filter = typeof p.filter === 'string' ? `[${JSON.stringify(p.filter)}]` : '[]';
	return `[event: ${p.event ?? '*'}, schema: ${p.schema ?? 'public'}, table: ${p.table ?? '*'}, filters: ${filter}, select: nil]`;
}

const strKey = (k: unknown) => (typeof k === 'string' ? k : JSON.stringify(k));

export class PostgresChanges {
	#db: Db;
	#catalog: Catalog;
	#ensureCaptured: (table: string) => Promise<void>;
	#tables = new Map<string, TableSubscriptions>();
	#wild = new Set<Subscription>();
	#groups = new Map<string, Group>();
	#bySubscriber = new Map<Subscriber, Group>();

	constructor(db: Db, catalog: Catalog, ensureCaptured: (table: string) => Promise<void>) {
		this.#db = db;
		this.#catalog = catalog;
		this.#ensureCaptured = ensureCaptured;
	}

	get size(): number {
		return this.#bySubscriber.size;
	}

	/**
	 * Validates and registers `params` (the join's `config.postgres_changes`) for `subscriber`.
	 * Registration completes before this resolves, so changes committed afterwards are delivered.
	 */
	async subscribe(subscriber: Subscriber, params: unknown[]): Promise<SubscribeResult> {
		const reply: Record<string, unknown>[] = [];
		const bindings: Binding[] = [];
		const keys: string[] = [];
		let error: string | undefined;
		for (const raw of params) {
			const p =
				raw && typeof raw === 'object' && !Array.isArray(raw)
					? (raw as Record<string, unknown>)
					: {};
			const key = canonical(p);
			const id = bindingId(key);
			keys.push(key);
			reply.push({ ...p, id });
			if (error) continue;
			try {
				bindings.push(await this.#binding(p, id, subscriber.role));
			} catch (e) {
				if (!(e instanceof FilterError)) throw e;
				error = `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: ${describe(p)}`;
			}
		}
		// swapped in one step, so a re-subscription (token refresh) misses nothing meanwhile
		this.unsubscribe(subscriber);
		if (!error && bindings.length > 0) {
			// the bindings were parsed against this role's columns, so the role is part of the key
			const key = JSON.stringify([subscriber.vsn, subscriber.topic, subscriber.role, keys]);
			let group = this.#groups.get(key);
			if (!group) {
				group = {
					key,
					vsn: subscriber.vsn,
					topic: subscriber.topic,
					role: subscriber.role,
					members: new Set(),
					subs: []
				};
				group.subs = bindings.map((binding) => ({ group: group!, binding }));
				for (const s of group.subs) this.#index(s, true);
				this.#groups.set(key, group);
			}
			group.members.add(subscriber);
			this.#bySubscriber.set(subscriber, group);
		}
		return { reply, error };
	}

	unsubscribe(subscriber: Subscriber): void {
		const group = this.#bySubscriber.get(subscriber);
		if (!group) return;
		this.#bySubscriber.delete(subscriber);
		group.members.delete(subscriber);
		if (group.members.size > 0) return;
		for (const s of group.subs) this.#index(s, false);
		this.#groups.delete(group.key);
	}

	async #binding(p: Record<string, unknown>, id: number, role: string): Promise<Binding> {
		const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
		const ev = str(p.event)?.toUpperCase() ?? '*';
		const event = (EVENTS.has(ev) ? ev : '*') as EventFilter;
		const schema = str(p.schema) ?? 'public';
		const table = str(p.table) ?? (p.schema === undefined ? '' : '*');
		const filter = str(p.filter);
		if (!table || (p.filter !== undefined && filter === undefined))
			throw new FilterError('bad params');
		if (schema === '*' || table === '*') {
			if (filter) throw new FilterError('filters need a table');
			const exists = await this.#db.query('select 1 from pg_roles where rolname = $1', [role]);
			if (exists.rows.length === 0) throw new FilterError('unknown role');
			return { id, event, schema, table, conditions: [] };
		}
		const key = `${schema}.${table}`;
		// a table added to the publication moments ago is not in the cached list yet
		const published =
			(await this.#catalog.publication()).has(key) ||
			(await this.#catalog.publication(true)).has(key);
		if (!published) throw new FilterError('not published');
		const info = await this.#catalog.table(schema, table);
		if (!info) throw new FilterError('no such table');
		const access = await this.#catalog.access(info, role);
		if (!access) throw new FilterError('unknown role');
		await this.#ensureCaptured(key);
		const types = new Map([...info.types].filter(([c]) => access.selectable.has(c)));
		const conditions = filter ? parseFilter(filter, types) : [];
		const binding: Binding = { id, event, schema, table, conditions };
		const [only] = conditions;
		if (conditions.length === 1 && only.op === 'eq' && !only.negate) {
			binding.eq = { column: only.column, key: strKey(only.values[0]) };
		}
		return binding;
	}

	#index(s: Subscription, add: boolean): void {
		const { schema, table, eq } = s.binding;
		if (schema === '*' || table === '*') {
			if (add) this.#wild.add(s);
			else this.#wild.delete(s);
			return;
		}
		const key = `${schema}.${table}`;
		let t = this.#tables.get(key);
		if (!t) {
			if (!add) return;
			t = { scan: new Set(), eq: new Map() };
			this.#tables.set(key, t);
		}
		if (!eq) {
			if (add) t.scan.add(s);
			else t.scan.delete(s);
		} else {
			let byValue = t.eq.get(eq.column);
			if (!byValue) t.eq.set(eq.column, (byValue = new Map()));
			let set = byValue.get(eq.key);
			if (!set) byValue.set(eq.key, (set = new Set()));
			if (add) set.add(s);
			else {
				set.delete(s);
				if (set.size === 0) byValue.delete(eq.key);
				if (byValue.size === 0) t.eq.delete(eq.column);
			}
		}
		if (!add && t.scan.size === 0 && t.eq.size === 0) this.#tables.delete(key);
	}

	/** The row image filters are evaluated against: the new row, or a DELETE's replica identity. */
	#filterRow(change: Change, info: TableInfo): Row | undefined {
		return change.type === 'DELETE' ? identity(change, info) : change.record;
	}

	#candidates(change: Change, info: TableInfo): Subscription[] {
		const out: Subscription[] = [];
		const row = this.#filterRow(change, info);
		const t = this.#tables.get(`${change.schema}.${change.table}`);
		const eventOk = (b: Binding) => b.event === '*' || b.event === change.type;
		if (t && row) {
			for (const s of t.scan) {
				if (eventOk(s.binding) && matches(s.binding.conditions, row, info.types)) out.push(s);
			}
			for (const [column, byValue] of t.eq) {
				if (!(column in row)) continue;
				const k = keyOf(row[column], info.types.get(column) ?? 'text');
				if (k === null || k === undefined) continue;
				const set = byValue.get(strKey(k));
				if (set) for (const s of set) if (eventOk(s.binding)) out.push(s);
			}
		}
		for (const s of this.#wild) {
			const b = s.binding;
			if (!eventOk(b) || (b.schema !== '*' && b.schema !== change.schema)) continue;
			out.push(s);
		}
		return out;
	}

	/**
	 * Delivers a batch of captured changes, in order, in three steps: match each change to the
	 * groups whose bindings it satisfies (noting the RLS probes those need), probe (one statement
	 * per table for every group and row), send (one payload and frame per distinct message).
	 */
	async dispatch(changes: Change[]): Promise<void> {
		if (this.#bySubscriber.size === 0) return;
		const batch = await this.#match(changes);
		const visible = await this.#probe(batch.probes);
		this.#send(batch, visible);
	}

	/** The changes' recipients, and the visibility probes they wait on. */
	async #match(changes: Change[]): Promise<Batch> {
		const publication = await this.#catalog.publication();
		const pending: Pending[] = [];
		// thousands of subscribers share a handful of roles: one catalog lookup per role per batch
		const accessCache = new Map<string, Access | undefined>();
		const probes: Probes = new Map();
		const probeOf = (info: TableInfo, role: string, claims: Claims, key: string, index: number) => {
			let g = probes.get(key);
			if (!g) probes.set(key, (g = { info, role, claims, keys: [], at: new Map() }));
			if (!g.at.has(index)) {
				g.at.set(index, g.keys.length);
				g.keys.push(info.pk.map((c) => pending[index].change.record![c]));
			}
		};
		for (const change of changes) {
			const key = `${change.schema}.${change.table}`;
			if (!publication.has(key)) continue;
			const info = await this.#catalog.table(change.schema, change.table);
			if (!info) continue;
			const candidates = this.#candidates(change, info);
			if (candidates.length === 0) continue;
			const targets: Pending['targets'] = new Map();
			for (const { group, binding } of candidates) {
				const t = targets.get(group);
				if (t) {
					if (!t.ids.includes(binding.id)) t.ids.push(binding.id);
					continue;
				}
				const accessKey = `${info.oid}|${group.role}`;
				let access = accessCache.get(accessKey);
				if (!accessCache.has(accessKey)) {
					access = await this.#catalog.access(info, group.role);
					accessCache.set(accessKey, access);
				}
				if (!access || access.mode === 'none') continue;
				targets.set(group, { ids: [binding.id], access });
			}
			const index = pending.length;
			pending.push({ change, info, targets });
			const checked = change.type !== 'DELETE' && info.rls && info.pk.length > 0;
			if (!checked || !change.record) continue;
			for (const [group, t] of targets) {
				if (t.access.mode === 'all' || !info.pk.every((c) => t.access.selectable.has(c))) continue;
				if (t.access.mode === 'role') {
					const [any] = group.members;
					// emptied while the catalog was read: nobody to probe for, so nobody gets it
					if (!any) {
						targets.delete(group);
						continue;
					}
					t.probe = `${info.oid}|${group.role}`;
					probeOf(info, group.role, any.claims, t.probe, index);
				} else {
					t.perMember = [];
					for (const m of group.members) {
						const probe = `${info.oid}|${group.role}|${m.claimsKey}`;
						t.perMember.push([m, probe]);
						probeOf(info, group.role, m.claims, probe, index);
					}
				}
			}
		}
		return { pending, probes };
	}

	/** Which probed rows each probe group may see: one statement per table (one connection's work). */
	async #probe(probes: Probes): Promise<Map<string, boolean[]>> {
		const visible = new Map<string, boolean[]>();
		const byTable = new Map<TableInfo, [string, ProbeGroup][]>();
		for (const [key, g] of probes) {
			let list = byTable.get(g.info);
			if (!list) byTable.set(g.info, (list = []));
			list.push([key, g]);
		}
		for (const [info, list] of byTable) {
			const answers = await visibleRows(
				this.#db,
				info,
				list.map(([, g]) => g)
			);
			list.forEach(([key], i) => visible.set(key, answers[i]));
		}
		return visible;
	}

	/** Builds each distinct message once and hands it to its members. */
	#send({ pending, probes }: Batch, visible: Map<string, boolean[]>): void {
		const seen = (key: string, index: number) =>
			visible.get(key)![probes.get(key)!.at.get(index)!] === true;
		for (let i = 0; i < pending.length; i++) {
			const { change, info, targets } = pending[i];
			const data = new Map<string, string>();
			const frames = new Map<string, Buffer>();
			for (const [group, t] of targets) {
				if (t.probe !== undefined && !seen(t.probe, i)) continue;
				const role = group.role;
				let json = data.get(role);
				if (json === undefined) data.set(role, (json = changeData(change, info, t.access)));
				const ids = t.ids.join(',');
				const frameKey = `${group.vsn}|${group.topic}|${ids}|${role}`;
				let frame = frames.get(frameKey);
				if (!frame) {
					const payload = `{"ids":[${ids}],"data":${json}}`;
					frame = Buffer.from(
						encodeRaw(group.vsn, null, null, group.topic, EVENT.postgresChanges, payload)
					);
					frames.set(frameKey, frame);
				}
				// A member whose role changed is between groups until its re-subscription lands.
				if (t.perMember) {
					for (const [m, probe] of t.perMember)
						if (m.role === role && group.members.has(m) && seen(probe, i)) m.sendFrame(frame);
				} else for (const m of group.members) if (m.role === role) m.sendFrame(frame);
			}
		}
	}
}
