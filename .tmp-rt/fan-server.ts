import { openTestDb } from '/work/main/backend/src/db/testing.ts';
import { startRealtimeServer, createUser } from '/work/main/backend/src/realtime/testing.ts';
import { writeFileSync } from 'node:fs';
const { db, close } = await openTestDb('pglite');
const ev = (await db.query(`insert into public.events (slug, name, venue, starts_at, max_seats_per_user) values ('ezz','E','V', now(), 100) returning id`)).rows[0].id;
await db.query(`insert into public.seats (event_id, section, row_label, number, x, y, category, price_cents) select $1, 'A', 'R', g, g, 0, 'std', 100 from generate_series(1, 3000) g`, [ev]);
const seats = (await db.query(`select id from public.seats where event_id = $1 order by id`, [ev])).rows.map(r => r.id);
const users = []; for (let i = 0; i < 200; i++) users.push(await createUser(db));
const srv = await startRealtimeServer(db);
writeFileSync('/tmp/rt/port', JSON.stringify({ url: srv.url, ev }));
process.on('message', async (m) => {
  if (m !== 'go') return;
  const t1 = Date.now(); const CH = Number(process.env.CH ?? 500);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < CH; i++) {
    await db.transaction(async (tx) => {
      await tx.query(`select set_config('role','authenticated',true), set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: users[i % 200], role: 'authenticated' })]);
      await tx.query('insert into public.bookings (event_id, seat_id) values ($1, $2)', [ev, seats[i]]);
    });
    const d = t1 + (i + 1) * 10 - Date.now(); if (d > 0) await new Promise(r => setTimeout(r, d));
  }
  const cpu = process.cpuUsage(cpu0);
  process.send!({ writesMs: Date.now() - t1, cpuMs: (cpu.user + cpu.system) / 1000 });
});
process.send!('ready');
