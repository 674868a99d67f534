import type { Plugin } from 'vite';
import { describeDb, startEmbedded, type Embedded } from './embedded.ts';
import { createMiddleware, upgradeListener } from './node.ts';
import { logRequests, requestLogEnabled } from './request-log.ts';

/**
 * `npm run dev` with no PUBLIC_SUPABASE_URL: the embedded back end is mounted on Vite's own server,
 * so the app reaches it on its own origin (no CORS, no second port), on the CLI's published local
 * development keys, as `supabase start` would. With a URL configured (hosted Supabase or
 * `supabase start`) the plugin does nothing.
 */
export function embeddedSupabase(): Plugin {
	let embedded: Embedded | undefined;
	return {
		name: 'embedded-supabase',
		apply: 'serve',
		async configureServer(server) {
			if (process.env.PUBLIC_SUPABASE_URL || process.env.VITEST) return;
			const spec = process.env.SUPABASE_DB ?? undefined;
			embedded = await startEmbedded(spec, { keys: 'local-development' });
			server.config.logger.info(
				`  ➜  Embedded Supabase back end on ${describeDb(spec ?? '.data/pglite')}, with the CLI's local development keys (public: keep this server on 127.0.0.1)`
			);
			if (server.httpServer && requestLogEnabled(process.env, false)) {
				logRequests(server.httpServer as import('node:http').Server, embedded.backend.keys);
			}
			server.middlewares.use(createMiddleware(embedded.backend));
			server.httpServer?.on('upgrade', upgradeListener(embedded.backend));
			server.httpServer?.once('close', () => void embedded?.close());
		}
	};
}
