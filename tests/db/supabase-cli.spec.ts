import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openPostgres } from '../../backend/src/db/postgres.ts';
import { createTestDatabase } from '../../backend/test-support/test-database.ts';
import { BOOTSTRAP_FILE, listMigrations, setupDatabase } from '../../backend/src/migrate.ts';
import { splitStatements } from '../../backend/src/sql-script.ts';
import { LOCK_FILE, missingPlatformEntries } from '../../scripts/cli-lock.ts';
import { TYPES_FILE, generateTypes } from '../../scripts/gen-types.ts';
import { runSupabaseCli } from '../../scripts/supabase-cli.ts';

describe('the pinned supabase CLI', () => {
	it('is the exact version package.json names, installed by npm ci', async ({ expect }) => {
		const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
		const pinned: string = pkg.devDependencies.supabase;
		expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
		expect((await runSupabaseCli(['--version'])).stdout.trim()).toBe(pinned);
	});

	it('has a lock entry for every platform build, or npm ci fails (restore: npm run lock:cli)', async ({
		expect
	}) => {
		const lock = JSON.parse(await readFile(LOCK_FILE, 'utf8'));
		expect(missingPlatformEntries(lock)).toEqual([]);
		// Without them npm ci refuses the lock, so this must fail on a lock as npm install leaves it.
		const packages = { ...lock.packages };
		delete packages['node_modules/@supabase/cli-darwin-arm64'];
		expect(missingPlatformEntries({ ...lock, packages })).toEqual(['@supabase/cli-darwin-arm64']);
	});
});

describe('the real supabase CLI on PostgreSQL', () => {
	it('applies the migrations after the bootstrap, as setupDatabase would, with no advisor warnings', async () => {
		const database = await createTestDatabase();
		const db = await openPostgres(database.url, { max: 1 });
		try {
			await db.exec(await readFile(BOOTSTRAP_FILE, 'utf8'));
			await runSupabaseCli([
				'migration',
				'up',
				`--remote=${database.url}?sslmode=disable`,
				'--yes'
			]);

			const migrations = await listMigrations();
			const recorded = await db.query(
				'select version, name, statements from supabase_migrations.schema_migrations order by version'
			);
			const expected = await Promise.all(
				migrations.map(async (m) => ({
					version: m.version,
					name: m.name,
					statements: splitStatements(await readFile(m.path, 'utf8'))
				}))
			);
			expect(recorded.rows).toEqual(expected);
			// Both tools agree on what is applied: nothing is left for setupDatabase to do.
			expect(await setupDatabase(db, { seed: false })).toEqual({
				bootstrapped: false,
				applied: [],
				seeded: false
			});

			// Supabase's own linter (RLS, search_path, security definer, indexes…) has no warning.
			const advisors = await runSupabaseCli([
				'db',
				'advisors',
				`--remote=${database.url}?sslmode=disable`,
				'--type',
				'all',
				'--level',
				'warn',
				'--fail-on',
				'warn'
			]).catch((e: { stdout?: string; message: string }) => ({ stdout: e.stdout ?? e.message }));
			expect(advisors.stdout.trim()).not.toMatch(/"level": "(WARN|ERROR)"/);
		} finally {
			await db.close();
			await database.drop();
		}
	}, 60_000);

	it('generates src/lib/database.types.ts as committed (run scripts/gen-types.ts after a migration)', async () => {
		const committed = await readFile(TYPES_FILE, 'utf8');
		expect(await generateTypes()).toBe(committed);
	}, 60_000);
});
