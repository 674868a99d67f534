import { ApiError } from '../http/errors.ts';
import { PGRST } from './errors.ts';
import type { SelectItem } from './query-string.ts';
import type { SchemaCache } from './schema-cache.ts';

/**
 * Resolves embedded resources against foreign keys, as PostgREST does for the simple cases: the
 * parent references the embedded table (many-to-one → an object or null) or the embedded table
 * references the parent (one-to-many → an array). Junction tables (many-to-many), views and
 * embedded filters are not supported; several matching keys need a `!hint` (PGRST201).
 */
export function resolveEmbeds(
	items: SelectItem[],
	parent: { schema: string; name: string } | undefined,
	cache: SchemaCache
): void {
	for (const item of items) {
		if (item.kind !== 'embed') continue;
		const parentName = parent?.name ?? '?';
		const schema = parent?.schema ?? cache.schemas[0];
		const candidates = parent
			? cache.foreignKeys.flatMap((fk) => {
					const out: { toOne: boolean; on: [string, string][]; name: string; columns: string[] }[] =
						[];
					const pairs = (from: string[], to: string[]) =>
						from.map((c, i) => [c, to[i]] as [string, string]);
					if (
						fk.schema === parent.schema &&
						fk.table === parent.name &&
						fk.refTable === item.relation
					) {
						// The parent holds the key: the embedded row is the one it points at.
						out.push({
							toOne: true,
							on: pairs(fk.refColumns, fk.columns),
							name: fk.name,
							columns: fk.columns
						});
					}
					if (
						fk.refSchema === parent.schema &&
						fk.refTable === parent.name &&
						fk.table === item.relation
					) {
						out.push({
							toOne: false,
							on: pairs(fk.columns, fk.refColumns),
							name: fk.name,
							columns: fk.columns
						});
					}
					return out;
				})
			: [];
		const matching = item.hint
			? candidates.filter((c) => c.name === item.hint || c.columns.includes(item.hint!))
			: candidates;
		if (matching.length === 0) {
			throw ApiError.rest(
				400,
				PGRST.noRelationship,
				`Could not find a relationship between '${parentName}' and '${item.relation}' in the schema cache`,
				{
					details: `Searched for a foreign key relationship between '${parentName}' and '${item.relation}'${
						item.hint ? ` using the hint '${item.hint}'` : ''
					} in the schema '${schema}', but no matches were found.`,
					hint: 'This back end embeds only tables joined directly by one foreign key.'
				}
			);
		}
		if (matching.length > 1) {
			throw ApiError.rest(
				300,
				PGRST.ambiguousRelationship,
				`Could not embed because more than one relationship was found for '${parentName}' and '${item.relation}'`,
				{
					details: matching
						.map((m) => `${m.toOne ? 'many-to-one' : 'one-to-many'} using ${m.name}`)
						.join('; '),
					hint: `Try changing '${item.relation}' to one of: ${matching
						.map((m) => `'${item.relation}!${m.name}'`)
						.join(', ')}`
				}
			);
		}
		const [match] = matching;
		const target = { schema: parent!.schema, name: item.relation };
		item.join = { schema: target.schema, table: target.name, toOne: match.toOne, on: match.on };
		resolveEmbeds(item.select, target, cache);
	}
}
