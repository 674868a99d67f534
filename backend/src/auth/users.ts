import type { Queryable } from '../db/types.ts';

/**
 * The user JSON GoTrue answers with (internal/models/user.go JSON tags): `email`/`phone` always
 * present ('' when NULL), optional timestamps left out when NULL, `identities` always an array.
 */
export interface UserJson {
	id: string;
	aud: string;
	role: string;
	email: string;
	phone: string;
	email_confirmed_at?: string;
	phone_confirmed_at?: string;
	confirmed_at?: string;
	last_sign_in_at?: string;
	app_metadata: Record<string, unknown>;
	user_metadata: Record<string, unknown>;
	identities: unknown[];
	created_at: string;
	updated_at: string;
	banned_until?: string;
	is_anonymous: boolean;
}

const rfc3339 = (column: string) =>
	`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as ${column}`;

export const USER_COLUMNS = [
	'id::text as id',
	`coalesce(aud, '') as aud`,
	`coalesce(role, '') as role`,
	`coalesce(email, '') as email`,
	`coalesce(phone, '') as phone`,
	rfc3339('email_confirmed_at'),
	rfc3339('phone_confirmed_at'),
	rfc3339('confirmed_at'),
	rfc3339('last_sign_in_at'),
	`coalesce(raw_app_meta_data, '{}'::jsonb)::text as app_metadata`,
	`coalesce(raw_user_meta_data, '{}'::jsonb)::text as user_metadata`,
	rfc3339('created_at'),
	rfc3339('updated_at'),
	rfc3339('banned_until'),
	'is_anonymous'
].join(', ');

type UserRow = Omit<UserJson, 'app_metadata' | 'user_metadata' | 'identities'> & {
	app_metadata: string;
	user_metadata: string;
} & Record<string, unknown>;

export async function loadUser(tx: Queryable, id: string): Promise<UserJson | undefined> {
	const { rows } = await tx.query<UserRow>(
		`select ${USER_COLUMNS} from auth.users where id = $1 and deleted_at is null`,
		[id]
	);
	return rows[0] && toUserJson(rows[0]);
}

function toUserJson(row: UserRow): UserJson {
	const user: Record<string, unknown> = {
		id: row.id,
		aud: row.aud,
		role: row.role,
		email: row.email,
		phone: row.phone
	};
	for (const k of ['email_confirmed_at', 'phone_confirmed_at', 'confirmed_at', 'last_sign_in_at']) {
		if (row[k]) user[k] = row[k];
	}
	user.app_metadata = JSON.parse(row.app_metadata);
	user.user_metadata = JSON.parse(row.user_metadata);
	user.identities = [];
	user.created_at = row.created_at;
	user.updated_at = row.updated_at;
	if (row.banned_until) user.banned_until = row.banned_until;
	user.is_anonymous = row.is_anonymous;
	return user as unknown as UserJson;
}
