-- What a hosted Supabase database already has before the first migration runs: the API roles,
-- the auth schema with the columns and functions apps use, the default grants that make every new
-- public table reachable through the API (so RLS is the only barrier), and the realtime
-- publication. Hosted projects never run this file; here it turns a plain PostgreSQL 15+ or PGlite
-- into the same starting point. Every statement is safe to run again.
--
-- Sources: supabase/postgres migrations/db/init-scripts (initial schema, auth schema, post setup),
-- GoTrue migrations for the final auth.users columns and auth.uid()/role()/email()/jwt().

-- Roles are cluster-wide on a real server: several test databases may be bootstrapping at once,
-- so a role that another session just created is fine, and its settings are only made once.
do $$
declare
	spec record;
begin
	for spec in
		select * from (values
			('anon', 'nologin noinherit'),
			('authenticated', 'nologin noinherit'),
			('service_role', 'nologin noinherit bypassrls'),
			('authenticator', 'login noinherit'),
			('supabase_admin', 'nologin'),
			('supabase_auth_admin', 'nologin noinherit'),
			('supabase_realtime_admin', 'nologin noinherit'),
			('dashboard_user', 'nologin')
		) as r (name, options)
	loop
		if not exists (select from pg_roles where rolname = spec.name) then
			begin
				execute format('create role %I %s', spec.name, spec.options);
				if spec.name = 'anon' then
					alter role anon set statement_timeout = '3s';
				elsif spec.name = 'authenticated' then
					alter role authenticated set statement_timeout = '8s';
				elsif spec.name = 'authenticator' then
					alter role authenticator set statement_timeout = '8s';
					alter role authenticator set lock_timeout = '8s';
				end if;
			exception when duplicate_object or unique_violation then
				null;
			end;
		end if;
	end loop;

	-- PostgREST connects as authenticator and switches to one of these per request.
	if not pg_has_role('authenticator', 'anon', 'member')
		or not pg_has_role('authenticator', 'authenticated', 'member')
		or not pg_has_role('authenticator', 'service_role', 'member') then
		begin
			grant anon, authenticated, service_role to authenticator;
		exception when others then
			-- A concurrent bootstrap granted it first ("tuple concurrently updated").
			null;
		end;
	end if;
end
$$;

create schema if not exists extensions;
create schema if not exists auth;
create schema if not exists realtime;
create schema if not exists storage;
create schema if not exists graphql_public;
create schema if not exists supabase_migrations;

create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;

grant usage on schema public to postgres, anon, authenticated, service_role;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
grant usage on schema realtime to postgres, anon, authenticated, service_role;
-- Usage on auth lets policies call auth.uid(); its tables stay ungranted, so the API cannot read them.
grant usage on schema auth to anon, authenticated, service_role;

-- What a hosted dump shows: whatever the migration owner creates in public is fully granted to the
-- API roles, and row level security decides.
alter default privileges for role postgres in schema public
	grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
	grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
	grant all on functions to postgres, anon, authenticated, service_role;

-- auth ---------------------------------------------------------------------------------------------

create table if not exists auth.users (
	instance_id uuid,
	id uuid not null,
	aud varchar(255),
	role varchar(255),
	email varchar(255),
	encrypted_password varchar(255),
	email_confirmed_at timestamptz,
	invited_at timestamptz,
	confirmation_token varchar(255),
	confirmation_sent_at timestamptz,
	recovery_token varchar(255),
	recovery_sent_at timestamptz,
	email_change_token_new varchar(255),
	email_change varchar(255),
	email_change_sent_at timestamptz,
	last_sign_in_at timestamptz,
	raw_app_meta_data jsonb,
	raw_user_meta_data jsonb,
	is_super_admin boolean,
	created_at timestamptz,
	updated_at timestamptz,
	phone text default null,
	phone_confirmed_at timestamptz,
	phone_change text default '',
	phone_change_token varchar(255) default '',
	phone_change_sent_at timestamptz,
	confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
	email_change_token_current varchar(255) default '',
	email_change_confirm_status smallint default 0
		check (email_change_confirm_status >= 0 and email_change_confirm_status <= 2),
	banned_until timestamptz,
	reauthentication_token varchar(255) default '',
	reauthentication_sent_at timestamptz,
	is_sso_user boolean not null default false,
	deleted_at timestamptz,
	is_anonymous boolean not null default false,
	constraint users_pkey primary key (id),
	constraint users_phone_key unique (phone)
);
comment on table auth.users is 'Auth: Stores user login data within a secure schema.';
create index if not exists users_instance_id_idx on auth.users (instance_id);
create index if not exists users_is_anonymous_idx on auth.users (is_anonymous);
create unique index if not exists users_email_partial_key on auth.users (email)
	where (is_sso_user = false);

