import type { Access, TableInfo } from './catalog.ts';
import type { Change, Row } from './change-capture.ts';

/**
 * The `data` of a postgres_changes message, as Realtime's apply_rls builds it from
 * wal2json: only columns the role may select, old values per replica identity.
 */

export function pick(row: Row | undefined, cols: Iterable<string>): Row {
	const out: Row = {};
	if (row) for (const c of cols) if (c in row) out[c] = row[c];
	return out;
}

/** wal2json's `identity`: the key columns, or the whole old row under REPLICA IDENTITY FULL. */
export function identity(change: Change, info: TableInfo): Row {
	return info.replicaFull ? (change.old ?? {}) : pick(change.old, info.pk);
}

/** The JSON text of `data` for subscribers whose role has `access` on the table. */
export function changeData(change: Change, info: TableInfo, access: Access): string {
	const head = {
		schema: change.schema,
		table: change.table,
		commit_timestamp: change.commitTimestamp
	};
	const type = change.type;
	if (type !== 'DELETE') {
		if (info.pk.length === 0) {
			return JSON.stringify({ ...head, type, errors: ['Error 400: Bad Request, no primary key'] });
		}
		if (!info.pk.every((c) => access.selectable.has(c))) {
			return JSON.stringify({ ...head, type, errors: ['Error 401: Unauthorized'] });
		}
	}
	const visibleCols = info.columns.filter((c) => access.selectable.has(c.name));
	const names = visibleCols.map((c) => c.name);
	const out: Record<string, unknown> = {
		...head,
		type,
		columns: visibleCols.map((c) => ({ name: c.name, type: c.type }))
	};
	if (type !== 'DELETE') out.record = pick(change.record, names);
	if (type !== 'INSERT') {
		// DELETE on an RLS table keeps only the key, even under REPLICA IDENTITY FULL.
		const old = type === 'DELETE' && info.rls ? pick(change.old, info.pk) : identity(change, info);
		out.old_record = pick(old, names);
	}
	out.errors = null;
	return JSON.stringify(out);
}
