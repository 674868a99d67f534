import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		// Force runes mode for the project, except for libraries. Can be removed in svelte 6.
		runes: ({ filename }) => (filename.split(/[/\\]/).includes('node_modules') ? undefined : true)
	},
	kit: {
		adapter: adapter(),
		// A page's stylesheets are 4-15 KB in all: inside the page they cost no round trip, which
		// its first paint and the app's start would otherwise both wait for.
		inlineStyleThreshold: 16384,
		typescript: {
			// The embedded back end and the project scripts run on Node's type stripping, so they
			// are type-checked with the app and limited to erasable syntax.
			config(config) {
				config.include.push('../backend/**/*.ts', '../scripts/**/*.ts', '../playwright.config.ts');
				config.compilerOptions.erasableSyntaxOnly = true;
				config.compilerOptions.types = ['node'];
			}
		}
	}
};

export default config;
