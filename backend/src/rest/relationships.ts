/**
 * The relationships PostgREST derives from foreign keys, which embedding resolves against: each
 * key gives a many-to-one and its inverse one-to-many (both one-to-one when the key's columns are
 * also a primary or unique key of the referencing table); two keys of a junction table whose
 * columns lie in its primary key give a many-to-many; and a view that exposes the key's columns of
 * its base table carries the base table's relationships. A function taking one table row and
 * returning rows of a table is a computed relationship, embedded by the function's name.
 */
export interface TableName {
	schema: string;
	name: string;
}

export type Cardinality = 'many-to-one' | 'one-to-many' | 'one-to-one' | 'many-to-many';

export interface Junction {
	table: TableName;
	/** The junction's key to `Relationship.table`, and its key to `Relationship.foreignTable`. */
	constraint1: string;
	constraint2: string;
	/** `[junction column, table column]` pairs. */
	sourceColumns: [string, string][];
	/** `[junction column, foreign table column]` pairs. */
	targetColumns: [string, string][];
}

export interface Relationship {
	table: TableName;
	foreignTable: TableName;
	isSelf: boolean;
	cardinality: Cardinality;
	/** The foreign key's constraint name (for many-to-many, the junction's table name). */
	constraint: string;
	/** `[table column, foreign table column]` pairs the join compares. */
	columns: [string, string][];
	junction?: Junction;
	/** A computed relationship: the function that returns the related rows for a row. */
	computed?: TableName;
	foreignIsView: boolean;
}

export interface RoutineShape {
	schema: string;
	name: string;
	returnsSet: boolean;
	rows: number;
	tableName?: string;
	argTable?: TableName;
}

export interface ForeignKeyInfo {
	name: string;
	schema: string;
	table: string;
	columns: string[];
	refSchema: string;
	refTable: string;
	refColumns: string[];
}

export interface RelationInfo {
	schema: string;
	name: string;
	kind: 'table' | 'view';
	primaryKey: string[];
	/** The primary key and every unique constraint, as column lists. */
	uniqueKeys: string[][];
}

/** A view column that is its base table's column of the same name. */
export interface ViewColumn {
	schema: string;
	view: string;
	column: string;
	baseSchema: string;
	baseTable: string;
}

export const relKey = (t: TableName) => `${t.schema}.${t.name}`;
const same = (a: TableName, b: TableName) => a.schema === b.schema && a.name === b.name;

export function isToOne(rel: Relationship): boolean {
	return rel.cardinality === 'many-to-one' || rel.cardinality === 'one-to-one';
}

/** Every relationship, by the `schema.name` of the relation it starts from. */
export function buildRelationships(
	relations: RelationInfo[],
	routines: RoutineShape[],
	foreignKeys: ForeignKeyInfo[],
	viewColumns: ViewColumn[]
): Map<string, Relationship[]> {
	const byKey = new Map(relations.map((r) => [relKey(r), r]));
	// For each base table, the views over it and the key columns each of them exposes.
	const viewsOf = new Map<string, { view: TableName; columns: Set<string> }[]>();
	for (const vc of viewColumns) {
		const base = relKey({ schema: vc.baseSchema, name: vc.baseTable });
		const list = viewsOf.get(base) ?? [];
		let entry = list.find((e) => e.view.schema === vc.schema && e.view.name === vc.view);
		if (!entry) {
			entry = { view: { schema: vc.schema, name: vc.view }, columns: new Set() };
			list.push(entry);
		}
		entry.columns.add(vc.column);
		viewsOf.set(base, list);
	}
	const withViews = (t: TableName, columns: string[]): TableName[] => [
		t,
		...(viewsOf.get(relKey(t)) ?? [])
			.filter((v) => columns.every((c) => v.columns.has(c)))
			.map((v) => v.view)
	];

	const out = new Map<string, Relationship[]>();
	const add = (rel: Relationship) => {
		const k = relKey(rel.table);
		out.set(k, [...(out.get(k) ?? []), rel]);
	};
	const isView = (t: TableName) => byKey.get(relKey(t))?.kind === 'view';
	const toOnes: Relationship[] = [];

	for (const fk of foreignKeys) {
		const base = { schema: fk.schema, name: fk.table };
		const ref = { schema: fk.refSchema, name: fk.refTable };
		const keys = byKey.get(relKey(base))?.uniqueKeys ?? [];
		const oneToOne = keys.some(
			(k) => k.length === fk.columns.length && k.every((c) => fk.columns.includes(c))
		);
		const pairs = fk.columns.map((c, i) => [c, fk.refColumns[i]] as [string, string]);
		for (const table of withViews(base, fk.columns)) {
			for (const foreignTable of withViews(ref, fk.refColumns)) {
				const isSelf = same(table, foreignTable);
				const forward: Relationship = {
					table,
					foreignTable,
					isSelf,
					cardinality: oneToOne ? 'one-to-one' : 'many-to-one',
					constraint: fk.name,
					columns: pairs,
					foreignIsView: isView(foreignTable)
				};
				add(forward);
				if (same(table, base) && same(foreignTable, ref)) toOnes.push(forward);
				add({
					table: foreignTable,
					foreignTable: table,
					isSelf,
					cardinality: oneToOne ? 'one-to-one' : 'one-to-many',
					constraint: fk.name,
					columns: pairs.map(([a, b]) => [b, a]),
					foreignIsView: isView(table)
				});
			}
		}
	}

	// Many-to-many: two keys of one junction table, every column of both in its primary key.
	for (const a of toOnes) {
		const pk = byKey.get(relKey(a.table))?.primaryKey ?? [];
		for (const b of toOnes) {
			if (!same(a.table, b.table) || a.constraint === b.constraint) continue;
			const cols = [...a.columns, ...b.columns].map(([c]) => c);
			if (!cols.every((c) => pk.includes(c))) continue;
			add({
				table: a.foreignTable,
				foreignTable: b.foreignTable,
				isSelf: same(a.foreignTable, b.foreignTable),
				cardinality: 'many-to-many',
				constraint: a.table.name,
				columns: [],
				junction: {
					table: a.table,
					constraint1: a.constraint,
					constraint2: b.constraint,
					sourceColumns: a.columns,
					targetColumns: b.columns
				},
				foreignIsView: isView(b.foreignTable)
			});
		}
	}
	for (const fn of routines) {
		if (!fn.argTable || !fn.tableName || !byKey.has(relKey(fn.argTable))) continue;
		const foreignTable = { schema: fn.schema, name: fn.tableName };
		add({
			table: fn.argTable,
			foreignTable,
			isSelf: same(fn.argTable, foreignTable),
			// PostgREST: a function returning one row, or a set declared `ROWS 1`, is to-one.
			cardinality: !fn.returnsSet || fn.rows === 1 ? 'many-to-one' : 'one-to-many',
			constraint: fn.name,
			columns: [],
			computed: { schema: fn.schema, name: fn.name },
			foreignIsView: isView(foreignTable)
		});
	}
	return out;
}
