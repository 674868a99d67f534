import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server every test may use (trust auth); override for other machines. */
export const ADMIN_URL =
	process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
	url: string;
	name: string;
	/** Drops the database, ending any connection still open to it. */
	drop(): Promise<void>;
}

/**
 * A fresh, randomly named database on the test server, so tests never see what another test (or a
 * previous run) left. `template` clones a prepared database instead of an empty one.
 */
export async function createTestDatabase(
	options: { template?: string } = {}
): Promise<TestDatabase> {
	const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
	// template0 by default: copying template1 fails while anything is connected to it.
	const from = ` template ${pg.escapeIdentifier(options.template ?? 'template0')}`;
	await admin(`create database ${pg.escapeIdentifier(name)}${from}`);
	const url = new URL(ADMIN_URL);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		name,
		drop: () => admin(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`)
	};
}

async function admin(sql: string) {
	const client = new pg.Client({ connectionString: ADMIN_URL });
	await client.connect();
	try {
		await client.query(sql);
	} finally {
		await client.end();
	}
}
