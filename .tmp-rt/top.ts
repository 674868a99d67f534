import { readFileSync, readdirSync } from 'node:fs';
const dir = '/work/main/.tmp-rt/prof'; const f = readdirSync(dir)[0];
const p = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'));
const self = new Map<number, number>(); const dt = p.timeDeltas; 
for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (dt[i] ?? 0));
const agg = new Map<string, number>(); let total = 0;
for (const n of p.nodes) { const t = self.get(n.id) ?? 0; total += t; const cf = n.callFrame; const k = `${cf.functionName || '(anon)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber}`; agg.set(k, (agg.get(k) ?? 0) + t); }
const byFile = new Map<string, number>();
for (const n of p.nodes) { const t = self.get(n.id) ?? 0; const u = n.callFrame.url.split('/').slice(-2).join('/') || n.callFrame.functionName; byFile.set(u, (byFile.get(u) ?? 0) + t); }
console.log('total ms', total / 1000);
console.log([...agg].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(7)} ${k}`).join('\n'));
console.log('--- by file'); console.log([...byFile].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(7)} ${k}`).join('\n'));
