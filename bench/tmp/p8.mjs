import { Session } from "node:inspector/promises";
import { writeFileSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
const require = createRequire("/work/wt/speed/bench/lib/goals.mjs");
const { wpFeed } = await import("/work/wt/speed/bench/lib/wp-feed.mjs");
const dir = "/tmp/cf2";
const { openCrier } = await import("/work/wt/speed/dist/src/services/open.js");
const { adapters } = await import("/work/wt/speed/dist/adapters/index.js");
const pino = require("pino");
const crier = await openCrier({ configPath: path.join(dir, "crier.yaml"), env: {}, adapters, mode: "write", logDestination: pino.destination(path.join(dir, "crier2.log")) });
const T0 = Date.UTC(2024, 0, 1), HOUR = 3600000;
let head = 60, build = 0;
const write = () => [0,1,2,3].forEach((k) => writeFileSync(path.join(dir, `feed-${k}.xml`), wpFeed({ base: `https://site${k}.changed.example`, head, items: 50, bodyBytes: 5600, lastModifiedMs: T0 + head * HOUR + build * 1000, pubMs: (id) => T0 + id * HOUR })));
write(); await crier.intake.pollFeeds();
const s = new Session(); s.connect(); await s.post("Profiler.enable"); await s.post("Profiler.setSamplingInterval", { interval: 100 });
let started = false;
for (let r = 0; r < 30; r++) {
  head++; write();
  if (r === 5) { await s.post("Profiler.start"); started = true; }
  const c = process.cpuUsage();
  await crier.intake.pollFeeds();
  const d = process.cpuUsage(c);
  if (r > 25) console.log(((d.user + d.system) / 4000).toFixed(2));
}
const { profile } = await s.post("Profiler.stop");
await crier.close();
const p = profile;
const byId = new Map(p.nodes.map(n=>[n.id,n])); const parent = new Map(); p.nodes.forEach(n=>(n.children||[]).forEach(c=>parent.set(c,n.id)));
const self={}, total={}; const dt=p.timeDeltas;
const key = (m) => m.callFrame.functionName+" "+m.callFrame.url.split("/").slice(-2).join("/")+":"+m.callFrame.lineNumber;
p.samples.forEach((sm,i)=>{ const n=byId.get(sm); self[key(n)]=(self[key(n)]||0)+(dt[i]||0); const seen=new Set(); let id=sm; while(id){const m=byId.get(id); const k=key(m); if(!seen.has(k)){seen.add(k); total[k]=(total[k]||0)+(dt[i]||0);} id=parent.get(id);} });
const tot = dt.reduce((a,b)=>a+b,0);
console.log("SELF"); Object.entries(self).sort((a,b)=>b[1]-a[1]).slice(0,20).forEach(([k,v])=>console.log((v/tot*100).toFixed(1)+"%",k));
console.log("TOTAL"); Object.entries(total).filter(([k])=>!/^\(|^ :|node:/.test(k)).sort((a,b)=>b[1]-a[1]).slice(0,30).forEach(([k,v])=>console.log((v/tot*100).toFixed(1)+"%",k));
