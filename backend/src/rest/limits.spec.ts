import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../backend.ts';
import { ENGINES, openTestDb, type TestDb } from '../../test-support/databases.ts';
import { openFixtureDb, request, signUp, type FixtureDb } from '../../test-support/harness.ts';

const TABLES = `
create table public.parents (id int primary key, name text not null);
create table public.kids (id int primary key, parent_id int not null references public.parents (id), name text not null);
insert into public.parents values (1, 'one'), (2, 'two');
insert into public.kids select i, 1 + i % 2, repeat('k', 100) from generate_series(1, 20) i;
create function public.kid_names() returns setof text language sql stable as 'select name from public.kids order by id';
create function public.kid_blob() returns json language sql stable as 'select json_agg(k) from public.kids k';
grant select, update on public.parents, public.kids to anon, authenticated;
`;

const tooLarge = (limit: number) => ({
	code: '54000',
	details: 'The server refuses to build responses larger than its configured maxResponseBytes.',
	hint: 'Ask for fewer rows or columns: a smaller limit or Range, fewer embedded resources, or page with .range().',
	message: `The response would exceed the limit of ${limit} bytes`
});

describe.each(ENGINES)('response limits on %s', (engine) => {
	let fixture: FixtureDb;
	let capped: Backend;
	let small: Backend;
	const LIMIT = 1_000;

	beforeAll(async () => {
		fixture = await openFixtureDb(engine);
		await fixture.db.exec(TABLES);
		// One after the other: two back ends must not install change capture at the same time.
		capped = createBackend({ db: fixture.db, maxRows: 3 });
		await capped.ready;
		small = createBackend({ db: fixture.db, maxResponseBytes: LIMIT });
		await small.ready;
	}, 60_000);
	afterAll(async () => {
		await capped.close();
		await small.close();
		await fixture.close();
	});

	it('applies max_rows to every embedded array, as to the top level', async () => {
		const res = await request(capped, 'GET', '/rest/v1/parents?select=id,kids(id,parents(id))');
		expect(res.status).toBe(200);
		const rows = (await res.json()) as { id: number; kids: unknown[] }[];
		expect(rows.map((r) => [r.id, r.kids.length])).toEqual([
			[1, 3],
			[2, 3]
		]);
		const kid = await request(capped, 'GET', '/rest/v1/kids?select=id,parents(kids(id))&id=eq.1');
		expect(((await kid.json()) as { parents: { kids: unknown[] } }[])[0].parents.kids).toHaveLength(
			3
		);
	});

	it('does not apply max_rows to what a write returns, as PostgREST does not', async () => {
		const res = await request(capped, 'PATCH', '/rest/v1/parents?id=eq.1&select=id,kids(id)', {
			body: { name: 'one' },
			headers: { prefer: 'return=representation' },
			token: capped.keys.serviceRoleKey
		});
		expect(res.status).toBe(200);
		expect(((await res.json()) as { kids: unknown[] }[])[0].kids).toHaveLength(10);
	});

	it('answers responses within the byte limit', async () => {
		const res = await request(small, 'GET', '/rest/v1/kids?select=id,name&limit=5');
		expect(res.status).toBe(200);
		expect(await res.json()).toHaveLength(5);
	});

	it('refuses a response over the byte limit: rows, embedded rows, RPC results', async () => {
		for (const path of [
			'/rest/v1/kids?select=id,name',
			'/rest/v1/parents?select=id,kids(name)&id=eq.1',
			'/rest/v1/kids?select=id,parents(kids(name))&limit=1',
			'/rest/v1/rpc/kid_names',
			'/rest/v1/rpc/kid_blob'
		]) {
			const res = await request(small, 'GET', path);
			expect(res.status, path).toBe(500);
			expect(await res.json()).toEqual(tooLarge(LIMIT));
		}
		const single = await request(small, 'GET', '/rest/v1/parents?select=id,kids(name)&id=eq.1', {
			headers: { accept: 'application/vnd.pgrst.object+json' }
		});
		expect(single.status).toBe(500);
	});

	it('refuses a write whose representation is over the limit, and keeps nothing of it', async () => {
		const res = await request(small, 'PATCH', '/rest/v1/kids?select=id,name', {
			body: { name: 'renamed-'.repeat(5) },
			headers: { prefer: 'return=representation' },
			token: small.keys.serviceRoleKey
		});
		expect(res.status).toBe(500);
		expect(await res.json()).toEqual(tooLarge(LIMIT));
		const after = await request(small, 'GET', '/rest/v1/kids?select=name&name=like.renamed*');
		expect(await after.json()).toEqual([]);
	});
});

/**
 * The request that answered 112 MB on the seeded venue: every seat of event 4 embeds its event,
 * which embeds all 54,000 of its seats. Embedded arrays now stop at max_rows, and a larger page
 * is stopped at the byte limit while the database builds it.
 */
describe.each(ENGINES)('the hostile embedding on the seeded venue on %s', (engine) => {
	let test: TestDb;
	let backend: Backend;

	beforeAll(async () => {
		test = await openTestDb(engine, { seed: true });
		backend = createBackend({ db: test.db });
	}, 120_000);
	afterAll(async () => {
		await backend.close();
		await test.close();
	});

	const hostile = (limit: number) =>
		`/rest/v1/seats?event_id=eq.4&select=id,events(id,seats(id,x,y,section))&limit=${limit}`;

	it('caps the embedded seats at max_rows', async () => {
		const res = await request(backend, 'GET', hostile(40));
		expect(res.status).toBe(200);
		const text = await res.text();
		const rows = JSON.parse(text) as { events: { seats: unknown[] } }[];
		expect(rows).toHaveLength(40);
		for (const row of rows) expect(row.events.seats).toHaveLength(1000);
		expect(text.length).toBeLessThan(4 * 1024 * 1024);
	}, 60_000);

	it('refuses a page over the byte limit, and still serves a booking meanwhile', async () => {
		const user = await signUp(backend, { display_name: 'bystander' });
		const [refused, booked] = await Promise.all([
			request(backend, 'GET', hostile(1000)),
			request(backend, 'POST', '/rest/v1/bookings', {
				body: [{ event_id: 1, seat_id: 1, status: 'held' }],
				token: user.access_token
			})
		]);
		// Stopped at the byte limit, unless the role's statement timeout (where the engine has one)
		// stops it first.
		expect(refused.status).toBe(500);
		const error = (await refused.json()) as { code: string };
		if (error.code !== '57014') expect(error).toEqual(tooLarge(16 * 1024 * 1024));
		expect(booked.status).toBe(201);
	}, 60_000);
});
