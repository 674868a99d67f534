/**
 * Every request has a time budget on both engines, the per-role `statement_timeout` of hosted
 * Supabase (anon 3 s, authenticated 8 s, as role settings in the database): a runaway request is
 * cancelled with 57014 and rolled back, while health checks and other users' bookings go on.
 */
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from './backend.ts';
import { serve, type Served } from './node.ts';
import { ENGINES, openTestDb, type TestDb } from '../test-support/databases.ts';

/** Far above every limit, so that a loaded machine never fails the test: no tight timing. */
const SLACK_MS = 5000;
const ANON_LIMIT_MS = 3000;
/** Set for this database only (`alter role … in database`), so other tests' databases keep 8 s. */
const AUTHENTICATED_LIMIT_MS = 1500;
/** Ann's stadium: event 4 of supabase/seed.sql, 54,000 seats. */
const STADIUM = 4;
/** Every seat of the stadium once per seat: 40 × 54,000 rows unless something stops it. */
const HOSTILE_EMBED = `/rest/v1/seats?event_id=eq.${STADIUM}&select=id,events(id,seats(id,x,y,section))&limit=40`;

const SETUP_SQL = `
create function public.runaway() returns bigint language sql stable
	as 'select count(*) from generate_series(1, 100000000000)';
grant execute on function public.runaway() to anon, authenticated;
do $$ begin
	execute format('alter role authenticated in database %I set statement_timeout = %L',
		current_database(), '${AUTHENTICATED_LIMIT_MS}ms');
end $$;`;

const timedOut = { code: '57014', message: 'canceling statement due to statement timeout' };

/** The process's resident memory (the server and the database run in it), sampled until stopped. */
function sampleRss() {
	let peak = process.memoryUsage.rss();
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
	return () => {
		clearInterval(timer);
		return Math.max(peak, process.memoryUsage.rss());
	};
}

