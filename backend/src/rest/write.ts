import type { Result } from '../db/types.ts';
import type { RequestPlan, RestContext } from './context.ts';
import { Rollback } from './context.ts';
import type { Query } from './query-string.ts';
import { columnNotFound, invalidBody, maxAffectedViolation, singularityError } from './errors.ts';
import { renderLimits, respond } from './read.ts';
import type { Relation } from './schema-cache.ts';
import { Params, ident, jsonBodySql, qualified, selectSql, sizedRows, whereSql } from './sql.ts';

/**
 * INSERT/UPDATE/DELETE as PostgREST builds them: the JSON body is decoded by Postgres itself
 * (`json_populate_recordset` against the table's row type), so every value gets the column's own
 * type conversion and errors, and nothing from the body is ever spliced into SQL.
 */

function checkColumns(relation: Relation, columns: string[]) {
	for (const c of columns) if (!relation.columns.has(c)) throw columnNotFound(relation.name, c);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

export function insert(ctx: RestContext, relation: Relation, query: Query): RequestPlan | Response {
	const body = ctx.body;
	const rows = Array.isArray(body) ? body : [body];
	if (body === undefined || !rows.every(isObject)) {
		throw invalidBody(
			'Empty or invalid json',
			'The body must be a JSON object or an array of objects'
		);
	}
	let columns: string[];
	if (query.columns) {
		columns = query.columns;
	} else {
		columns = rows.length ? Object.keys(rows[0]) : [];
		const same = rows.every(
			(r) => Object.keys(r).length === columns.length && columns.every((c) => c in r)
		);
		if (!same) throw invalidBody('All object keys must match');
	}
	checkColumns(relation, columns);

	const target = qualified(relation.schema, relation.name);
	const alias = ident(relation.name);
	const params = new Params();

	let conflict = '';
	let merging = false;
	const keys = query.onConflict ?? relation.primaryKey;
	if (ctx.prefs.resolution && keys.length) {
		checkColumns(relation, keys);
		merging = ctx.prefs.resolution === 'merge-duplicates';
		// Every payload column is set, the conflict columns too (to themselves), as PostgREST does:
		// a body of only the key still updates, so the existing row comes back.
		conflict =
			merging && columns.length
				? ` ON CONFLICT (${keys.map(ident).join(', ')}) DO UPDATE SET ${columns
						.map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`)
						.join(', ')}`
				: ` ON CONFLICT (${keys.map(ident).join(', ')}) DO NOTHING`;
	} else if (ctx.prefs.resolution) {
		// Without a primary key or on_conflict PostgREST ignores the preference (and does not echo it).
		ctx.prefs.applied = ctx.prefs.applied.filter((p) => !p.startsWith('resolution='));
	}

	// With missing=default a key absent from an object takes the column DEFAULT, so objects are
	// grouped by the keys they carry and each group is its own INSERT (all in one statement).
	const groups = new Map<string, { columns: string[]; rows: Record<string, unknown>[] }>();
	for (const row of rows as Record<string, unknown>[]) {
		const present = ctx.prefs.missing === 'default' ? columns.filter((c) => c in row) : columns;
		const key = JSON.stringify(present);
		const group = groups.get(key) ?? { columns: present, rows: [] };
		group.rows.push(row);
		groups.set(key, group);
	}
	const representation = ctx.prefs.return === 'representation';
	const statements = [...groups.values()].map((group) => {
		const list = group.columns.map(ident).join(', ');
		const data = params.add(JSON.stringify(group.rows));
		return (
			`INSERT INTO ${target} AS ${alias} ${group.columns.length ? `(${list}) ` : ''}` +
			`SELECT ${list} FROM json_populate_recordset(NULL::${target}, ${data}::json) AS pgrst_body` +
			conflict
		);
	});
	// An upsert that inserted nothing is 200, as is an empty payload, as PostgREST answers them.
	if (!statements.length) {
		return respondWrite(
			ctx,
			merging && representation ? 200 : 201,
			representation ? '[]' : null,
			0
		);
	}
	return mutate(ctx, relation, query, statements, params, 201, merging, true);
}

export function update(ctx: RestContext, relation: Relation, query: Query): RequestPlan | Response {
	if (!isObject(ctx.body))
		throw invalidBody('Empty or invalid json', 'The body must be a JSON object');
	const columns = query.columns ?? Object.keys(ctx.body);
	checkColumns(relation, columns);
	const representation = ctx.prefs.return === 'representation';
	if (!columns.length)
		return respondWrite(ctx, representation ? 200 : 204, representation ? '[]' : null, 0);

	const target = qualified(relation.schema, relation.name);
	const alias = ident(relation.name);
	const params = new Params();
	const data = params.add(JSON.stringify(ctx.body));
	const where = whereSql(query.conditions, params, alias);
	const statement =
		`UPDATE ${target} AS ${alias} SET ${columns.map((c) => `${ident(c)} = pgrst_body.${ident(c)}`).join(', ')} ` +
		`FROM (SELECT * FROM json_populate_record(NULL::${target}, ${data}::json)) AS pgrst_body${where}`;
	return mutate(ctx, relation, query, [statement], params, representation ? 200 : 204);
}

export function remove(ctx: RestContext, relation: Relation, query: Query): RequestPlan {
	const target = qualified(relation.schema, relation.name);
	const alias = ident(relation.name);
	const params = new Params();
	const where = whereSql(query.conditions, params, alias);
	const representation = ctx.prefs.return === 'representation';
	return mutate(
		ctx,
		relation,
		query,
		[`DELETE FROM ${target} AS ${alias}${where}`],
		params,
		representation ? 200 : 204
	);
}

function mutate(
	ctx: RestContext,
	relation: Relation,
	query: Query,
	statements: string[],
	params: Params,
	status: number,
	merging = false,
	inserting = false
): RequestPlan {
	const alias = ident(relation.name);
	const representation = ctx.prefs.return === 'representation';
	// `return=headers-only` on an insert answers with the new row's address in Location.
	const locating =
		inserting && ctx.prefs.return === 'headers-only' && relation.primaryKey.length > 0;
	const { handling, maxAffected } = ctx.prefs;
	const strict = handling === 'strict' && maxAffected !== undefined;
	const mayUndo = ctx.singular || strict || ctx.prefs.tx === 'rollback';

	/** The response for `affected` rows; throws (undoing the write) where PostgREST rolls back. */
	const answer = (
		affected: number,
		body: string | null,
		location: string | undefined,
		finalStatus: number
	) => {
		if (ctx.singular && affected !== 1) throw singularityError(affected);
		if (strict && affected > maxAffected) {
			throw maxAffectedViolation(affected);
		}
		const response = respondWrite(ctx, finalStatus, body, affected);
		if (location) response.headers.set('Location', location);
		if (ctx.prefs.tx === 'rollback') throw new Rollback(response);
		return response;
	};

	if (!representation && !merging && !locating && statements.length === 1) {
		return {
			sql: statements[0],
			params: params.values,
			mayUndo,
			finish: (result: Result) => answer(result.rowCount, null, undefined, status)
		};
	}
	// RETURNING makes Postgres apply SELECT policies to the new rows, as PostgREST's does; an
	// upsert also tells inserted rows (xmax = 0) from updated ones for its status code.
	const returning = [representation ? `${alias} AS pgrst_row` : '1 AS pgrst_one'];
	if (merging) returning.push(`(${alias}.xmax = 0) AS pgrst_inserted`);
	if (locating) {
		const pairs = relation.primaryKey.map((k) => `${params.add(k)}::text, ${alias}.${ident(k)}`);
		returning.push(`json_build_object(${pairs.join(', ')})::text AS pgrst_pk`);
	}
	const ctes = statements.map(
		(s, i) => `pgrst_mut${i} AS (${s} RETURNING ${returning.join(', ')})`
	);
	ctes.push(
		`pgrst_all AS (${statements.map((_, i) => `SELECT * FROM pgrst_mut${i}`).join(' UNION ALL ')})`
	);
	// PostgREST does not apply max_rows to what a write returns, but the byte limit holds.
	const limits = renderLimits(ctx.cache, null, ctx.maxResponseBytes);
	const written =
		`(SELECT ${selectSql(query.select, params, alias, limits)} ` +
		`FROM (SELECT (pgrst_row).* FROM pgrst_all) AS ${alias})`;
	const bodySql = representation
		? `(SELECT ${jsonBodySql(ctx.singular, ctx.stripNulls)} FROM ${sizedRows(written, ctx.maxResponseBytes)})`
		: 'NULL::text';
	const insertedSql = merging
		? '(SELECT count(*)::int FROM pgrst_all WHERE pgrst_inserted)'
		: 'NULL::int';
	const pkSql = locating ? '(SELECT pgrst_pk FROM pgrst_all LIMIT 1)' : 'NULL::text';
	return {
		sql:
			`WITH ${ctes.join(', ')} SELECT (SELECT count(*)::int FROM pgrst_all) AS affected, ` +
			`${insertedSql} AS inserted, ${bodySql} AS body, ${pkSql} AS pk`,
		params: params.values,
		mayUndo,
		finish(result: Result) {
			const row = result.rows[0] as {
				affected: number;
				inserted: number | null;
				body: string | null;
				pk: string | null;
			};
			let location: string | undefined;
			if (row.pk && row.affected === 1) {
				const pk = JSON.parse(row.pk) as Record<string, unknown>;
				const filters = Object.entries(pk).map(
					([k, v]) => `${encodeURIComponent(k)}=eq.${encodeURIComponent(String(v))}`
				);
				location = `/${relation.name}?${filters.join('&')}`;
			}
			const upserted = merging && representation && row.inserted === 0;
			return answer(row.affected, row.body, location, upserted ? 200 : status);
		}
	};
}

function respondWrite(ctx: RestContext, status: number, body: string | null, affected: number) {
	const count = ctx.prefs.count ? String(affected) : '*';
	return respond(ctx, body === null && status !== 201 ? 204 : status, body, {
		'Content-Range': `*/${count}`
	});
}
