import type { Queryable } from '../db/types.ts';
import { buildRelationships, type Relationship } from './relationships.ts';

/**
 * What PostgREST's schema cache holds, reduced to what this subset uses: the exposed relations
 * with their columns and keys, the exposed functions with their signatures, per-role settings and
 * the roles requests may switch to. Every identifier in generated SQL is checked against it (or
 * comes from it) and is quoted; values are always parameters.
 */
export interface Column {
	name: string;
	type: string;
	notNull: boolean;
	hasDefault: boolean;
	generated: boolean;
}

export interface Relation {
	schema: string;
	name: string;
	kind: 'table' | 'view';
	columns: Map<string, Column>;
	primaryKey: string[];
	/** The primary key and every unique constraint, as column lists. */
	uniqueKeys: string[][];
}

export interface FunctionArg {
	name: string;
	type: string;
	hasDefault: boolean;
}

export interface RoutineInfo {
	schema: string;
	name: string;
	/** IN/INOUT/VARIADIC arguments, in order. */
	args: FunctionArg[];
	returnsSet: boolean;
	returns: 'void' | 'scalar' | 'composite';
	/** Output column names for composite results (from OUT/TABLE args or the row type). */
	outColumns: string[];
	volatility: 'v' | 's' | 'i';
	/** The table or view (in the function's schema) whose rows it returns, for embedding. */
	tableName?: string;
	/** For a function of one table row (a computed relationship): that table. */
	argTable?: { schema: string; name: string };
	/** `ROWS n` of a set-returning function: 1 makes a computed relationship to-one. */
	rows: number;
}

/** A foreign key between two exposed tables: `table(columns)` references `refTable(refColumns)`. */
export interface ForeignKey {
	name: string;
	schema: string;
	table: string;
	columns: string[];
	refSchema: string;
	refTable: string;
	refColumns: string[];
}

export interface SchemaCache {
	schemas: string[];
	relations: Map<string, Relation>;
	routines: Map<string, RoutineInfo[]>;
	foreignKeys: ForeignKey[];
	/** Relationships for embedding, by the `schema.name` of the relation they start from. */
	relationships: Map<string, Relationship[]>;
	/** `statement_timeout` etc. from `ALTER ROLE … SET`, per role. */
	roleSettings: Map<string, Record<string, string>>;
	/** Roles the API may run as (those granted to `authenticator`). */
	apiRoles: Set<string>;
}

const key = (schema: string, name: string) => `${schema}.${name}`;

export function findRelation(cache: SchemaCache, schema: string, name: string) {
	return cache.relations.get(key(schema, name));
}

export function findRoutines(cache: SchemaCache, schema: string, name: string) {
	return cache.routines.get(key(schema, name)) ?? [];
}

const RELATIONS_SQL = `
select n.nspname as schema, c.relname as name, c.relkind::text as kind,
  coalesce((
    select json_agg(json_build_object(
      'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
      'hasDefault', a.atthasdef or a.attidentity <> '', 'generated', a.attgenerated <> ''
    ) order by a.attnum)
    from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  ), '[]'::json) as columns,
  coalesce((
    select json_agg(a.attname order by k.ord)
    from pg_index i
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
    where i.indrelid = c.oid and i.indisprimary
  ), '[]'::json) as primary_key,
  coalesce((
    select json_agg((
      select json_agg(a.attname order by k.ord)
      from unnest(con.conkey) with ordinality as k(attnum, ord)
      join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum))
    from pg_constraint con where con.conrelid = c.oid and con.contype in ('p', 'u')
  ), '[]'::json) as unique_keys
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1::text[]) and c.relkind in ('r', 'v', 'm', 'f', 'p')`;

