import prettier from 'eslint-config-prettier';
import path from 'node:path';
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import { defineConfig, includeIgnoreFile } from 'eslint/config';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const gitignorePath = path.resolve(import.meta.dirname, '.gitignore');

export default defineConfig(
	includeIgnoreFile(gitignorePath),
	{ linterOptions: { reportUnusedDisableDirectives: 'error' } },
	{ ignores: ['src/lib/database.types.ts'] },
	js.configs.recommended,
	ts.configs.recommended,
	svelte.configs.recommended,
	prettier,
	svelte.configs.prettier,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		},
		rules: {
			// TypeScript itself reports undefined names; see typescript-eslint's FAQ.
			'no-undef': 'off',
			// A forgotten promise is a lost error or a race; make every one explicit.
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			]
		}
	},
	// The boundaries the README's layout describes: the app and the back end never import each other,
	// pure rules stay framework-free, and nothing that ships imports what only tests use.
	{
		files: ['src/**/*.ts', 'src/**/*.svelte'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['**/backend/**'], message: 'The app talks to the back end only over HTTP.' },
						{ group: ['**/tests/**'], message: 'Product code never imports test support.' }
					]
				}
			]
		}
	},
	{
		files: ['src/lib/domain/**/*.ts'],
		ignores: ['**/*.spec.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: [
								'svelte',
								'svelte/*',
								'$app/*',
								'$lib/api',
								'$lib/api/*',
								'$lib/live',
								'$lib/live/*',
								'**/api/*',
								'**/live/*',
								'**/backend/**',
								'**/tests/**'
							],
							message:
								'Domain rules are pure TypeScript: no framework, network or realtime imports.'
						}
					]
				}
			]
		}
	},
	{
		files: ['backend/src/**/*.ts'],
		ignores: ['**/*.spec.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['**/src/lib/**', '$lib', '$lib/*', '$app/*'],
							message: 'The back end serves any app; it never imports this one.'
						},
						{
							group: ['**/test-support/**', '**/tests/**'],
							message: 'Product code never imports test support.'
						}
					]
				}
			]
		}
	},
	{
		files: ['backend/src/**/*.spec.ts', 'backend/test-support/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['**/src/lib/**', '$lib', '$lib/*', '$app/*'],
							message:
								'Back-end tests stay inside the back end; tests of the app against it live in tests/contract.'
						}
					]
				}
			]
		}
	},
	{
		files: ['**/*.js'],
		...ts.configs.disableTypeChecked
	}
);
