/**
 * The project's own supabase CLI: the `supabase` devDependency pinned in package.json (installed
 * by `npm ci`), run by the Node that runs the caller, so scripts and tests never fetch another
 * version. Its lock needs an entry per platform build: see scripts/cli-lock.ts.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The package's launcher, which starts the platform's binary from `@supabase/cli-<platform>`. */
export const SUPABASE_CLI = createRequire(import.meta.url).resolve('supabase/dist/supabase.js');

export function runSupabaseCli(args: string[], options: { maxBuffer?: number } = {}) {
	return promisify(execFile)(process.execPath, [SUPABASE_CLI, ...args], {
		cwd: root,
		maxBuffer: 16 * 1024 * 1024,
		...options
	});
}
