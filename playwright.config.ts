import { defineConfig } from '@playwright/test';
import { TEST_SERVER_ENV } from './backend/test-support/test-keys.ts';

const port = Number(process.env.E2E_PORT ?? 4173);
const postgresPort = port + 1;
const server = { url: (p: number) => `http://127.0.0.1:${p}`, timeout: 120_000 };

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	// The app and its embedded back end share one server and one database; tests make their own
	// users and pick their own seats, so they can run side by side.
	workers: 2,
	timeout: 30_000,
	expect: { timeout: 5_000 },
	outputDir: 'test-output/playwright',
	use: {
		screenshot: 'only-on-failure',
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run'
			]
		}
	},
	projects: [
		{ name: 'pglite', use: { baseURL: server.url(port) } },
		// The holds, races and realtime feeds again with PostgreSQL 15 under the embedded back end.
		// Pages that only read and call what these exercise (orders, my bookings, accessible seating)
		// run once: their database rules and their feeds run on both engines in the contract tests.
		{
			name: 'postgres',
			testMatch: /(booking|holds|live|channel-closed|section-counts)\.e2e\.ts$/,
			use: { baseURL: server.url(postgresPort) }
		}
	],
	webServer: [
		{
			// The production build with the embedded back end on a fresh in-memory database.
			command: 'node backend/serve-app.ts',
			env: { ...TEST_SERVER_ENV, PORT: String(port), HOST: '127.0.0.1', SUPABASE_DB: 'memory' },
			url: `${server.url(port)}/auth/v1/health`,
			reuseExistingServer: false,
			timeout: server.timeout
		},
		{
			command: 'node tests/e2e/postgres-app-server.ts',
			env: { ...TEST_SERVER_ENV, PORT: String(postgresPort), HOST: '127.0.0.1' },
			url: `${server.url(postgresPort)}/auth/v1/health`,
			reuseExistingServer: false,
			timeout: server.timeout,
			// SIGTERM, not the default SIGKILL, so the wrapper drops its database.
			gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 }
		}
	]
});
