import { parseArgs } from 'node:util';
import { DEFAULT_PORT } from './backend.ts';
import { DEFAULT_DATA_DIR, describeDb, startEmbedded } from './embedded.ts';
import { serve } from './node.ts';
import { requestLogEnabled } from './request-log.ts';

/**
 * `npm run backend [-- --port n --host h --db memory|<dir>|postgres://…]`: the embedded back end on
 * its own port, like `supabase start` (default 127.0.0.1:54321, data in .data/pglite), on the
 * CLI's published local development keys. For development only: `npm start` is the production
 * server.
 */
const USAGE = `Usage: npm run backend -- [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--db memory|<dir>|postgres://…] [--log]`;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

async function main() {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: process.env.PORT ?? String(DEFAULT_PORT) },
			host: { type: 'string', default: '127.0.0.1' },
			db: { type: 'string', default: process.env.SUPABASE_DB ?? DEFAULT_DATA_DIR },
			log: { type: 'boolean', default: requestLogEnabled(process.env, false) },
			help: { type: 'boolean', short: 'h' }
		}
	});
	if (values.help) {
		console.log(USAGE);
		return;
	}
	const port = Number(values.port);
	if (!Number.isInteger(port) || port < 0 || port > 65535)
		throw new Error(`Invalid --port ${values.port}\n${USAGE}`);

	const spec = values.db;
	const apiUrl = `http://${values.host.includes(':') ? `[${values.host}]` : values.host}:${port}`;
	const embedded = await startEmbedded(spec, { apiUrl, keys: 'local-development' });
	const { backend, setup: report } = embedded;
	const served = await serve(backend, { port, host: values.host, log: values.log });

	const k = backend.keys;
	const rows: [string, string][] = [
		['API URL', served.url],
		['REST URL', `${served.url}/rest/v1`],
		['Auth URL', `${served.url}/auth/v1`],
		['Realtime URL', `${served.url.replace(/^http/, 'ws')}/realtime/v1/websocket`],
		['JWT secret', k.jwtSecret],
		['Publishable key', k.publishableKey],
		['Secret key', k.secretKey],
		['anon key', k.anonKey],
		['service_role key', k.serviceRoleKey]
	];
	console.log(
		[
			`Embedded Supabase back end on ${describeDb(spec)}`,
			report.applied.length
				? `Applied migrations: ${report.applied.join(', ')}`
				: 'Migrations up to date',
			...(report.seeded ? ['Seeded the new database from supabase/seed.sql'] : []),
			'',
			...rows.map(([label, value]) => `${label.padStart(16)}: ${value}`),
			'',
			"These are the Supabase CLI's local development keys, published for everyone: whoever can",
			'reach this port can sign in as anyone and act as service_role. Keep it on 127.0.0.1;',
			'`npm start` runs the app on a secret of its own.',
			...(LOOPBACK.test(values.host)
				? []
				: [`WARNING: listening on ${values.host}, not on 127.0.0.1, with these public keys.`])
		].join('\n')
	);

	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`\n${signal}: finishing in-flight requests…`);
		await served.close();
		await embedded.db.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop('SIGINT'));
	process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e: unknown) => {
	console.error(e instanceof Error ? e.message : e);
	process.exit(1);
});
