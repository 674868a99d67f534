import { openTestDb } from '/work/main/backend/src/db/testing.ts';
import { startRealtimeServer, RawClient, createUser, userToken } from '/work/main/backend/src/realtime/testing.ts';
import { LOCAL_PUBLISHABLE_KEY } from '/work/main/backend/src/keys.ts';
const N = Number(process.argv[2] ?? 2000), USERS = process.argv[3] === 'users';
const { db, close } = await openTestDb('pglite');
const ev = (await db.query(`insert into public.events (slug, name, venue, starts_at, max_seats_per_user) values ('ezz','E','V', now(), 100) returning id`)).rows[0].id;
await db.query(`insert into public.seats (event_id, section, row_label, number, x, y, category, price_cents) select $1, 'A', 'R', g, g, 0, 'std', 100 from generate_series(1, 2000) g`, [ev]);
const seats = (await db.query(`select id from public.seats where event_id = $1 order by id`, [ev])).rows.map(r => r.id);
const srv = await startRealtimeServer(db);
const clients: RawClient[] = [];
let received = 0;
const t0 = Date.now();
for (let i = 0; i < N; i++) {
  const c = await RawClient.connect(srv.url, { apikey: LOCAL_PUBLISHABLE_KEY, vsn: '2.0.0' });
  const tok = USERS ? userToken(crypto.randomUUID()) : undefined;
  c.send(['1', '1', `realtime:event-${ev}`, 'phx_join', { config: { broadcast: {}, presence: { enabled: false }, postgres_changes: [{ event: '*', schema: 'public', table: 'bookings', filter: `event_id=eq.${ev}` }], private: false }, ...(tok ? { access_token: tok } : {}) }]);
  c.ws.on('message', () => received++);
  clients.push(c);
}
await new Promise(r => { const t = setInterval(() => { if (received >= 2 * N) { clearInterval(t); r(null); } }, 20); });
console.log('joined', N, 'in', Date.now() - t0, 'ms');
received = 0;
const users = [];
for (let i = 0; i < 100; i++) users.push(await createUser(db));
const t1 = Date.now();
const CH = 200;
for (let i = 0; i < CH; i++) {
  await db.transaction(async (tx) => {
    await tx.query(`select set_config('role','authenticated',true), set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: users[i % 100], role: 'authenticated' })]);
    await tx.query('insert into public.bookings (event_id, seat_id) values ($1, $2)', [ev, seats[i]]);
  });
  const target = t1 + (i + 1) * 10; const d = target - Date.now(); if (d > 0) await new Promise(r => setTimeout(r, d));
}
const tw = Date.now();
await new Promise(r => { const t = setInterval(() => { if (received >= CH * N || Date.now() - tw > 30000) { clearInterval(t); r(null); } }, 20); });
console.log('writes took', tw - t1, 'ms; delivered', received, '/', CH * N, 'all done after', Date.now() - t1, 'ms');
for (const c of clients) c.close();
await srv.close(); await close();
