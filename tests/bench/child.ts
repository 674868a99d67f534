import { fork, type ChildProcess } from 'node:child_process';

/**
 * A forked Node process spoken to by request/reply over IPC. Its stderr is kept (the last lines
 * explain a crash); its stdout is passed through only when asked.
 */
export class Child {
	readonly process: ChildProcess;
	#next = 1;
	#pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
	#listeners = new Set<(msg: Record<string, unknown>) => void>();
	#stderr = '';
	#exited: Promise<number | null>;

	constructor(
		module: URL,
		args: string[] = [],
		options: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {}
	) {
		this.process = fork(module, args, {
			execPath: process.execPath,
			execArgv: ['--max-old-space-size=8192', ...(options.execArgv ?? [])],
			stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
			env: options.env ?? process.env,
			serialization: 'advanced'
		});
		this.process.stderr!.on('data', (chunk: Buffer) => {
			this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
		});
		this.process.on('message', (msg: Record<string, unknown>) => {
			const id = msg.id as number | undefined;
			const waiting = id === undefined ? undefined : this.#pending.get(id);
			if (waiting) {
				this.#pending.delete(id!);
				if (msg.ok) waiting.resolve(msg.value);
				else waiting.reject(new Error(String(msg.error)));
			} else for (const l of this.#listeners) l(msg);
		});
		this.#exited = new Promise((resolve) =>
			this.process.once('exit', (code) => {
				const why = new Error(`child ${module.pathname} exited (${code}): ${this.#stderr}`);
				for (const w of this.#pending.values()) w.reject(why);
				this.#pending.clear();
				resolve(code);
			})
		);
	}

	get stderr(): string {
		return this.#stderr;
	}

	get exited(): Promise<number | null> {
		return this.#exited;
	}

	request<T>(kind: string, body: Record<string, unknown> = {}): Promise<T> {
		const id = this.#next++;
		return new Promise<T>((resolve, reject) => {
			this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			this.process.send({ ...body, id, kind });
		});
	}

	/** The next unsolicited message of this kind (deadline in ms). */
	waitFor<T extends Record<string, unknown>>(kind: string, timeoutMs: number): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#listeners.delete(listener);
				reject(new Error(`no '${kind}' within ${timeoutMs} ms; stderr: ${this.#stderr}`));
			}, timeoutMs);
			const listener = (msg: Record<string, unknown>) => {
				if (msg.kind !== kind) return;
				clearTimeout(timer);
				this.#listeners.delete(listener);
				resolve(msg as T);
			};
			this.#listeners.add(listener);
			void this.#exited.then(() => {
				if (!this.#listeners.has(listener)) return;
				clearTimeout(timer);
				this.#listeners.delete(listener);
				reject(new Error(`child exited before '${kind}': ${this.#stderr}`));
			});
		});
	}

	on(listener: (msg: Record<string, unknown>) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Asks politely (a 'stop' request), then SIGKILLs this child (never anything else). */
	async stop(graceMs = 5000): Promise<void> {
		if (this.process.exitCode !== null || this.process.signalCode !== null) return;
		const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
		try {
			await Promise.race([this.request('stop'), this.#exited]);
		} catch {
			// exiting while replying is fine
		}
		await this.#exited;
		clearTimeout(timer);
	}
}
