/**
 * Runs the pgTAP tests in supabase/tests/database with Debian's pg_prove against a fresh database
 * on the real PostgreSQL (what `supabase test db` does inside Docker): bootstrap + migrations + seed,
 * pgTAP installed outside the tests' own transactions, the tests run as the migration role (hosted's
 * `postgres`, not a superuser), then the database is dropped.
 *
 *   npm run test:sql [-- supabase/tests/database/02_bookings_access.test.sql …]
 *
 * Needs `apt-get install -y postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl`.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPostgres } from '../backend/src/db/postgres.ts';
import { createTestDatabase } from '../backend/test-support/test-database.ts';
import { MIGRATION_ROLE, setupDatabase } from '../backend/src/migrate.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const testsDir = join(root, 'supabase/tests/database');

// The shared helpers file commits what the others use, so a chosen subset still runs it first.
const HELPERS = 'supabase/tests/database/00_helpers.test.sql';
const files =
	process.argv.length > 2
		? [HELPERS, ...process.argv.slice(2).filter((f) => !f.endsWith('00_helpers.test.sql'))]
		: (await readdir(testsDir))
				.filter((f) => f.endsWith('.test.sql'))
				.sort()
				.map((f) => join('supabase/tests/database', f));

const database = await createTestDatabase();
let exitCode: number;
let output: string;
try {
	const db = await openPostgres(database.url, { max: 1 });
	try {
		await setupDatabase(db, { seed: true });
		// Inside a test's begin … rollback the extension would vanish with the first file.
		await db.exec('create extension if not exists pgtap with schema extensions');
	} finally {
		await db.close();
	}
	({ exitCode, output } = await run(
		'pg_prove',
		['--dbname', database.url, '--ext', '.sql', ...files],
		{
			// As on Supabase, extensions (pgTAP among them) resolve without a schema, and the tests
			// run as the project's `postgres`, which is not a superuser there.
			PGOPTIONS: `-c search_path=public,extensions -c role=${MIGRATION_ROLE}`
		}
	));
} finally {
	await database.drop();
}
await writeTally(output);
process.exit(exitCode);

/** `npm test` sums every runner's results; pg_prove's summary has the totals. */
async function writeTally(text: string) {
	const total = Number(/Files=\d+, Tests=(\d+)/.exec(text)?.[1] ?? 0);
	const failed = [...text.matchAll(/Failed (\d+)\/\d+ subtests/g)].reduce(
		(sum, m) => sum + Number(m[1]),
		0
	);
	// pg_prove prints each file's name, then the diagnostics of its failed tests.
	const failures: string[] = [];
	let file = '';
	for (const line of text.split('\n')) {
		file = /(\S+\.sql) \.{2,}/.exec(line)?.[1] ?? file;
		const test = /^# Failed test (\d+): (.*)$/.exec(line);
		if (test) failures.push(`${file} › ${test[1]}: ${test[2]}`);
	}
	await mkdir(join(root, 'test-output'), { recursive: true });
	await writeFile(
		join(root, 'test-output/pgtap.json'),
		JSON.stringify({ passed: total - failed, failed, failures })
	);
}

function run(command: string, args: string[], env: Record<string, string>) {
	return new Promise<{ exitCode: number; output: string }>((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: root,
			stdio: ['ignore', 'pipe', 'inherit'],
			env: { ...process.env, ...env }
		});
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk;
			process.stdout.write(chunk);
		});
		child.on('error', (e) =>
			reject(
				new Error(
					`${command} could not start (${e.message}); install it with ` +
						'apt-get install -y postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl'
				)
			)
		);
		child.on('close', (code) => resolve({ exitCode: code ?? 1, output }));
	});
}
