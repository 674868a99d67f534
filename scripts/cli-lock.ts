/**
 * The supabase CLI's npm package ships its binary as one optional package per platform. The npm
 * registry these machines use serves only `@supabase/cli-linux-x64`, so `npm install` writes a lock
 * without the other platforms' entries, and `npm ci` then refuses it ("Missing: … from lock file").
 * This puts back one entry per missing platform package, without `resolved` or `integrity`: `npm ci`
 * here installs only the linux-x64 build, and elsewhere npm fetches the matching build by name and
 * version.
 *
 *   npm run lock:cli            after any `npm install` that touched package-lock.json
 *   npm run lock:cli -- --check exit 1 if an entry is missing
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LOCK_FILE = join(fileURLToPath(new URL('..', import.meta.url)), 'package-lock.json');

interface LockEntry {
	version?: string;
	optionalDependencies?: Record<string, string>;
	[key: string]: unknown;
}
interface Lock {
	packages: Record<string, LockEntry>;
	[key: string]: unknown;
}

/** `@supabase/cli-<os>-<cpu>[-musl]` → npm's os/cpu/libc fields for it. */
export function platformOf(name: string) {
	const m = /^@supabase\/cli-(darwin|linux|windows)-(x64|arm64)(-musl)?$/.exec(name);
	if (!m) throw new Error(`not a supabase CLI platform package: ${name}`);
	const [, os, cpu, musl] = m;
	return {
		cpu: [cpu],
		...(os === 'linux' ? { libc: [musl ? 'musl' : 'glibc'] } : {}),
		os: [os === 'windows' ? 'win32' : os]
	};
}

/** The platform packages the lock's `supabase` entry names but the lock has no entry for. */
export function missingPlatformEntries(lock: Lock): string[] {
	const cli = lock.packages['node_modules/supabase'];
	if (!cli) throw new Error('package-lock.json has no node_modules/supabase');
	return Object.keys(cli.optionalDependencies ?? {}).filter(
		(name) => !(`node_modules/${name}` in lock.packages)
	);
}

/** The lock with an entry for every platform package, keys in npm's order. */
export function withPlatformEntries(lock: Lock): Lock {
	const cli = lock.packages['node_modules/supabase'];
	const added = new Map(
		missingPlatformEntries(lock).map((name) => {
			const { cpu, libc, os } = platformOf(name) as {
				cpu: string[];
				libc?: string[];
				os: string[];
			};
			const entry: LockEntry = {
				version: cli.optionalDependencies![name],
				cpu,
				dev: true,
				...(libc ? { libc } : {}),
				license: 'MIT',
				optional: true,
				os
			};
			return [`node_modules/${name}`, entry] as const;
		})
	);
	const packages: Record<string, LockEntry> = {};
	// npm orders the keys with localeCompare(…, 'en').
	const pending = [...added.keys()].sort((a, b) => a.localeCompare(b, 'en'));
	for (const [key, entry] of Object.entries(lock.packages)) {
		while (key !== '' && pending.length > 0 && pending[0].localeCompare(key, 'en') < 0) {
			const next = pending.shift()!;
			packages[next] = added.get(next)!;
		}
		packages[key] = entry;
	}
	for (const next of pending) packages[next] = added.get(next)!;
	return { ...lock, packages };
}

if (import.meta.main) {
	const lock = JSON.parse(await readFile(LOCK_FILE, 'utf8')) as Lock;
	const missing = missingPlatformEntries(lock);
	if (process.argv.includes('--check')) {
		if (missing.length > 0) {
			console.error(`package-lock.json lacks ${missing.join(', ')}: run \`npm run lock:cli\``);
			process.exit(1);
		}
	} else if (missing.length > 0) {
		await writeFile(LOCK_FILE, JSON.stringify(withPlatformEntries(lock), null, '\t') + '\n');
		console.log(`package-lock.json: added ${missing.join(', ')}`);
	}
}
