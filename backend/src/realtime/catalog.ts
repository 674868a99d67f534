import type { Db } from '../db/types.ts';

/**
 * What postgres_changes needs to know about tables and roles, read from the catalogs and cached
 * briefly: a change burst must not cost a catalog query per row, yet `alter table`, new policies or
 * grants should show up within seconds.
 */

export interface Column {
	name: string;
	/** pg_type.typname, as the wire's `columns[].type` carries it. */
	type: string;
	/** format_type(), for casts in SQL. */
	sqlType: string;
}

export interface TableInfo {
	oid: string;
	schema: string;
	name: string;
	columns: Column[];
	types: Map<string, string>;
	pk: string[];
	rls: boolean;
	forceRls: boolean;
	replicaFull: boolean;
	owner: string;
}

/**
 * How visibility of a row depends on the subscriber:
 * all = every row (no RLS, BYPASSRLS, owner, or a `using (true)` policy); none = no permissive policy;
 * role = policies read no claims, so one probe per role; claims = one probe per distinct claims.
 */
export type VisibilityMode = 'all' | 'none' | 'role' | 'claims';

export interface Access {
	selectable: Set<string>;
	mode: VisibilityMode;
}

const TTL_MS = 5000;
/** OIDs below this are built in; a user function in a policy may read the JWT claims. */
const FIRST_NORMAL_OBJECT_ID = 16384;

interface Entry<T> {
	at: number;
	value: Promise<T>;
}

export class Catalog {
	#db: Db;
	#tables = new Map<string, Entry<TableInfo | undefined>>();
	#access = new Map<string, Entry<Access | undefined>>();
	#publication: Entry<Set<string>> | undefined;

	constructor(db: Db) {
		this.#db = db;
	}

	invalidate(): void {
		this.#tables.clear();
		this.#access.clear();
		this.#publication = undefined;
	}

	#cached<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
		const hit = map.get(key);
		if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
		const value = load();
		map.set(key, { at: Date.now(), value });
		value.catch(() => map.delete(key));
		return value;
	}

	/** `schema.table` of every table in publication supabase_realtime. */
	publication(fresh = false): Promise<Set<string>> {
		if (!fresh && this.#publication && Date.now() - this.#publication.at < TTL_MS) {
			return this.#publication.value;
		}
		const value = this.#db
			.query<{ schemaname: string; tablename: string }>(
				`select schemaname, tablename from pg_publication_tables
				where pubname = 'supabase_realtime' and schemaname <> '_realtime'`
			)
			.then((r) => new Set(r.rows.map((t) => `${t.schemaname}.${t.tablename}`)));
		this.#publication = { at: Date.now(), value };
		value.catch(() => (this.#publication = undefined));
		return value;
	}

	table(schema: string, name: string): Promise<TableInfo | undefined> {
		return this.#cached(this.#tables, `${schema}.${name}`, async () => {
			const { rows } = await this.#db.query<{
				oid: string;
				relrowsecurity: boolean;
				relforcerowsecurity: boolean;
				relreplident: string;
				owner: string;
				columns: Column[] | string | null;
				pk: string[] | string | null;
			}>(
				`select c.oid::text as oid, c.relrowsecurity, c.relforcerowsecurity, c.relreplident::text,
					pg_get_userbyid(c.relowner) as owner,
					(select json_agg(json_build_object('name', a.attname, 'type', t.typname,
							'sqlType', format_type(a.atttypid, a.atttypmod)) order by a.attnum)
						from pg_attribute a join pg_type t on t.oid = a.atttypid
						where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
					(select json_agg(a.attname order by array_position(i.indkey::int2[], a.attnum))
						from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
						where i.indrelid = c.oid and i.indisprimary) as pk
				from pg_class c join pg_namespace n on n.oid = c.relnamespace
				where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')`,
				[schema, name]
			);
			const row = rows[0];
			if (!row) return undefined;
			const parse = <T>(v: T | string | null, empty: T): T =>
				v === null ? empty : typeof v === 'string' ? (JSON.parse(v) as T) : v;
			const columns = parse<Column[]>(row.columns, []);
			return {
				oid: row.oid,
				schema,
				name,
				columns,
				types: new Map(columns.map((c) => [c.name, c.type])),
				pk: parse<string[]>(row.pk, []),
				rls: row.relrowsecurity,
				forceRls: row.relforcerowsecurity,
				replicaFull: row.relreplident === 'f',
				owner: row.owner
			};
		});
	}

	/** Column privileges and RLS mode of `role` on `table`; undefined when the role does not exist. */
	access(table: TableInfo, role: string): Promise<Access | undefined> {
		return this.#cached(this.#access, `${table.oid}|${role}`, async () => {
			const { rows: roles } = await this.#db.query<{ bypass: boolean; owner: boolean }>(
				`select r.rolsuper or r.rolbypassrls as bypass,
					pg_has_role(r.oid, (select relowner from pg_class where oid = $2::oid), 'USAGE') as owner
				from pg_roles r where r.rolname = $1`,
				[role, table.oid]
			);
			if (!roles[0]) return undefined;
			const { rows: cols } = await this.#db.query<{ attname: string }>(
				`select a.attname from pg_attribute a
				where a.attrelid = $2::oid and a.attnum > 0 and not a.attisdropped
					and has_column_privilege($1, a.attrelid, a.attnum, 'SELECT')`,
				[role, table.oid]
			);
			const selectable = new Set(cols.map((c) => c.attname));
			const { bypass, owner } = roles[0];
			if (bypass || !table.rls || (owner && !table.forceRls)) return { selectable, mode: 'all' };
			return { selectable, mode: await this.#policyMode(table, role) };
		});
	}

	async #policyMode(table: TableInfo, role: string): Promise<VisibilityMode> {
		const { rows } = await this.#db.query<{
			permissive: boolean;
			tree: string | null;
			expr: string | null;
		}>(
			`select p.polpermissive as permissive, p.polqual::text as tree,
				pg_get_expr(p.polqual, p.polrelid) as expr
			from pg_policy p
			where p.polrelid = $2::oid and p.polcmd in ('r', '*')
				and (0 = any(p.polroles) or exists (
					select from unnest(p.polroles) pr where pg_has_role($1, pr, 'MEMBER')))`,
			[role, table.oid]
		);
		const permissive = rows.filter((p) => p.permissive);
		const restrictive = rows.filter((p) => !p.permissive);
		if (permissive.length === 0) return 'none';
		if (restrictive.length === 0 && permissive.some((p) => p.expr === 'true')) return 'all';
		const funcs = new Set<number>();
		for (const p of rows) {
			// A missing USING, or a subquery (which runs under other tables' RLS), may depend on claims.
			if (p.tree === null || p.tree.includes('{SUBLINK')) return 'claims';
			for (const m of p.tree.matchAll(/:(?:funcid|opfuncid) (\d+)/g)) funcs.add(Number(m[1]));
		}
		if ([...funcs].some((f) => f >= FIRST_NORMAL_OBJECT_ID)) return 'claims';
		if (funcs.size > 0) {
			const { rows: gucReaders } = await this.#db.query(
				`select 1 from pg_proc where oid = any($1::oid[]) and proname in ('current_setting', 'set_config')`,
				[[...funcs].map(String)]
			);
			if (gucReaders.length > 0) return 'claims';
		}
		return 'role';
	}
}
