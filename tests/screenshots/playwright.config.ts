import { fileURLToPath } from 'node:url';
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';

type WebServer = Extract<PlaywrightTestConfig['webServer'], unknown[]>[number];
import base from '../../playwright.config.ts';

/**
 * Screenshots of every screen at phone, tablet and desktop widths, light and dark, for looking at
 * by eye (not a test: nothing is compared). `npm run build` first, then
 * `npx playwright test --config tests/screenshots/playwright.config.ts`; the PNGs land in
 * test-output/screenshots/.
 */
export default defineConfig({
	...base,
	testDir: '.',
	testMatch: '*.shots.ts',
	workers: 1,
	timeout: 600_000,
	projects: [base.projects![0]],
	outputDir: fileURLToPath(new URL('../../test-output/screenshots-run', import.meta.url)),
	// The app server as the browser tests run it, started from the repository's root.
	webServer: [
		{
			...(base.webServer as WebServer[])[0],
			cwd: fileURLToPath(new URL('../..', import.meta.url))
		}
	]
});
