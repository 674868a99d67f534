import { describe, expect, it } from 'vitest';
import { pgliteTemplate } from './databases.ts';

describe('pgliteTemplate', () => {
	it('prepares once and hands out independent clones of the prepared database', async () => {
		let prepared = 0;
		const open = pgliteTemplate('testing.spec', async (db) => {
			prepared++;
			await db.exec(`create table t (n int); insert into t values (1);`);
		});
		const [a, b] = await Promise.all([open(), open()]);
		try {
			await a.query('insert into t values (2)');
			expect((await a.query('select count(*)::int as n from t')).rows).toEqual([{ n: 2 }]);
			expect((await b.query('select count(*)::int as n from t')).rows).toEqual([{ n: 1 }]);
			expect(prepared).toBe(1);
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	}, 90_000);
});
