// A running `crier run`'s max RSS over five consecutive 304 cycles (the goals scenario's row,
// bench/lib/goals.mjs `runningCrier`), for several builds side by side, interleaved rep by rep
// (build A, build B, A, B, ...) on one feed server: ratios measured in the same run.
//
//   node bench/memory-compare.mjs --roots=/path/to/main,. --ns=1000,10000 --reps=3 [--split]
//
// --split: each `crier run` also loads bench/lib/memory-probe.mjs (through NODE_OPTIONS, a
// diagnostic of this script only), which reports process.memoryUsage() at the first sample and at
// the max-RSS sample: heap used, external + array buffers, and the rest (code, SQLite, malloc).
import { fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { control } from "./lib/common.mjs";
import { runningCrier, stats } from "./lib/goals.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const flag = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const roots = flag("roots", path.dirname(HERE)).split(",").map((r) => path.resolve(r));
const ns = flag("ns", "1000,10000").split(",").map(Number);
const reps = Number(flag("reps", "3"));
const split = process.argv.includes("--split");
const tmp = mkdtempSync(path.join(os.tmpdir(), "crier-memcmp-"));

const server = await new Promise((resolve, reject) => {
  const child = fork(path.join(HERE, "lib/feed-server.mjs"), [JSON.stringify({ ports: 100, groups: { wp: { count: Math.max(...ns), items: 10, bodyBytes: 5000 } }, maxLifetimeMs: 3 * 3_600_000 })], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const timer = setTimeout(() => reject(new Error("feed server did not start")), 20_000);
  child.once("message", (m) => (clearTimeout(timer), resolve({ child, control: m.control })));
  child.once("exit", (code) => reject(new Error(`feed server exited (${code})`)));
});
const mb = (b) => (b / 1024 / 1024).toFixed(1);
const results = {}; // `${n} ${root}` -> [maxRssMb]
const splits = {};
try {
  for (const n of ns) {
    const urls = (await control(server.control, `/manifest?group=wp&n=${n}`)).map((f) => f.url);
    const requests = async () => (await control(server.control, "/stats")).requests;
    for (let r = 0; r < reps; r++) {
      for (const root of roots) {
        const probeFile = path.join(tmp, `probe-${n}-${r}-${roots.indexOf(root)}.json`);
        const saved = process.env.NODE_OPTIONS;
        if (split) process.env.NODE_OPTIONS = `${saved ?? ""} --import=${path.join(HERE, "lib/memory-probe.mjs")}`;
        process.env.CRIER_MEMORY_PROBE = probeFile;
        try {
          const out = await runningCrier({ root, dir: path.join(tmp, `run-${n}`), urls, destinations: 3, everyS: n >= 10000 ? 10 : 4, cycles: 5, requests, limitMs: 15 * 60_000 });
          (results[`${n} ${root}`] ??= []).push(out.maxRssMb);
          process.stderr.write(`n=${n} rep ${r + 1} ${root}: max RSS ${out.maxRssMb.toFixed(1)} MB (first cycle ${out.firstCycleMaxRssMb.toFixed(1)}), cycle CPU median ${out.perCycleCpu.median.toFixed(0)} ms\n`);
        } finally {
          if (saved === undefined) delete process.env.NODE_OPTIONS;
          else process.env.NODE_OPTIONS = saved;
        }
        // The probe writes its file on SIGTERM; the run ends with one.
        for (let t = 0; split && !existsSync(probeFile) && t < 50; t++) await new Promise((res) => setTimeout(res, 100));
        if (split && existsSync(probeFile)) (splits[`${n} ${root}`] ??= []).push(JSON.parse(readFileSync(probeFile, "utf8")));
      }
    }
  }
} finally {
  server.child.kill("SIGTERM");
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
for (const [key, v] of Object.entries(results)) {
  const s = stats(v);
  console.log(`${key}: max RSS MB over 5 cycles min ${s.min.toFixed(1)} median ${s.median.toFixed(1)} max ${s.max.toFixed(1)} (${v.map((x) => x.toFixed(1)).join(", ")})`);
}
for (const [key, v] of Object.entries(splits)) {
  for (const p of v) {
    const line = (u) => `rss ${mb(u.rss)} heapUsed ${mb(u.heapUsed)} heapTotal ${mb(u.heapTotal)} external ${mb(u.external)} (arrayBuffers ${mb(u.arrayBuffers)}) rest ${mb(u.rss - u.heapTotal - u.external)}`;
    console.log(`${key}\n  first sample:  ${line(p.first)}\n  at max RSS:    ${line(p.max)}`);
    console.log(`  V8 spaces at max RSS (MB size/used): ${Object.entries(p.max.spaces ?? {}).map(([k, [size, used]]) => `${k} ${mb(size)}/${mb(used)}`).join(", ")}`);
  }
}
