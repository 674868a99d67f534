import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);

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
		baseURL: `http://127.0.0.1:${port}`,
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
	webServer: {
		// The production build with the embedded back end on a fresh in-memory database.
		command: 'node backend/serve-app.ts',
		env: { PORT: String(port), HOST: '127.0.0.1', SUPABASE_DB: 'memory' },
		url: `http://127.0.0.1:${port}/auth/v1/health`,
		reuseExistingServer: false,
		timeout: 120_000
	}
});
