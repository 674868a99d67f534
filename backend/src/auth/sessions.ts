import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/types.ts';
import type { Session } from './tokens.ts';

/** Rows of auth.sessions, one per sign-in; refresh tokens and access tokens name one. */
export async function createSession(tx: Queryable, userId: string): Promise<Session> {
	const id = randomUUID();
	const { rows } = await tx.query<{ created: number }>(
		`insert into auth.sessions (id, user_id, created_at, updated_at) values ($1, $2, now(), now())
		 returning floor(extract(epoch from created_at))::int as created`,
		[id, userId]
	);
	return { id, createdAt: rows[0].created };
}

export async function loadSession(
	tx: Queryable,
	id: string,
	lock: boolean
): Promise<Session | undefined> {
	const { rows } = await tx.query<{ id: string; created: number }>(
		`select id::text as id, floor(extract(epoch from created_at))::int as created
		 from auth.sessions where id = $1${lock ? ' for update' : ''}`,
		[id]
	);
	return rows[0] && { id: rows[0].id, createdAt: rows[0].created };
}
