/**
 * Generates src/lib/database.types.ts the way a Supabase project does, with the real CLI:
 * `supabase gen types typescript --remote=<url>` against a fresh PostgreSQL database that has the
 * bootstrap and every migration applied (no Docker needed), then Prettier in the project's style.
 *
 *   npm exec -- node scripts/gen-types.ts           write the file
 *   npm exec -- node scripts/gen-types.ts --check   exit 1 if the committed file is out of date
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as prettier from 'prettier';
import { openPostgres } from '../backend/src/db/postgres.ts';
import { createTestDatabase } from '../backend/test-support/test-database.ts';
import { setupDatabase } from '../backend/src/migrate.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
export const TYPES_FILE = join(root, 'src/lib/database.types.ts');
/**
 * The real Supabase CLI, fetched by npx rather than locked in package.json: its npm package pulls
 * one binary package per platform, and a lock file missing any of them breaks `npm ci` elsewhere.
 */
export const SUPABASE_CLI_VERSION = '3.1.0';

export function runSupabaseCli(args: string[], options: { maxBuffer?: number } = {}) {
	return promisify(execFile)('npx', ['--yes', `supabase@${SUPABASE_CLI_VERSION}`, ...args], {
		cwd: root,
		maxBuffer: 16 * 1024 * 1024,
		...options
	});
}

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
			console.error(
				'src/lib/database.types.ts is out of date: run `npm exec -- node scripts/gen-types.ts`'
			);
			process.exit(1);
		}
	} else {
		await writeFile(TYPES_FILE, types);
		console.log(`wrote ${TYPES_FILE}`);
	}
}
