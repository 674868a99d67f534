import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface Machine {
	cpu: string;
	cores: number;
	memoryGiB: number;
	freeGiB: number;
	load: number[];
	node: string;
	platform: string;
}

export function machine(): Machine {
	const list = cpus();
	return {
		cpu: list[0]?.model.trim() ?? 'unknown',
		cores: list.length,
		memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
		freeGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
		load: loadavg().map((l) => Math.round(l * 100) / 100),
		node: process.version,
		platform: `${process.platform} ${process.arch}`
	};
}

export const describeMachine = (m: Machine) =>
	`${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM (${m.freeGiB} free), Node ${m.node}, ` +
	`load ${m.load.join(' ')}`;
