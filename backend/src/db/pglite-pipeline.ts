import { messages as pgMessages, PGlite, protocol, types } from '@electric-sql/pglite';
import type { PreparedStatements } from './prepared.ts';
import type { Result, Statement } from './types.ts';

const { serialize } = protocol;
const SYNC = serialize.sync();
/** Commands whose tag carries the rows they touched (PGlite's `affectedRows`). */
const AFFECTING = new Set(['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE']);

/**
 * Only text and NULL parameters take the one-call path: they go to the server as they are, as
 * node-postgres sends them. Anything else (numbers, dates, arrays) keeps PGlite's own conversion,
 * which depends on the parameter's type, through `PGlite.query`.
 */
export function textParams(statements: Statement[]): boolean {
	return statements.every((s) =>
		(s.params ?? []).every((v) => typeof v === 'string' || v === null || v === undefined)
	);
}

/**
 * The statements as one protocol message stream (Parse/Bind/Describe/Execute each, then one Sync)
 * in a single call into PGlite, where `PGlite.query` makes six calls for each statement. The
 * server runs them in one transaction — the surrounding one, or an implicit one ended by the Sync —
 * and a failure skips the rest and is thrown. Rows are decoded with PGlite's own type parsers.
 * The caller holds the connection (the queue); params must pass `textParams`.
 */
export async function runPipeline(
	pg: PGlite,
	statements: Statement[],
	prepared: PreparedStatements
): Promise<Result[]> {
	const parts: Uint8Array[] = [];
	for (const name of prepared.takeClosing()) parts.push(serialize.close({ type: 'S', name }));
	const parsed: string[] = [];
	for (const s of statements) {
		let name = '';
		let parse = true;
		if (s.prepare) ({ name, parse } = prepared.use(s.sql));
		if (parse) {
			parts.push(serialize.parse({ name, text: s.sql }));
			if (name) parsed.push(name);
		}
		const values = (s.params ?? []).map((v) => (v === undefined ? null : (v as string | null)));
		parts.push(serialize.bind({ statement: name, values }));
		parts.push(serialize.describe({ type: 'P' }));
		parts.push(serialize.execute());
	}
	parts.push(SYNC);

	let length = 0;
	for (const p of parts) length += p.length;
	const message = new Uint8Array(length);
	let offset = 0;
	for (const p of parts) {
		message.set(p, offset);
		offset += p.length;
	}

	let messages;
	try {
		({ messages } = await pg.execProtocol(message));
	} catch (e) {
		prepared.forget(parsed, (e as { code?: string }).code);
		throw e;
	}
	return decode(messages, pg.parsers);
}

function decode(
	messages: pgMessages.BackendMessage[],
	parsers: Record<number | string, types.Parser>
): Result[] {
	const results: Result[] = [];
	let fields: { name: string; dataTypeID: number }[] = [];
	let rows: Record<string, unknown>[] = [];
	for (const m of messages) {
		if (m instanceof pgMessages.RowDescriptionMessage) {
			fields = m.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
		} else if (m instanceof pgMessages.DataRowMessage) {
			const row: Record<string, unknown> = {};
			m.fields.forEach((value, i) => {
				row[fields[i].name] = types.parseType(value, fields[i].dataTypeID, parsers);
			});
			rows.push(row);
		} else if (m instanceof pgMessages.CommandCompleteMessage) {
			const words = m.text.split(' ');
			const touched = AFFECTING.has(words[0]) ? Number(words[words.length - 1]) : 0;
			results.push({ rows, fields, rowCount: touched || rows.length });
			fields = [];
			rows = [];
		} else if (m.name === 'emptyQuery') {
			results.push({ rows: [], fields: [], rowCount: 0 });
		}
	}
	return results;
}