/** `/auth/v1/health` asked every 100 ms until `until` settles; the slowest answer's time. */
async function healthMeanwhile(url: string, apikey: string, until: Promise<unknown>) {
	let settled = false;
	void until.finally(() => (settled = true));
	let slowest = 0;
	let answered = 0;
	while (!settled) {
		const started = Date.now();
		const res = await fetch(`${url}/auth/v1/health`, { headers: { apikey } });
		expect(res.status).toBe(200);
		await res.arrayBuffer();
		slowest = Math.max(slowest, Date.now() - started);
		answered++;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return { slowest, answered };
}

describe.each(ENGINES)('the time budget on %s', (engine) => {
	let t: TestDb;
	let backend: Backend;
	let served: Served;
	let seatIds: number[];

	beforeAll(async () => {
		t = await openTestDb(engine);
		await t.db.exec(SETUP_SQL);
		seatIds = (
			await t.db.query<{ id: number }>(
				'select id from public.seats where event_id = $1 order by id limit 2',
				[STADIUM]
			)
		).rows.map((r) => r.id);
		backend = createBackend({ db: t.db });
		served = await serve(backend, { port: 0 });
	}, 180_000);
	afterAll(async () => {
		await served?.close(2000);
		await t?.close();
	});

	const anonKey = () => backend.keys.publishableKey;
	const rest = (path: string, init: RequestInit & { token?: string } = {}) =>
		fetch(`${served.url}${path}`, {
			...init,
			headers: {
				apikey: anonKey(),
				authorization: `Bearer ${init.token ?? anonKey()}`,
				'content-type': 'application/json',
				...init.headers
			}
		});
	const timed = async (res: Promise<Response>) => {
		const started = Date.now();
		const response = await res;
		const body = (await response.json()) as { code?: string; message?: string };
		return { status: response.status, body, elapsed: Date.now() - started };
	};

	async function signedIn(name: string) {
		const client = createClient(served.url, anonKey(), {
			auth: { persistSession: false, autoRefreshToken: false }
		});
		const { data, error } = await client.auth.signInAnonymously({
			options: { data: { display_name: name } }
		});
		expect(error).toBeNull();
		return { client, token: data.session!.access_token };
	}

	it('cancels a runaway anon RPC at 3 s with 57014 while health answers and a booking succeeds', async () => {
		const ann = await signedIn('Ann');
		const rss = sampleRss();
		const runaway = timed(rest('/rest/v1/rpc/runaway', { method: 'POST', body: '{}' }));
		const health = healthMeanwhile(served.url, anonKey(), runaway);
		await new Promise((resolve) => setTimeout(resolve, 300));
		const booking = ann.client
			.from('bookings')
			.insert({ event_id: STADIUM, seat_id: seatIds[0], status: 'held' })
			.select('seat_id');

		const { status, body, elapsed } = await runaway;
		expect({ status, ...body }).toMatchObject({ status: 500, ...timedOut });
		expect(elapsed).toBeGreaterThanOrEqual(ANON_LIMIT_MS - 100);
		expect(elapsed).toBeLessThan(ANON_LIMIT_MS + SLACK_MS);
		const booked = await booking;
		expect(booked.error).toBeNull();
		expect(booked.data).toEqual([{ seat_id: seatIds[0] }]);
		const { slowest, answered } = await health;
		expect(answered).toBeGreaterThan(3);
		expect(slowest).toBeLessThan(1000);
		console.log(
			`${engine}: runaway RPC cancelled after ${elapsed} ms; health at worst ${slowest} ms; peak RSS ${Math.round(rss() / 2 ** 20)} MiB`
		);
	});

	it('cancels a runaway RPC of a signed-in user at the limit its role has in this database', async () => {
		const bob = await signedIn('Bob');
		const { status, body, elapsed } = await timed(
			rest('/rest/v1/rpc/runaway', { method: 'POST', body: '{}', token: bob.token })
		);
		expect({ status, ...body }).toMatchObject({ status: 500, ...timedOut });
		expect(elapsed).toBeGreaterThanOrEqual(AUTHENTICATED_LIMIT_MS - 100);
		expect(elapsed).toBeLessThan(AUTHENTICATED_LIMIT_MS + SLACK_MS);
		// The database is fine afterwards, for the same user too.
		const mine = await bob.client
			.from('bookings')
			.insert({ event_id: STADIUM, seat_id: seatIds[1], status: 'held' })
			.select('seat_id');
		expect(mine.data).toEqual([{ seat_id: seatIds[1] }]);
	});

	it.each([40, 1000])(
		'answers the hostile embed of the whole stadium (limit=%i) bounded, refused or cancelled within the anon limit, in bounded memory',
		async (limit) => {
			const rss = sampleRss();
			const before = process.memoryUsage.rss();
			const started = Date.now();
			const hostile = rest(HOSTILE_EMBED.replace('limit=40', `limit=${limit}`)).then(
				async (res) => ({ status: res.status, text: await res.text() })
			);
			const health = healthMeanwhile(served.url, anonKey(), hostile);
			const { status, text } = await hostile;
			const elapsed = Date.now() - started;
			const peak = rss();
			// Answered with its embedded arrays cut at max_rows, refused at the response's byte limit
			// (54000), or cancelled by the budget (57014): never built whole.
			expect(text.length).toBeLessThan(16 * 2 ** 20 + 1024);
			let outcome: string;
			if (status === 200) {
				const rows = JSON.parse(text) as { events: { seats: unknown[] } }[];
				for (const row of rows) expect(row.events.seats.length).toBeLessThanOrEqual(1000);
				outcome = `200 with ${rows.length} rows of at most 1000 seats`;
			} else {
				const body = JSON.parse(text) as { code: string; message: string };
				expect(status).toBe(500);
				if (body.code === '57014') expect(body).toMatchObject(timedOut);
				else expect(body.code).toBe('54000');
				outcome = `${status} ${body.code}`;
			}
			expect(elapsed).toBeLessThan(ANON_LIMIT_MS + SLACK_MS);
			expect((await health).slowest).toBeLessThan(1000);
			expect(peak - before).toBeLessThan(1024 * 2 ** 20);
			const events = await timed(rest('/rest/v1/events?select=id&id=eq.4'));
			expect(events).toMatchObject({ status: 200, body: [{ id: STADIUM }] });
			console.log(
				`${engine}: hostile embed limit=${limit} answered ${outcome} (${text.length} bytes) after ${elapsed} ms; peak RSS ${Math.round(peak / 2 ** 20)} MiB (+${Math.round((peak - before) / 2 ** 20)} MiB)`
			);
		}
	);
});
