import { defineConfig } from 'vitest/config';
import { sveltekit } from '@sveltejs/kit/vite';
import { embeddedSupabase } from './backend/src/vite-plugin.ts';

export default defineConfig({
	plugins: [embeddedSupabase(), sveltekit()],
	test: {
		expect: { requireAssertions: true },
		include: ['src/**/*.spec.ts', 'backend/**/*.spec.ts', 'tests/db/**/*.spec.ts']
	}
});