const ROUTINES_SQL = `
select n.nspname as schema, p.proname as name, p.proretset as returns_set, p.provolatile::text as volatility,
  p.pronargs as nargs, p.pronargdefaults as ndefaults,
  p.prorettype = 'void'::regtype as returns_void, t.typtype::text as ret_kind, t.typrelid <> 0 as ret_row,
  coalesce((
    select json_agg(json_build_object(
      'name', coalesce(p.proargnames[i], ''),
      'type', format_type(coalesce(p.proallargtypes[i], p.proargtypes[i - 1]), null),
      'mode', coalesce(p.proargmodes[i], 'i')
    ) order by i)
    from generate_series(1, coalesce(array_length(p.proallargtypes, 1), p.pronargs)) as i
  ), '[]'::json) as args,
  coalesce((
    select json_agg(a.attname order by a.attnum) from pg_attribute a
    where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped
  ), '[]'::json) as row_columns,
  (select r.relname from pg_class r
   where r.oid = t.typrelid and r.relnamespace = p.pronamespace and r.relkind in ('r', 'v', 'm', 'f', 'p')
  ) as table_name,
  (select json_build_object('schema', an.nspname, 'name', ar.relname)
   from pg_type at join pg_class ar on ar.oid = at.typrelid join pg_namespace an on an.oid = ar.relnamespace
   where p.pronargs = 1 and at.oid = p.proargtypes[0] and ar.relkind in ('r', 'v', 'm', 'f', 'p')
  ) as arg_table,
  p.prorows::float8 as rows
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_type t on t.oid = p.prorettype
where n.nspname = any($1::text[]) and p.prokind = 'f' and t.typname <> 'trigger'`;

const FOREIGN_KEYS_SQL = `
select c.conname as name, n1.nspname as schema, t1.relname as table,
  n2.nspname as ref_schema, t2.relname as ref_table,
  (select json_agg(a.attname order by k.ord) from unnest(c.conkey) with ordinality as k(attnum, ord)
   join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) as columns,
  (select json_agg(a.attname order by k.ord) from unnest(c.confkey) with ordinality as k(attnum, ord)
   join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum) as ref_columns
from pg_constraint c
join pg_class t1 on t1.oid = c.conrelid join pg_namespace n1 on n1.oid = t1.relnamespace
join pg_class t2 on t2.oid = c.confrelid join pg_namespace n2 on n2.oid = t2.relnamespace
where c.contype = 'f' and n1.nspname = any($1::text[]) and n2.nspname = any($1::text[])
order by c.conname`;

// A view column named like a column of a table its rule reads stands for that column, as far as
// foreign keys go (PostgREST follows the view's target list; renamed columns are not followed here).
const VIEW_COLUMNS_SQL = `
select distinct vn.nspname as schema, v.relname as view, va.attname as column,
  tn.nspname as base_schema, t.relname as base_table
from pg_class v
join pg_namespace vn on vn.oid = v.relnamespace
join pg_rewrite r on r.ev_class = v.oid
join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
  and d.refclassid = 'pg_class'::regclass and d.refobjsubid > 0 and d.refobjid <> v.oid
join pg_class t on t.oid = d.refobjid and t.relkind in ('r', 'p')
join pg_namespace tn on tn.oid = t.relnamespace
join pg_attribute ta on ta.attrelid = t.oid and ta.attnum = d.refobjsubid
join pg_attribute va on va.attrelid = v.oid and va.attname = ta.attname and va.attnum > 0 and not va.attisdropped
where v.relkind in ('v', 'm') and vn.nspname = any($1::text[])`;

const ROLE_SETTINGS_SQL = `
select r.rolname as role, to_json(s.setconfig) as settings
from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
where s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
order by s.setdatabase`;

const API_ROLES_SQL = `
select r.rolname as role from pg_auth_members m
join pg_roles r on r.oid = m.roleid join pg_roles a on a.oid = m.member
where a.rolname = 'authenticator'`;

