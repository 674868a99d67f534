import type { Db } from '../db/types.ts';
import type { Claims } from '../jwt.ts';
import type { TableInfo } from './catalog.ts';

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Which of `keys` (primary-key tuples, in `table.pk` order) the role with `claims` may SELECT now,
 * as Realtime's apply_rls asks it: the current row, after commit, inside a read-only transaction
 * with `role` and `request.jwt.claims` set locally. One query answers a whole batch of rows.
 * A policy that raises hides the rows (and only from this subscriber group).
 */
export async function visibleRows(
	db: Db,
	table: TableInfo,
	role: string,
	claims: Claims,
	keys: unknown[][]
): Promise<boolean[]> {
	const visible = keys.map(() => false);
	if (keys.length === 0) return visible;
	const types = new Map(table.columns.map((c) => [c.name, c.sqlType]));
	const match = table.pk
		.map((col, i) => `t.${quoteIdent(col)} = (e.v ->> ${i})::${types.get(col)}`)
		.join(' and ');
	const sql = `select e.ord::int as ord from jsonb_array_elements($1::jsonb) with ordinality e(v, ord)
		where exists (select 1 from ${quoteIdent(table.schema)}.${quoteIdent(table.name)} t where ${match})`;
	try {
		await db.transaction(async (tx) => {
			await tx.query('set transaction read only');
			await tx.query(
				`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`,
				[role, JSON.stringify(claims)]
			);
			const { rows } = await tx.query<{ ord: number }>(sql, [JSON.stringify(keys)]);
			for (const r of rows) visible[Number(r.ord) - 1] = true;
		});
	} catch (e) {
		console.warn(
			`[realtime] visibility check on ${table.schema}.${table.name} as ${role} failed:`,
			e
		);
		return keys.map(() => false);
	}
	return visible;
}
