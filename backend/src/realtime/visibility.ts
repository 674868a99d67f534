import type { Db } from '../db/types.ts';
import type { Claims } from '../jwt.ts';
import type { TableInfo } from './catalog.ts';

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;
/** Groups per statement: bounded so one batch never holds PGlite's single connection for long. */
const GROUPS_PER_CALL = 200;

export interface ProbeGroup {
	role: string;
	claims: Claims;
	/** Primary-key tuples, in `table.pk` order. */
	keys: unknown[][];
}

/**
 * Which rows each group (a role with its claims) may SELECT now, as Realtime's apply_rls asks it:
 * the current row, after commit, with `role` and `request.jwt.claims` set locally, in a read-only
 * transaction. One statement answers many groups and many rows (`_realtime.visible`).
 */
export async function visibleRows(
	db: Db,
	table: TableInfo,
	groups: ProbeGroup[]
): Promise<boolean[][]> {
	const visible = groups.map((g) => g.keys.map(() => false));
	const types = new Map(table.columns.map((c) => [c.name, c.sqlType]));
	const match = table.pk
		.map((col, i) => `t.${quoteIdent(col)} = (e.v ->> ${i})::${types.get(col)}`)
		.join(' and ');
	const probe = `select $2::int, e.ord::int from jsonb_array_elements($1) with ordinality e(v, ord)
		where exists (select 1 from ${quoteIdent(table.schema)}.${quoteIdent(table.name)} t where ${match})`;
	for (let start = 0; start < groups.length; start += GROUPS_PER_CALL) {
		const chunk = groups.slice(start, start + GROUPS_PER_CALL);
		const arg = JSON.stringify(
			chunk.map((g) => ({ role: g.role, claims: JSON.stringify(g.claims), keys: g.keys }))
		);
		try {
			const { rows } = await db.transaction(async (tx) => {
				await tx.query('set transaction read only');
				return tx.query<{ grp: number; ord: number }>(
					'select grp, ord from _realtime.visible($1, $2::jsonb)',
					[probe, arg]
				);
			});
			for (const r of rows) visible[start + Number(r.grp)][Number(r.ord) - 1] = true;
		} catch (e) {
			console.warn(`[realtime] visibility check on ${table.schema}.${table.name} failed:`, e);
		}
	}
	return visible;
}
