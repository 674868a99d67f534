import { ApiError } from '../http/errors.ts';
import { PGRST } from './errors.ts';
import { closest } from './fuzzy.ts';
import type { Condition, EmbedItem, EmbedParams, SelectItem } from './query-string.ts';
import { isToOne, relKey, type Relationship, type TableName } from './relationships.ts';
import type { SchemaCache } from './schema-cache.ts';

/**
 * Resolves every embedded resource of a `select` against the schema cache's relationships, as
 * PostgREST's planner does (`findRel`): by table or view name, by foreign-key constraint or column
 * name, with a `!hint` naming a constraint, a column on either side or a junction table. No match is
 * PGRST200, several are PGRST201. The embedded filters, order and limits of `embedded` are attached
 * to the embeds their path names; a path that names none is PGRST108.
 */
export function resolveEmbeds(
	items: SelectItem[],
	parent: TableName | undefined,
	cache: SchemaCache,
	embedded: Map<string, EmbedParams> = new Map(),
	conditions: Condition[] = []
): void {
	const resolved = new Set<string>();
	resolveLevel(items, parent, cache, embedded, [], resolved, 1);
	markNullEmbeds(conditions, items);
	const unused = [...embedded.keys()].find((k) => !resolved.has(k));
	if (unused !== undefined) {
		const path = unused.split('.');
		// The first segment that names no embed at its level.
		let i = 0;
		while (resolved.has(path.slice(0, i + 1).join('.'))) i++;
		const name = path[i];
		throw ApiError.rest(
			400,
			PGRST.notEmbedded,
			`'${name}' is not an embedded resource in this request`,
			{ hint: `Verify that '${name}' is included in the 'select' query parameter.` }
		);
	}
}

function resolveLevel(
	items: SelectItem[],
	parent: TableName | undefined,
	cache: SchemaCache,
	embedded: Map<string, EmbedParams>,
	path: string[],
	resolved: Set<string>,
	depth: number
) {
	const seen = new Set<string>();
	for (const item of items) {
		if (item.kind !== 'embed') continue;
		const origin = parent ?? { schema: cache.schemas[0], name: '?' };
		const rel = findRel(cache, origin, item.relation, item.hint);
		item.join = rel;
		const name = item.alias ?? item.relation;
		if (item.spread && !isToOne(rel)) {
			// PostgREST 12's answer; 13 aggregates the columns of a to-many spread into arrays.
			throw ApiError.rest(
				400,
				PGRST.spreadNotToOne,
				`A spread operation on '${item.relation}' is not possible`,
				{
					details: `'${origin.name}' and '${item.relation}' do not form a many-to-one or one-to-one relationship`
				}
			);
		}
		if (!item.spread) {
			// PostgREST names each embed's join `<table>_<name>_<depth>`; Postgres refuses a repeat.
			const joinAlias = `${origin.name}_${name}_${depth}`;
			if (seen.has(joinAlias)) {
				throw ApiError.rest(400, '42712', `table name "${joinAlias}" specified more than once`);
			}
			seen.add(joinAlias);
		}
		const own = [...path, name];
		const key = own.join('.');
		resolved.add(key);
		item.params = embedded.get(key) ?? item.params;
		resolveLevel(item.select, rel.foreignTable, cache, embedded, own, resolved, depth + 1);
		markNullEmbeds(item.params.conditions, item.select);
	}
}

/** `users=is.null` / `users=not.is.null` next to `select=…,users(…)` test the embed, not a column. */
function markNullEmbeds(conditions: Condition[], items: SelectItem[]) {
	for (const c of conditions) {
		if (c.kind === 'logic') {
			markNullEmbeds(c.children, items);
			continue;
		}
		if (c.op !== 'is' || c.value !== 'null' || c.column.path.length) continue;
		c.embed = items.find(
			(i): i is EmbedItem =>
				i.kind === 'embed' && !i.spread && (i.alias ?? i.relation) === c.column.name
		);
	}
}

