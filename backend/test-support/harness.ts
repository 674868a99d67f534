/**
 * Test fixtures for the HTTP services: a database with the Supabase bootstrap (no app migrations)
 * plus small tables of the tests' own, on either engine, and a back end served over real HTTP.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { createBackend, type Backend, type BackendOptions } from '../src/backend.ts';
import { pgliteTemplate, type Engine } from './databases.ts';
import { openPostgres } from '../src/db/postgres.ts';
import { createTestDatabase } from './test-database.ts';
import type { Db } from '../src/db/types.ts';
import { setupDatabase } from '../src/migrate.ts';
import { serve, type Served } from '../src/node.ts';

export const FIXTURE_SQL = `
create table public.items (
	id bigint generated always as identity primary key,
	name text not null unique,
	n int default 7,
	tags text[],
	meta jsonb,
	owner uuid default auth.uid() references auth.users (id) on delete cascade
);
alter table public.items enable row level security;
create policy items_read on public.items for select using (true);
create policy items_insert on public.items for insert to authenticated with check (owner = (select auth.uid()));
create policy items_update on public.items for update to authenticated using (owner = (select auth.uid()));
create policy items_delete on public.items for delete to authenticated using (owner = (select auth.uid()));

create table public.notes (id int primary key, body text not null default 'empty', n int check (n >= 0));

create table public.authors (id int primary key, name text not null);
create table public.books (
	id int primary key,
	title text not null,
	author_id int not null references public.authors (id),
	editor_id int references public.authors (id)
);
insert into public.authors values (1, 'Ann'), (2, 'Bob');
insert into public.books values (1, 'One', 1, 2), (2, 'Two', 1, null), (3, 'Three', 2, 1);

create table public.profiles (
	id uuid primary key references auth.users (id) on delete cascade,
	display_name text
);
create function public.handle_new_user() returns trigger language plpgsql security definer
set search_path = '' as $$
begin
	if new.raw_user_meta_data ->> 'display_name' = 'forbidden' then
		raise exception 'display name refused';
	end if;
	insert into public.profiles (id, display_name) values (new.id, new.raw_user_meta_data ->> 'display_name');
	return new;
end $$;
create trigger on_auth_user_created after insert on auth.users
	for each row execute function public.handle_new_user();

create function public.add(a int, b int default 1) returns int language sql immutable as 'select a + b';
create function public.items_like(pattern text) returns setof public.items language sql stable
	as 'select * from public.items where name like pattern order by id';
create function public.first_item() returns public.items language sql stable
	as 'select * from public.items order by id limit 1';
create function public.stats() returns table (total bigint, biggest int) language sql stable
	as 'select count(*), max(n) from public.items';
create function public.slow(seconds float8) returns text language sql as 'select pg_sleep(seconds)::text || ''slept''';
create function public.noon() returns timestamptz language sql immutable
	as $$ select '2024-01-01 12:00:00+00'::timestamptz $$;
create function public.nothing() returns void language sql as 'select';
create function public.ids() returns setof bigint language sql stable as 'select id from public.items order by id';
create function public.fail(msg text) returns int language plpgsql as $$ begin raise exception '%', msg; end $$;
create function public.teapot() returns int language plpgsql as $$ begin raise sqlstate 'PT418' using message = 'short and stout'; end $$;
create function public.note_add(p_id int, p_body text) returns int language sql
	as 'insert into public.notes (id, body) values (p_id, p_body) returning id';
create function public.whoami() returns json language sql stable as $$
	select json_build_object(
		'uid', auth.uid(), 'user', current_user,
		'claims_role', current_setting('request.jwt.claims', true)::json ->> 'role',
		'method', current_setting('request.method', true),
		'path', current_setting('request.path', true),
		'apikey', current_setting('request.headers', true)::json ->> 'apikey',
		'search_path', current_setting('search_path'),
		'read_only', current_setting('transaction_read_only'))
$$;
create function public.echo_args(a int[], j jsonb, t text default 'd') returns json language sql immutable
	as $$ select json_build_object('a', a, 'j', j, 't', t) $$;

insert into public.items (name, n) select 'seed' || i, i from generate_series(1, 5) i;
insert into public.notes (id, body) values (1, 'one'), (2, 'two');
`;

const EMPTY_MIGRATIONS = '/nonexistent/no-migrations';

async function prepare(db: Db) {
	await setupDatabase(db, { migrationsDir: EMPTY_MIGRATIONS, seed: false });
	await db.exec(FIXTURE_SQL);
}

const pgliteFixture = pgliteTemplate('rest-fixture', prepare);

export interface FixtureDb {
	db: Db;
	close(): Promise<void>;
}

export async function openFixtureDb(engine: Engine): Promise<FixtureDb> {
	if (engine === 'pglite') {
		const db = await pgliteFixture();
		return { db, close: () => db.close() };
	}
	const database = await createTestDatabase();
	try {
		const db = await openPostgres(database.url, { max: 4 });
		await prepare(db);
		return {
			db,
			async close() {
				await db.close();
				await database.drop();
			}
		};
	} catch (e) {
		await database.drop();
		throw e;
	}
}

export interface Harness {
	db: Db;
	backend: Backend;
	served: Served;
	url: string;
	client(options?: { key?: string }): SupabaseClient;
	close(): Promise<void>;
}

/** A fixture database behind a real HTTP server on a free port. */
export async function openHarness(
	engine: Engine,
	options: Partial<BackendOptions> = {}
): Promise<Harness> {
	const fixture = await openFixtureDb(engine);
	// Tests sign in many users from 127.0.0.1: no sign-in limit unless a test sets one.
	const backend = createBackend({ db: fixture.db, anonymousSignInsPerHour: 0, ...options });
	const served = await serve(backend, { port: 0 });
	return {
		db: fixture.db,
		backend,
		served,
		url: served.url,
		client: ({ key = backend.keys.publishableKey } = {}) =>
			createClient(served.url, key, {
				auth: { persistSession: false, autoRefreshToken: false }
			}),
		async close() {
			await served.close(2000);
			await fixture.close();
		}
	};
}

/** An in-process request against `backend.fetch`, with the publishable key unless told otherwise. */
export function request(
	backend: Backend,
	method: string,
	path: string,
	init: { body?: unknown; headers?: Record<string, string>; token?: string } = {}
): Promise<Response> {
	const key = backend.keys.publishableKey;
	const headers: Record<string, string> = {
		apikey: key,
		authorization: `Bearer ${init.token ?? key}`,
		...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
		// auth-js always sends it, and GoTrue's error shape depends on it.
		...(path.startsWith('/auth/') ? { 'x-supabase-api-version': '2024-01-01' } : {}),
		...init.headers
	};
	const body =
		init.body === undefined
			? undefined
			: typeof init.body === 'string'
				? init.body
				: JSON.stringify(init.body);
	return backend.fetch(new Request(`http://localhost${path}`, { method, headers, body }));
}

/** Signs up an anonymous user in-process; returns the session JSON. */
export async function signUp(backend: Backend, data: Record<string, unknown> = {}) {
	const res = await request(backend, 'POST', '/auth/v1/signup', {
		body: { data, gotrue_meta_security: {} }
	});
	if (res.status !== 200) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
	return (await res.json()) as {
		access_token: string;
		refresh_token: string;
		expires_in: number;
		expires_at: number;
		user: { id: string; user_metadata: Record<string, unknown> };
	};
}
