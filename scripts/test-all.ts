/**
 * The one test command (`npm test`): lint, type-check, unit and back-end tests, pgTAP, a quick
 * benchmark run, then the browser tests against the production build. Every stage runs even when an earlier one fails,
 * so one run reports everything, and the last line sums all test results.
 */
import { spawnSync } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';

interface Tally {
	passed: number;
	failed: number;
	skipped: number;
}

const out = 'test-output';
// Reports from an earlier run must not be read as this run's.
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

function run(cmd: string, args: string[], env: Record<string, string> = {}): boolean {
	console.log(`\n▶ ${cmd} ${args.join(' ')}`);
	const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
	return r.status === 0;
}

const readJson = (file: string): unknown =>
	existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;

/** A stage without a per-test report counts as one test: it passed or it did not. */
const single = (ok: boolean): Tally => ({ passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 });

function vitestTally(ok: boolean, file: string): Tally {
	const report = readJson(file) as
		| {
				numPassedTests: number;
				numFailedTests: number;
				testResults: { status: string; assertionResults: { status: string }[] }[];
		  }
		| undefined;
	if (!report) return single(ok);
	// A test that never ran because its file's hook failed is a failure, not a skip.
	const notRun = (status: string) => status === 'skipped' || status === 'pending';
	let failed = report.numFailedTests;
	let skipped = 0;
	for (const f of report.testResults) {
		for (const t of f.assertionResults) {
			if (f.status === 'failed' && notRun(t.status)) failed++;
			else if (notRun(t.status) || t.status === 'todo') skipped++;
		}
	}
	if (!ok && failed === 0) failed = 1;
	return { passed: report.numPassedTests, failed, skipped };
}

function playwrightTally(ok: boolean, file: string): Tally {
	const report = readJson(file) as
		{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } } | undefined;
	if (!report) return single(ok);
	const { expected, unexpected, flaky, skipped } = report.stats;
	return { passed: expected + flaky, failed: unexpected + (ok || unexpected > 0 ? 0 : 1), skipped };
}

function pgTapTally(ok: boolean, file: string): Tally {
	const report = readJson(file) as { passed: number; failed: number } | undefined;
	return report
		? { ...report, skipped: 0, failed: report.failed + (ok || report.failed ? 0 : 1) }
		: single(ok);
}

const stages: [string, () => Tally][] = [
	['lint', () => single(run('npm', ['run', 'lint']))],
	['types', () => single(run('npm', ['run', 'check']))],
	[
		'unit and back end',
		() =>
			vitestTally(
				run('npx', [
					'vitest',
					'run',
					'--reporter=default',
					'--reporter=json',
					`--outputFile.json=${out}/vitest.json`
				]),
				`${out}/vitest.json`
			)
	],
	['pgTAP', () => pgTapTally(run('npm', ['run', 'test:sql']), `${out}/pgtap.json`)],
	// Benchmarks are figures, not tests; the quick run only proves they still run and stay correct.
	['bench smoke', () => single(run('npm', ['run', 'bench', '--', '--quick', '--no-browser']))],
	[
		'browser',
		() => {
			const specs = existsSync('tests/e2e')
				? readdirSync('tests/e2e').filter((f) => f.endsWith('.e2e.ts'))
				: [];
			if (specs.length === 0) return { passed: 0, failed: 0, skipped: 0 };
			if (!run('npm', ['run', 'build'])) return single(false);
			return playwrightTally(
				run('npx', ['playwright', 'test', '--reporter=list,json'], {
					PLAYWRIGHT_JSON_OUTPUT_NAME: `${out}/playwright.json`
				}),
				`${out}/playwright.json`
			);
		}
	],
	// The seat map's browser bench in its smallest form (one load, one change, the overview's
	// gestures on one screen), against the build the browser stage made: it still runs end to end.
	[
		'map bench smoke',
		() =>
			single(
				existsSync('build/handler.js') &&
					run('node_modules/.bin/node', ['tests/bench/seat-map.ts', '--smoke'])
			)
	]
];

/** Names of failed tests, so the tail of a long CI log says what failed, not only how many. */
function failures(): string[] {
	const names: string[] = [];
	const vitest = readJson(`${out}/vitest.json`) as
		| {
				testResults: {
					name: string;
					message?: string;
					assertionResults: { status: string; fullName: string; failureMessages: string[] }[];
				}[];
		  }
		| undefined;
	for (const file of vitest?.testResults ?? []) {
		const where = file.name.replace(process.cwd() + '/', '');
		for (const t of file.assertionResults.filter((a) => a.status === 'failed')) {
			names.push(`✗ ${where} › ${t.fullName}\n    ${firstLine(t.failureMessages[0])}`);
		}
		if (file.assertionResults.length === 0 && file.message) {
			names.push(`✗ ${where}\n    ${firstLine(file.message)}`);
		}
	}
	interface Suite {
		title: string;
		specs?: {
			title: string;
			file: string;
			tests: {
				status: string;
				projectName: string;
				results: { error?: { message?: string } }[];
			}[];
		}[];
		suites?: Suite[];
	}
	const walk = (suite: Suite): void => {
		for (const spec of suite.specs ?? []) {
			for (const t of spec.tests.filter((test) => test.status === 'unexpected')) {
				const error = t.results.at(-1)?.error?.message;
				names.push(`✗ [${t.projectName}] ${spec.file} › ${spec.title}\n    ${firstLine(error)}`);
			}
		}
		suite.suites?.forEach(walk);
	};
	const playwright = readJson(`${out}/playwright.json`) as { suites?: Suite[] } | undefined;
	playwright?.suites?.forEach(walk);
	const pgTap = readJson(`${out}/pgtap.json`) as { failures?: string[] } | undefined;
	for (const failure of pgTap?.failures ?? []) names.push(`✗ pgTAP ${failure}`);
	return names;
}

const firstLine = (text = ''): string =>
	stripVTControlCharacters(text).split('\n')[0].slice(0, 300);

const total: Tally = { passed: 0, failed: 0, skipped: 0 };
const lines: string[] = [];
for (const [name, stage] of stages) {
	const t = stage();
	total.passed += t.passed;
	total.failed += t.failed;
	total.skipped += t.skipped;
	lines.push(`${name}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
}
const failed = failures();
if (failed.length > 0) console.log('\nFailed:\n' + failed.join('\n'));
console.log('\n' + lines.join('\n'));
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed === 0 ? 0 : 1);
