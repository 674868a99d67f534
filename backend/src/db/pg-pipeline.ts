import { createRequire } from 'node:module';
import pg from 'pg';
import type { PreparedStatements } from './prepared.ts';
import type { Result, Statement } from './types.ts';

/** node-postgres' own parameter conversion (Date, arrays, objects, Buffer), as `query` applies it. */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as {
	prepareValue(value: unknown): unknown;
};

/** The parts of pg's Result used to decode rows with the client's type parsers (not in @types/pg). */
interface RowDecoder {
	rows: Record<string, unknown>[];
	fields: { name: string; dataTypeID: number }[];
	rowCount: number | null;
	addFields(fields: unknown[]): void;
	parseRow(values: unknown[]): Record<string, unknown>;
	addCommandComplete(message: unknown): void;
}

type Types = pg.CustomTypesConfig;

/**
 * Several statements in one write and one Sync, as a node-postgres Submittable (the interface
 * pg-cursor uses): Parse/Bind/Describe/Execute for each, then Sync. The server runs them in order
 * in one transaction — the surrounding one, or else an implicit one committed at the Sync — and
 * skips everything after a failure up to the Sync. One round trip instead of one per statement.
 */
export class Pipeline implements pg.Submittable {
	readonly done: Promise<Result[]>;
	#statements: Statement[];
	/** Converted up front: a value that cannot be sent fails the call before anything is written. */
	#values: unknown[][];
	#prepared: PreparedStatements;
	#types: Types;
	#results: Result[] = [];
	#current: RowDecoder | undefined;
	#parsed: string[] = [];
	#failed = false;
	#resolve!: (results: Result[]) => void;
	#reject!: (error: unknown) => void;

	constructor(statements: Statement[], prepared: PreparedStatements, types: Types) {
		this.#statements = statements;
		this.#values = statements.map((s) => (s.params ?? []).map(prepareValue));
		this.#prepared = prepared;
		this.#types = types;
		this.done = new Promise((resolve, reject) => {
			this.#resolve = resolve;
			this.#reject = reject;
		});
	}

	submit(connection: pg.Connection): void {
		const stream = connection.stream as pg.Connection['stream'] & {
			cork?(): void;
			uncork?(): void;
		};
		stream.cork?.();
		try {
			for (const name of this.#prepared.takeClosing()) connection.close({ type: 'S', name }, true);
			this.#statements.forEach((s, i) => {
				let name = '';
				if (s.prepare) {
					const use = this.#prepared.use(s.sql);
					name = use.name;
					if (use.parse) this.#parsed.push(name);
					if (use.parse) connection.parse({ name, text: s.sql, types: [] }, true);
				} else {
					connection.parse({ name: '', text: s.sql, types: [] }, true);
				}
				connection.bind({ statement: name, values: this.#values[i] } as pg.BindConfig, true);
				connection.describe({ type: 'P', name: '' }, true);
				connection.execute({}, true);
			});
			connection.sync();
		} finally {
			stream.uncork?.();
		}
	}

	handleRowDescription(message: { fields: unknown[] }): void {
		this.#decoder().addFields(message.fields);
	}

	handleDataRow(message: { fields: unknown[] }): void {
		const decoder = this.#decoder();
		decoder.rows.push(decoder.parseRow(message.fields));
	}

	handleCommandComplete(message: unknown): void {
		const decoder = this.#decoder();
		decoder.addCommandComplete(message);
		this.#results.push({
			rows: decoder.rows,
			fields: decoder.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
			rowCount: decoder.rowCount ?? decoder.rows.length
		});
		this.#current = undefined;
	}

	handleEmptyQuery(): void {
		this.#results.push({ rows: [], fields: [], rowCount: 0 });
	}

	handlePortalSuspended(): void {}

	handleError(error: unknown): void {
		this.#failed = true;
		this.#prepared.forget(this.#parsed, (error as { code?: string }).code);
		this.#reject(error);
	}

	/** Arrives after an error too (the client hands it on only when no error came first). */
	handleReadyForQuery(): void {
		if (!this.#failed) this.#resolve(this.#results);
	}

	#decoder(): RowDecoder {
		this.#current ??= new pg.Result('object', this.#types as never) as unknown as RowDecoder;
		return this.#current;
	}
}
