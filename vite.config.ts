import { defineConfig } from 'vitest/config';
import { sveltekit } from '@sveltejs/kit/vite';
import { embeddedSupabase } from './backend/src/vite-plugin.ts';

export default defineConfig({
	plugins: [embeddedSupabase(), sveltekit()],
	test: {
		expect: { requireAssertions: true },
		// Speed is measured by the benchmarks, not here: a slow, shared CI machine must not fail a test.
		testTimeout: 30_000,
		// Two files at a time: many tests wait on PostgreSQL, a timer or a socket, and one file at a
		// time (the default on two cores) leaves a core idle meanwhile. Each file makes its own
		// databases and servers, so files share nothing but the machine.
		maxWorkers: 2,
		hookTimeout: 60_000,
		include: [
			'src/**/*.spec.ts',
			'backend/**/*.spec.ts',
			'tests/db/**/*.spec.ts',
			'tests/contract/**/*.spec.ts'
		]
	}
});
