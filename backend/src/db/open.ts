import type { Db } from './types.ts';

/**
 * `memory` → in-memory PGlite, `postgres://…` → a pool on that server, anything else → PGlite
 * persisted in that directory. Engines load lazily: a Postgres deployment never loads the WASM.
 */
export async function openDb(spec: string): Promise<Db> {
	if (/^postgres(ql)?:\/\//.test(spec)) {
		const { openPostgres } = await import('./postgres.ts');
		return openPostgres(spec);
	}
	const { openPglite } = await import('./pglite.ts');
	return openPglite(spec === 'memory' ? {} : { dataDir: spec });
}