do $$
begin
	if to_regtype('auth.aal_level') is null then
		create type auth.aal_level as enum ('aal1', 'aal2', 'aal3');
	end if;
end
$$;

create table if not exists auth.sessions (
	id uuid not null primary key,
	user_id uuid not null references auth.users (id) on delete cascade,
	created_at timestamptz,
	updated_at timestamptz,
	factor_id uuid,
	aal auth.aal_level,
	not_after timestamptz,
	refreshed_at timestamp,
	user_agent text,
	ip inet,
	tag text
);
comment on table auth.sessions is 'Auth: Stores session data associated to a user.';
create index if not exists sessions_user_id_idx on auth.sessions (user_id);
create index if not exists sessions_not_after_idx on auth.sessions (not_after desc);

create table if not exists auth.refresh_tokens (
	instance_id uuid,
	id bigserial primary key,
	token varchar(255),
	user_id varchar(255),
	revoked boolean,
	created_at timestamptz,
	updated_at timestamptz,
	parent varchar(255),
	session_id uuid references auth.sessions (id) on delete cascade,
	constraint refresh_tokens_token_unique unique (token)
);
comment on table auth.refresh_tokens is 'Auth: Store of tokens used to refresh JWT tokens once they expire.';
create index if not exists refresh_tokens_instance_id_user_id_idx
	on auth.refresh_tokens (instance_id, user_id);
create index if not exists refresh_tokens_parent_idx on auth.refresh_tokens (parent);
create index if not exists refresh_tokens_session_id_revoked_idx
	on auth.refresh_tokens (session_id, revoked);

create table if not exists auth.identities (
	provider_id text not null,
	user_id uuid not null references auth.users (id) on delete cascade,
	identity_data jsonb not null,
	provider text not null,
	last_sign_in_at timestamptz,
	created_at timestamptz,
	updated_at timestamptz,
	email text generated always as (lower(identity_data ->> 'email')) stored,
	id uuid not null default gen_random_uuid() primary key,
	constraint identities_provider_id_provider_unique unique (provider_id, provider)
);
comment on table auth.identities is 'Auth: Stores identities associated to a user.';
create index if not exists identities_user_id_idx on auth.identities (user_id);

-- GoTrue enables RLS on its tables; with no policies and no grants the API roles see nothing.
alter table auth.users enable row level security;
alter table auth.sessions enable row level security;
alter table auth.refresh_tokens enable row level security;
alter table auth.identities enable row level security;

-- The request's JWT, as PostgREST leaves it in transaction-local settings. Outside a request the
-- settings read '' (after a transaction) or are missing, hence nullif and missing_ok.
create or replace function auth.uid()
returns uuid
language sql stable
as $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
comment on function auth.uid() is 'Deprecated. Use auth.jwt() -> ''sub'' instead.';

create or replace function auth.role()
returns text
language sql stable
as $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
comment on function auth.role() is 'Deprecated. Use auth.jwt() -> ''role'' instead.';

create or replace function auth.email()
returns text
language sql stable
as $$
  select
  coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
comment on function auth.email() is 'Deprecated. Use auth.jwt() -> ''email'' instead.';

create or replace function auth.jwt()
returns jsonb
language sql stable
as $$
  select
    coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
	to anon, authenticated, service_role;

-- realtime -----------------------------------------------------------------------------------------

-- Empty, as on hosted; migrations add tables with `alter publication supabase_realtime add table`.
do $$
begin
	if not exists (select from pg_publication where pubname = 'supabase_realtime') then
		create publication supabase_realtime;
	end if;
