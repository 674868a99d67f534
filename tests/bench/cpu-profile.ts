import { mkdirSync, writeFileSync } from 'node:fs';
import type { CDPSession } from 'playwright-core';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

export interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

/** Starts Chromium's sampling profiler on a page's CDP session (0.1 ms interval). */
export async function startProfile(cdp: CDPSession): Promise<void> {
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
	await cdp.send('Profiler.start');
}

/** Stops it, writes `<dir>/<name>.cpuprofile` (open in Chromium's DevTools) and returns it. */
export async function stopProfile(cdp: CDPSession, dir: string, name: string): Promise<CpuProfile> {
	const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
	mkdirSync(dir, { recursive: true });
	writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(profile));
	return profile;
}

/** The functions with the most self time, as lines: "12.3 ms  34 %  name file:line". */
export function topSelf(profile: CpuProfile, count = 12): string[] {
	const self = new Map<number, number>();
	profile.samples.forEach((id, k) => self.set(id, (self.get(id) ?? 0) + profile.timeDeltas[k]));
	const byFrame = new Map<string, number>();
	let total = 0;
	for (const node of profile.nodes) {
		const us = self.get(node.id) ?? 0;
		total += us;
		const f = node.callFrame;
		if (f.functionName === '(idle)') continue;
		const file = f.url.split('/').pop() || '';
		const key = `${f.functionName || '(anonymous)'} ${file}${file ? `:${f.lineNumber + 1}` : ''}`;
		byFrame.set(key, (byFrame.get(key) ?? 0) + us);
	}
	return [...byFrame]
		.sort((a, b) => b[1] - a[1])
		.slice(0, count)
		.map(
			([key, us]) =>
				`${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(0).padStart(3)} %  ${key}`
		);
}
