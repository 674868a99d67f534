/**
 * The production build with the embedded back end on a fresh PostgreSQL 15 database (Playwright's
 * "postgres" project): the same app and migrations as on PGlite, on the engine hosted Supabase runs.
 * The database is dropped when Playwright stops the server.
 */
import { spawn } from 'node:child_process';
import { createTestDatabase } from '../../backend/test-support/test-database.ts';

const database = await createTestDatabase();
const server = spawn(process.execPath, ['backend/serve-app.ts'], {
	env: { ...process.env, SUPABASE_DB: database.url },
	stdio: 'inherit'
});
const stop = (signal: NodeJS.Signals) => server.kill(signal);
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => {
	void database.drop().finally(() => process.exit(code ?? 0));
});
