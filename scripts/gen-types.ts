/**
 * Generates src/lib/database.types.ts the way a Supabase project does, with the project's pinned
 * CLI (scripts/supabase-cli.ts): `supabase gen types typescript --remote=<url>` against a fresh PostgreSQL database that has the
 * bootstrap and every migration applied (no Docker needed), then Prettier in the project's style.
 *
 *   npm run gen:types              write the file
 *   npm run gen:types -- --check   exit 1 if the committed file is out of date
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { openPostgres } from '../backend/src/db/postgres.ts';
import { createTestDatabase } from '../backend/test-support/test-database.ts';
import { setupDatabase } from '../backend/src/migrate.ts';
import { runSupabaseCli } from './supabase-cli.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
export const TYPES_FILE = join(root, 'src/lib/database.types.ts');

/** The types file as it should be for the current migrations. */
export async function generateTypes(): Promise<string> {
	const database = await createTestDatabase();
	try {
		const db = await openPostgres(database.url, { max: 1 });
		try {
			await setupDatabase(db, { seed: false });
		} finally {
			await db.close();
		}
		// sslmode=disable: otherwise the CLI prints its TLS fallback warning into the types.
		const { stdout } = await runSupabaseCli([
			'gen',
			'types',
			'typescript',
			`--remote=${database.url}?sslmode=disable`
		]);
		const options = await prettier.resolveConfig(TYPES_FILE);
		return prettier.format(stdout, { ...options, filepath: TYPES_FILE });
	} finally {
		await database.drop();
	}
}

if (import.meta.main) {
	const types = await generateTypes();
	if (process.argv.includes('--check')) {
		const committed = await readFile(TYPES_FILE, 'utf8').catch(() => '');
		if (committed !== types) {
			console.error('src/lib/database.types.ts is out of date: run `npm run gen:types`');
			process.exit(1);
		}
	} else {
		await writeFile(TYPES_FILE, types);
		console.log(`wrote ${TYPES_FILE}`);
	}
}