end
$$;

-- Broadcast from Database, as Realtime's tenant migrations set it up on hosted projects: the
-- messages table (its rows are what private channels authorise against and what the database
-- broadcasts), realtime.topic(), realtime.send() and realtime.broadcast_changes(), owned by
-- supabase_realtime_admin and granted as hosted grants them. Hosted partitions messages by day
-- and drops partitions older than three days; here the table is one plain table (nothing reads it
-- by partition) and the realtime service deletes rows older than three days from its delivery
-- loop now and then. Delivery itself (a capture trigger) is installed by the realtime service.

create table if not exists realtime.messages (
	topic text not null,
	extension text not null,
	payload jsonb,
	event text,
	private boolean default false,
	updated_at timestamp without time zone default now() not null,
	inserted_at timestamp without time zone default now() not null,
	id uuid default gen_random_uuid() not null,
	binary_payload bytea,
	constraint messages_pkey primary key (id, inserted_at)
);
-- Broadcast Replay reads a private topic's newest messages.
create index if not exists messages_inserted_at_topic_index
	on realtime.messages (inserted_at desc, topic)
	where extension = 'broadcast' and private is true;
alter table realtime.messages enable row level security;

create or replace function realtime.topic()
returns text
language sql stable
as $$
	select nullif(current_setting('realtime.topic', true), '')::text;
$$;

-- Never raises: a message that cannot be written (refused by RLS, say) is a WARNING, so a
-- trigger that broadcasts never fails the write that fired it.
create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
declare
	generated_id uuid;
	final_payload jsonb;
begin
	begin
		generated_id := gen_random_uuid();
		if payload ? 'id' then
			final_payload := payload;
		else
			final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
		end if;
		execute format('set local realtime.topic to %L', topic);
		insert into realtime.messages (id, payload, event, topic, private, extension)
		values (generated_id, final_payload, event, topic, private, 'broadcast');
	exception when others then
		raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
	end;
end;
$$;

-- For row triggers: {old_record, record, operation, table, schema} to a private topic. Not
-- security definer, as on hosted: the caller's INSERT rights on realtime.messages apply.
create or replace function realtime.broadcast_changes(
	topic_name text, event_name text, operation text, table_name text, table_schema text,
	new record, old record, level text default 'ROW'
)
returns void
language plpgsql
as $$
declare
	row_data jsonb := '{}'::jsonb;
begin
	if level = 'STATEMENT' then
		raise exception 'function can only be triggered for each row, not for each statement';
	end if;
	if operation = 'INSERT' or operation = 'UPDATE' or operation = 'DELETE' then
		row_data := jsonb_build_object('old_record', old, 'record', new, 'operation', operation,
			'table', table_name, 'schema', table_schema);
		perform realtime.send(row_data, event_name, topic_name);
	else
		raise exception 'Unexpected operation type: %', operation;
	end if;
exception when others then
	raise exception 'Failed to process the row: %', sqlerrm;
end;
$$;

alter table realtime.messages owner to supabase_realtime_admin;
alter function realtime.topic() owner to supabase_realtime_admin;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_realtime_admin;
alter function realtime.broadcast_changes(text, text, text, text, text, record, record, text)
	owner to supabase_realtime_admin;

grant usage on schema realtime to supabase_realtime_admin;
grant create on schema realtime to supabase_realtime_admin;
grant all on realtime.messages to supabase_realtime_admin;
grant select, insert, update on realtime.messages to postgres, anon, authenticated, service_role;
grant delete, truncate, references, trigger on realtime.messages to postgres;
grant execute on function realtime.topic(), realtime.send(jsonb, text, text, boolean),
	realtime.broadcast_changes(text, text, text, text, text, record, record, text)
	to postgres, anon, authenticated, service_role;

