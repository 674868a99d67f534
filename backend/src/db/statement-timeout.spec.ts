import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test-support/test-database.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import { shareMemoryImport } from './shared-memory.ts';
import {
	BUSY,
	CallGuard,
	CANCELLED,
	IDLE,
	locateStatementTimeout,
	STATE,
	Watchdog
} from './statement-timeout.ts';
import type { Db } from './types.ts';

/** A statement that would run for hours: it stops only when cancelled. */
const RUNAWAY = 'select count(*) from generate_series(1, 100000000000)';
/** Well above any limit used here, so a loaded machine never fails a test: no tight timing. */
const SLACK_MS = 5000;

const engines: Record<Db['engine'], () => Promise<{ db: Db; done(): Promise<void> }>> = {
	async postgres() {
		const database = await createTestDatabase();
		const db = await openPostgres(database.url);
		return {
			db,
			async done() {
				await db.close();
				await database.drop();
			}
		};
	},
	async pglite() {
		const db = await openPglite();
		return { db, done: () => db.close() };
	}
};

const timedOut = { code: '57014', message: 'canceling statement due to statement timeout' };

describe.each(Object.keys(engines) as Db['engine'][])('statement_timeout on %s', (engine) => {
	let db: Db;
	let done: () => Promise<void>;
	beforeAll(async () => {
		({ db, done } = await engines[engine]());
		await db.exec('create table marks (n int)');
	}, 60_000);
	afterAll(() => done());

	it('cancels a runaway statement at its limit with 57014, rolls its transaction back, and the database keeps working', async () => {
		const started = Date.now();
		const error = await db
			.transaction(async (tx) => {
				await tx.query('insert into marks values (1)');
				await tx.exec(`set local statement_timeout = '1s'`);
				await tx.query(RUNAWAY);
			})
			.catch((e: unknown) => e);
		const elapsed = Date.now() - started;
		expect(error).toMatchObject(timedOut);
		expect(elapsed).toBeGreaterThanOrEqual(900);
		expect(elapsed).toBeLessThan(1000 + SLACK_MS);
		expect((await db.query('select count(*)::int as n from marks')).rows).toEqual([{ n: 0 }]);
		expect((await db.query(`select current_setting('statement_timeout') as t`)).rows).toEqual([
			{ t: '0' }
		]);
		await db.query('insert into marks values (2)');
		expect((await db.query('select n from marks')).rows).toEqual([{ n: 2 }]);
		await db.exec('truncate marks');
	});

	it('takes the limit from the settings of the request, as the REST layer sets them (set_config … true), per statement', async () => {
		const setLimit = { sql: `select set_config('statement_timeout', '700ms', true)` };
		const started = Date.now();
		const error = await db.batch([setLimit, { sql: RUNAWAY }]).catch((e: unknown) => e);
		expect(error).toMatchObject(timedOut);
		expect(Date.now() - started).toBeLessThan(700 + SLACK_MS);
		// Three statements of 0.4 s each: together past the limit, each one well under it.
		const sleep = { sql: 'select pg_sleep(0.4)' };
		const results = await db.batch([setLimit, sleep, sleep, sleep]);
		expect(results).toHaveLength(4);
		// Without a limit a long statement runs to its end.
		await db.query('select pg_sleep(0.8)');
	});

	it('ends a wait too: pg_sleep stops at the limit, not at the end of its sleep', async () => {
		const started = Date.now();
		const error = await db
			.batch([
				{ sql: `select set_config('statement_timeout', '1s', true)` },
				{ sql: 'select pg_sleep(60)' }
			])
			.catch((e: unknown) => e);
		expect(error).toMatchObject(timedOut);
		expect(Date.now() - started).toBeLessThan(1000 + SLACK_MS);
		expect((await db.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
	});

	it('keeps the event loop free while a statement runs, and serves the next call once it is cancelled', async () => {
		let ticks = 0;
		let worstGap = 0;
		let last = Date.now();
		const ticker = setInterval(() => {
			const now = Date.now();
			worstGap = Math.max(worstGap, now - last);
			last = now;
			ticks++;
		}, 50);
		const runaway = db
			.batch([{ sql: `select set_config('statement_timeout', '1500ms', true)` }, { sql: RUNAWAY }])
			.catch((e: unknown) => e);
		// Queued behind it on PGlite's one connection, beside it on a pool.
		const next = db.query<{ ok: number }>('select 1 as ok');
		expect(await runaway).toMatchObject(timedOut);
		expect((await next).rows).toEqual([{ ok: 1 }]);
		clearInterval(ticker);
		expect(ticks).toBeGreaterThan(5);
		expect(worstGap).toBeLessThan(1000);
	});
});

describe('the PGlite watchdog', () => {
	/** A fake Postgres memory: the flags and a statement timeout record, at made-up addresses. */
	const setup = () => {
		const memory = new SharedArrayBuffer(4096);
		const targets = {
			interruptPending: 8,
			queryCancelPending: 12,
			statementTimeout: 1024,
			myLatch: 16
		};
		const control = new Int32Array(new SharedArrayBuffer(4));
		const u8 = new Uint8Array(memory);
		const i32 = new Int32Array(memory);
		const i64 = new BigInt64Array(memory);
		i32[targets.myLatch / 4] = 2048;
		const arm = (finMs: number) => {
			u8[targets.statementTimeout + 4] = 1;
			i64[(targets.statementTimeout + 24) / 8] = BigInt(finMs - 946_684_800_000) * 1000n;
		};
		const flags = () => ({
			interrupt: i32[2],
			cancel: i32[3],
			indicator: u8[targets.statementTimeout + 5],
			latch: i32[2048 / 4]
		});
		const watchdog = new Watchdog(control, memory, targets);
		const guard = new CallGuard(control, () => memory, targets);
		return { control, arm, flags, watchdog, guard };
	};

	it('raises the flags SIGALRM would once the running statement is past its fin_time, not before', async () => {
		const { control, arm, flags, watchdog, guard } = setup();
		arm(10_000);
		await guard.run(async () => {
			expect(control[STATE]).toBe(BUSY);
			watchdog.check(9_999);
			expect(flags()).toEqual({ interrupt: 0, cancel: 0, indicator: 0, latch: 0 });
			watchdog.check(10_000);
			expect(control[STATE]).toBe(CANCELLED);
			expect(flags()).toEqual({ interrupt: 1, cancel: 1, indicator: 1, latch: 1 });
		});
		// The statement ended without seeing them: nothing is left to cancel the next call.
		expect(control[STATE]).toBe(IDLE);
		expect(flags()).toMatchObject({ cancel: 0, indicator: 0 });
	});

	it('never touches an idle connection', () => {
		const { arm, flags, watchdog } = setup();
		arm(0);
		watchdog.check(10_000);
		expect(flags()).toEqual({ interrupt: 0, cancel: 0, indicator: 0, latch: 0 });
	});

	it('refuses a memory whose layout it does not know', () => {
		expect(() => locateStatementTimeout(new SharedArrayBuffer(4096), 4096)).toThrow(/candidates/);
	});
});

describe('shareMemoryImport', () => {
	/** (module (import "env" "memory" (memory 1))) and the same with a maximum of 2 pages. */
	const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
	const name = [0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79];
	const noMax = new Uint8Array([...header, 0x02, 0x0f, 0x01, ...name, 0x02, 0x00, 0x01]);
	const withMax = new Uint8Array([...header, 0x02, 0x10, 0x01, ...name, 0x02, 0x01, 0x01, 0x02]);
	const shared = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });

	it.each([
		['without', noMax],
		['with', withMax]
	])('lets a module imports a shared memory (declared %s a maximum)', async (_, bytes) => {
		await expect(WebAssembly.instantiate(bytes, { env: { memory: shared } })).rejects.toThrow(
			WebAssembly.LinkError
		);
		const patched = shareMemoryImport(bytes);
		await expect(
			WebAssembly.instantiate(patched, { env: { memory: shared } })
		).resolves.toBeDefined();
		expect(shareMemoryImport(patched)).toBe(patched);
	});
});