function findRel(
	cache: SchemaCache,
	origin: TableName,
	target: string,
	hint: string | undefined
): Relationship {
	const all = cache.relationships.get(relKey(origin)) ?? [];
	const single = (rel: Relationship, side: 0 | 1) =>
		rel.columns.length === 1 ? rel.columns[0][side] : undefined;
	const matches = all.filter((rel) => {
		// A computed relationship is named by its function alone.
		if (rel.computed) return rel.computed.name === target;
		const named = rel.foreignTable.name === target;
		if (rel.isSelf && rel.cardinality !== 'many-to-many' && rel.cardinality !== 'one-to-one') {
			// One key, two relationships: the table's name is the children, the column the parent.
			if (hint === undefined) {
				return (
					(named && rel.cardinality === 'one-to-many') ||
					(rel.cardinality === 'many-to-one' && single(rel, 0) === target)
				);
			}
			return named && rel.cardinality === 'one-to-many' && single(rel, 1) === hint;
		}
		const m2m = rel.cardinality === 'many-to-many';
		if (hint === undefined) {
			return (
				named ||
				(!m2m && !rel.foreignIsView && (rel.constraint === target || single(rel, 0) === target))
			);
		}
		return (
			named &&
			(m2m
				? rel.junction!.table.name === hint
				: rel.constraint === hint || single(rel, 0) === hint || single(rel, 1) === hint)
		);
	});
	if (matches.length === 1) return matches[0];
	if (matches.length === 0) throw noRelationship(cache, origin, target, hint);
	throw ApiError.rest(
		300,
		PGRST.ambiguousRelationship,
		`Could not embed because more than one relationship was found for '${origin.name}' and '${target}'`,
		{
			details: matches.map(describe),
			hint: `Try changing '${target}' to one of the following: ${matches
				.map((r) => `'${r.foreignTable.name}!${r.constraint}'`)
				.join(', ')}. Find the desired relationship in the 'details' key.`
		}
	);
}

function describe(rel: Relationship) {
	const cols = (list: string[]) => `(${list.join(', ')})`;
	const embedding = `${rel.table.name} with ${rel.foreignTable.name}`;
	if (rel.junction) {
		const j = rel.junction;
		return {
			cardinality: rel.cardinality,
			embedding,
			relationship: `${j.table.name} using ${j.constraint1}${cols(j.sourceColumns.map(([c]) => c))} and ${j.constraint2}${cols(j.targetColumns.map(([c]) => c))}`
		};
	}
	return {
		cardinality: rel.cardinality,
		embedding,
		relationship: `${rel.constraint} using ${rel.table.name}${cols(rel.columns.map(([c]) => c))} and ${rel.foreignTable.name}${cols(rel.columns.map(([, c]) => c))}`
	};
}

function noRelationship(
	cache: SchemaCache,
	origin: TableName,
	target: string,
	hint: string | undefined
): ApiError {
	const own = cache.relationships.get(relKey(origin));
	let suggestion: string | undefined;
	if (own) {
		const found = closest(
			target,
			own.map((r) => r.foreignTable.name)
		);
		if (found && found.score < 1) suggestion = `'${found.value}' instead of '${target}'`;
	} else {
		const origins = [...cache.relationships.values()]
			.map((list) => list[0].table)
			.filter((t) => t.schema === origin.schema)
			.map((t) => t.name);
		const found = closest(origin.name, origins);
		if (found) suggestion = `'${found.value}' instead of '${origin.name}'`;
	}
	return ApiError.rest(
		400,
		PGRST.noRelationship,
		`Could not find a relationship between '${origin.name}' and '${target}' in the schema cache`,
		{
			details: `Searched for a foreign key relationship between '${origin.name}' and '${target}'${
				hint !== undefined ? ` using the hint '${hint}'` : ''
			} in the schema '${origin.schema}', but no matches were found.`,
			hint: suggestion ? `Perhaps you meant ${suggestion}.` : null
		}
	);
}