-- Hosted lets `postgres` create policies on realtime.messages, which it does not own: through
-- supautils' policy grants on current images, and on older ones through membership of the owner,
-- which is what this does (Realtime's own migration keeps `grant supabase_realtime_admin to
-- postgres` where supautils does not grant policies).
do $$
begin
	if not exists (
		select from pg_auth_members
		where roleid = 'supabase_realtime_admin'::regrole and member = 'postgres'::regrole
	) then
		begin
			grant supabase_realtime_admin to postgres;
		exception when others then
			null; -- a concurrent bootstrap granted it first
		end;
	end if;
end
$$;
-- The migrations' role (hosted_postgres) -----------------------------------------------------------

-- Hosted Supabase applies migrations and the seed as `postgres`, which there is not a superuser:
-- NOSUPERUSER CREATEDB CREATEROLE REPLICATION BYPASSRLS, owner of neither the auth nor the realtime
-- objects (supabase/postgres: migrations/db/migrations/10000000000000_demote-postgres.sql). On a
-- plain server `postgres` is the superuser this file and the back end connect as, so the same role
-- is called hosted_postgres here, and setupDatabase (backend/src/migrate.ts, MIGRATION_ROLE) runs
-- every migration and the seed after `set local role hosted_postgres`: a statement only a
-- superuser may run fails here as it fails on hosted. What follows grants it what hosted grants
-- `postgres`. A grant `to postgres` in a migration names this server's superuser, which holds
-- every privilege anyway, so it neither fails nor widens anything.
--
-- What hosted lets `postgres` do through its own extension (supautils) rather than through grants
-- belongs in this block too, for hosted_postgres and no further: e.g. creating RLS policies on
-- realtime.messages, which supabase_realtime_admin owns (below: the one membership it needs).
-- Otherwise never make hosted_postgres an owner (or a member of an owner) of auth or realtime
-- objects.
do $$
begin
	if not exists (select from pg_roles where rolname = 'hosted_postgres') then
		begin
			create role hosted_postgres nologin nosuperuser createdb createrole replication bypassrls;
		exception when duplicate_object or unique_violation then
			null; -- a concurrent bootstrap of another database created it first
		end;
	end if;
	-- The role is cluster-wide and outlives this database: whatever changed its attributes since
	-- (a superuser's experiment, say), every bootstrap puts hosted's back.
	if exists (
		select from pg_roles where rolname = 'hosted_postgres'
			and (rolsuper or rolcanlogin or not (rolcreatedb and rolcreaterole and rolreplication and rolbypassrls))
	) then
		begin
			alter role hosted_postgres nologin nosuperuser createdb createrole replication bypassrls;
		exception when others then
			null; -- "tuple concurrently updated": a concurrent bootstrap is putting them back
		end;
	end if;
	execute format('grant all on database %I to hosted_postgres', current_database());
end
$$;

grant usage, create on schema public to hosted_postgres;
grant usage, create on schema extensions to hosted_postgres;
grant usage on schema auth, realtime to hosted_postgres;
grant all on all tables in schema auth to hosted_postgres;
grant all on all sequences in schema auth to hosted_postgres;
grant all on all routines in schema auth to hosted_postgres;

-- The API roles' default grants, for what the migrations create (as for `postgres` above).
alter default privileges for role hosted_postgres in schema public
	grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role hosted_postgres in schema public
	grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role hosted_postgres in schema public
	grant all on functions to postgres, anon, authenticated, service_role;

-- Hosted's publication belongs to postgres, so migrations may add their tables to it.
alter publication supabase_realtime owner to hosted_postgres;

-- What hosted grants `postgres` on realtime.messages, and the smallest stand-in for supautils'
-- policy grants: plain PostgreSQL lets only the owner create policies on a table, so
-- hosted_postgres is a member of the owner, supabase_realtime_admin (which owns only the realtime
-- objects above). Hosted images without those policy grants do exactly this (Realtime's own
-- migration keeps `grant supabase_realtime_admin to postgres` there). The cost, here only: a
-- migration could also alter or drop those objects, which current hosted images refuse.
grant select, insert, update, delete, truncate, references, trigger on realtime.messages
	to hosted_postgres;
do $$
begin
	if not exists (
		select from pg_auth_members
		where roleid = 'supabase_realtime_admin'::regrole and member = 'hosted_postgres'::regrole
	) then
		begin
			grant supabase_realtime_admin to hosted_postgres;
		exception when others then
			null; -- a concurrent bootstrap granted it first
		end;
	end if;
end
$$;