type Json<T> = T | string;
const parsed = <T>(v: Json<T>): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export async function loadSchemaCache(db: Queryable, schemas: string[]): Promise<SchemaCache> {
	const [rels, procs, fks, viewColumns, settings, roles] = [
		await db.query<{
			schema: string;
			name: string;
			kind: string;
			columns: Json<Column[]>;
			primary_key: Json<string[]>;
			unique_keys: Json<string[][]>;
		}>(RELATIONS_SQL, [schemas]),
		await db.query<{
			schema: string;
			name: string;
			returns_set: boolean;
			volatility: 'v' | 's' | 'i';
			nargs: number;
			ndefaults: number;
			returns_void: boolean;
			ret_kind: string;
			ret_row: boolean;
			args: Json<{ name: string; type: string; mode: string }[]>;
			row_columns: Json<string[]>;
			table_name: string | null;
			arg_table: Json<{ schema: string; name: string }> | null;
			rows: number;
		}>(ROUTINES_SQL, [schemas]),
		await db.query<{
			name: string;
			schema: string;
			table: string;
			ref_schema: string;
			ref_table: string;
			columns: Json<string[]>;
			ref_columns: Json<string[]>;
		}>(FOREIGN_KEYS_SQL, [schemas]),
		await db.query<{
			schema: string;
			view: string;
			column: string;
			base_schema: string;
			base_table: string;
		}>(VIEW_COLUMNS_SQL, [schemas]),
		await db.query<{ role: string; settings: Json<string[] | null> }>(ROLE_SETTINGS_SQL),
		await db.query<{ role: string }>(API_ROLES_SQL)
	];

	const relations = new Map<string, Relation>();
	for (const r of rels.rows) {
		const columns = parsed(r.columns);
		relations.set(key(r.schema, r.name), {
			schema: r.schema,
			name: r.name,
			kind: r.kind === 'r' || r.kind === 'p' ? 'table' : 'view',
			columns: new Map(columns.map((c) => [c.name, c])),
			primaryKey: parsed(r.primary_key),
			uniqueKeys: parsed(r.unique_keys)
		});
	}

	const routines = new Map<string, RoutineInfo[]>();
	for (const p of procs.rows) {
		const all = parsed(p.args);
		const inputs = all.filter((a) => a.mode === 'i' || a.mode === 'b' || a.mode === 'v');
		// Defaults belong to the last `pronargdefaults` input arguments.
		const args = inputs.map((a, i) => ({
			name: a.name,
			type: a.type,
			hasDefault: i >= inputs.length - p.ndefaults
		}));
		const outs = all.filter((a) => a.mode === 'o' || a.mode === 'b' || a.mode === 't');
		const composite = p.ret_row || (p.ret_kind === 'p' && !p.returns_void && outs.length > 0);
		const info: RoutineInfo = {
			schema: p.schema,
			name: p.name,
			args,
			returnsSet: p.returns_set,
			returns: p.returns_void ? 'void' : composite ? 'composite' : 'scalar',
			outColumns: p.ret_row ? parsed(p.row_columns) : outs.map((a) => a.name),
			volatility: p.volatility,
			tableName: p.table_name ?? undefined,
			argTable: p.arg_table === null ? undefined : parsed(p.arg_table),
			rows: Number(p.rows)
		};
		const k = key(p.schema, p.name);
		routines.set(k, [...(routines.get(k) ?? []), info]);
	}

	const roleSettings = new Map<string, Record<string, string>>();
	for (const s of settings.rows) {
		const entries = parsed(s.settings) ?? [];
		const current = roleSettings.get(s.role) ?? {};
		for (const entry of entries) {
			const eq = entry.indexOf('=');
			if (eq > 0) current[entry.slice(0, eq)] = entry.slice(eq + 1);
		}
		roleSettings.set(s.role, current);
	}

	const apiRoles = new Set(roles.rows.map((r) => r.role));
	if (apiRoles.size === 0)
		for (const r of ['anon', 'authenticated', 'service_role']) apiRoles.add(r);

	const foreignKeys = fks.rows.map((f) => ({
		name: f.name,
		schema: f.schema,
		table: f.table,
		columns: parsed(f.columns),
		refSchema: f.ref_schema,
		refTable: f.ref_table,
		refColumns: parsed(f.ref_columns)
	}));

	const relationships = buildRelationships(
		[...relations.values()],
		[...routines.values()].flat(),
		foreignKeys,
		viewColumns.rows.map((v) => ({
			schema: v.schema,
			view: v.view,
			column: v.column,
			baseSchema: v.base_schema,
			baseTable: v.base_table
		}))
	);

	return { schemas, relations, routines, foreignKeys, relationships, roleSettings, apiRoles };
}
