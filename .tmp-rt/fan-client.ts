import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
const N = Number(process.argv[2] ?? 2000); const CH = Number(process.env.CH ?? 500);
const child = fork('/work/main/.tmp-rt/fan-server.ts', { stdio: 'inherit' });
await new Promise(r => child.once('message', r));
const { url, ev } = JSON.parse(readFileSync('/tmp/rt/port', 'utf8'));
let received = 0; let joined = 0; const socks: WebSocket[] = [];
for (let i = 0; i < N; i++) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/realtime/v1/websocket?apikey=sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH&vsn=2.0.0`);
  ws.on('open', () => ws.send(JSON.stringify(['1', '1', `realtime:event-${ev}`, 'phx_join', { config: { broadcast: {}, presence: { enabled: false }, postgres_changes: [{ event: '*', schema: 'public', table: 'bookings', filter: `event_id=eq.${ev}` }], private: false } }])));
  ws.on('message', (d) => { const s = d.toString(); if (s.includes('"system"')) joined++; else if (s.includes('postgres_changes"')) received++; });
  socks.push(ws);
  if (i % 200 === 199) await new Promise(r => setTimeout(r, 50));
}
while (joined < N) await new Promise(r => setTimeout(r, 50));
console.log('joined', N);
const t1 = Date.now();
child.send('go');
const res: any = await new Promise(r => child.once('message', r));
while (received < CH * N && Date.now() - t1 < 60000) await new Promise(r => setTimeout(r, 20));
console.log('server', res, 'delivered', received, '/', CH * N, 'in', Date.now() - t1, 'ms');
for (const s of socks) s.terminate();
child.kill();
