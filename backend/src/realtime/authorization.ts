import type { Db } from '../db/types.ts';
import type { Claims } from '../jwt.ts';

/**
 * Private channels are authorised by the project's RLS policies on `realtime.messages`, as
 * Realtime does it (`Realtime.Tenants.Authorization`): probe rows for `broadcast` and `presence` are
 * inserted by the service, then read as the joining user — `role`, `realtime.topic`,
 * `request.jwt.claims`, `request.jwt.claim.sub`/`role` and `request.headers` set transaction-locally
 * — and a probe the user can see grants read. Write is an INSERT of a probe row as the user. All of
 * it is undone: here one function call whose work ends in a rolled-back subtransaction, so a
 * check is one statement and leaves nothing behind (nor anything for the capture trigger to send).
 * A policy that raises counts as a refusal.
 */

export interface Policies {
	broadcastRead: boolean;
	presenceRead: boolean;
	broadcastWrite: boolean;
	presenceWrite: boolean;
}

/** What public channels may do: everything, as no policy applies to them. */
export const PUBLIC: Policies = {
	broadcastRead: true,
	presenceRead: true,
	broadcastWrite: true,
	presenceWrite: true
};

export const AUTHORIZATION_SQL = `
create or replace function _realtime.authorize(p_topic text, p_role text, p_claims text)
returns table (broadcast_read boolean, presence_read boolean, broadcast_write boolean,
	presence_write boolean)
language plpgsql as $$
declare
	v_broadcast uuid;
	v_presence uuid;
	v_br boolean := false;
	v_pr boolean := false;
	v_bw boolean := false;
	v_pw boolean := false;
begin
	begin
		insert into realtime.messages (topic, extension) values (p_topic, 'broadcast')
			returning id into v_broadcast;
		insert into realtime.messages (topic, extension) values (p_topic, 'presence')
			returning id into v_presence;
		perform set_config('role', p_role, true),
			set_config('realtime.topic', p_topic, true),
			set_config('request.jwt.claims', p_claims, true),
			set_config('request.jwt.claim.sub', coalesce(p_claims::jsonb ->> 'sub', ''), true),
			set_config('request.jwt.claim.role', p_role, true),
			set_config('request.headers', '{}', true);
		begin
			select coalesce(bool_or(m.id = v_broadcast), false), coalesce(bool_or(m.id = v_presence), false)
			into v_br, v_pr
			from realtime.messages m
			where m.topic = p_topic
				and ((m.extension = 'broadcast' and m.id = v_broadcast)
					or (m.extension = 'presence' and m.id = v_presence));
		exception when others then
			raise warning 'realtime read policy check on % failed: %', p_topic, sqlerrm;
		end;
		begin
			insert into realtime.messages (topic, extension) values (p_topic, 'broadcast');
			v_bw := true;
		exception when others then
			null;
		end;
		begin
			insert into realtime.messages (topic, extension) values (p_topic, 'presence');
			v_pw := true;
		exception when others then
			null;
		end;
		-- undoes the probes and the settings
		raise exception using errcode = 'RTAUZ';
	exception when sqlstate 'RTAUZ' then
		null;
	end;
	return query select v_br, v_pr, v_bw, v_pw;
end $$;
revoke all on function _realtime.authorize(text, text, text) from public;
`;

/**
 * Checks the policies of a role with its claims on a private topic (the channel name, without
 * `realtime:`). Identical checks running at once (a crowd of anonymous viewers rejoining after a
 * restart) share one query.
 */
export class Authorizer {
	#db: Db;
	#inFlight = new Map<string, Promise<Policies>>();

	constructor(db: Db) {
		this.#db = db;
	}

	check(name: string, role: string, claims: Claims): Promise<Policies> {
		const claimsJson = JSON.stringify(claims);
		const key = JSON.stringify([name, role, claimsJson]);
		let pending = this.#inFlight.get(key);
		if (!pending) {
			pending = this.#db
				.query<{
					broadcast_read: boolean;
					presence_read: boolean;
					broadcast_write: boolean;
					presence_write: boolean;
				}>('select * from _realtime.authorize($1, $2, $3)', [name, role, claimsJson])
				.then(({ rows: [r] }) => ({
					broadcastRead: r.broadcast_read,
					presenceRead: r.presence_read,
					broadcastWrite: r.broadcast_write,
					presenceWrite: r.presence_write
				}))
				.finally(() => this.#inFlight.delete(key));
			this.#inFlight.set(key, pending);
		}
		return pending;
	}
}
