#!/usr/bin/env node
// `npm run soak`: a long-running `crier run` (the built CLI) over many feeds on the bench's loopback
// feed server, each feed polled every --interval minutes, --change of the feeds getting one new
// item per interval (published evenly through it). After the first cycle (which seeds every feed
// and is not counted), it samples the process for --minutes: CPU % of one core (from /proc), RSS
// (peak and mean), the SQLite file's growth (crier.db + WAL) scaled to a day, posts written.
// Writes bench/SOAK.md (included in RESULTS.md by the next `npm run bench`) and prints it.
//   --feeds=100000 --minutes=30 --interval=10 --change=0.01 --body=5000 --keep
//   --cpu-prof=DIR: `crier run` writes a CPU profile into DIR when it stops (its whole life, seeding included)
//   --seed-cache=FILE: reuse a seeded store (the first cycle at 100,000 feeds takes ~35 min): when FILE
//     exists it is copied in and the first cycle is a restart's catch-up (304s); otherwise the store is
//     snapshotted into FILE right after seeding (VACUUM INTO, before any item is published). Feeds'
//     bodies and validators do not depend on the server's ports, so a seed fits any run of the same
//     --feeds and --body.
// Everything is on 127.0.0.1. Not part of `npm run bench` or CI.
import { fork, spawn } from "node:child_process";
import { closeSync, copyFileSync, existsSync, mkdtempSync, renameSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { control, sleep } from "./lib/common.mjs";
import { procCpuMs } from "./lib/goals.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(HERE);
const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const hit = argv.find((a) => a.startsWith(`--${name}=`)) ?? (argv.includes(`--${name}`) ? `--${name}=${argv[argv.indexOf(`--${name}`) + 1]}` : null);
  return hit ? Number(hit.split("=")[1]) : fallback;
};
const FEEDS = opt("feeds", 100_000);
const MINUTES = opt("minutes", 30);
const INTERVAL_MIN = opt("interval", 10);
const CHANGE = opt("change", 0.01);
const BODY = opt("body", 5000);
const KEEP = argv.includes("--keep");
const CPU_PROF = argv.find((a) => a.startsWith("--cpu-prof="))?.slice("--cpu-prof=".length) ?? null;
const SEED = argv.find((a) => a.startsWith("--seed-cache="))?.slice("--seed-cache=".length) ?? null;
const SEEDED = SEED !== null && existsSync(SEED);
const started = Date.now();
const log = (...a) => process.stderr.write(`[soak ${((Date.now() - started) / 1000).toFixed(0).padStart(5)}s] ${a.join(" ")}\n`);
const tmp = mkdtempSync(path.join(os.tmpdir(), "crier-soak-"));
const LOAD_AT_START = os.loadavg().map((x) => x.toFixed(2)).join(" ");

function startServer() {
  const errFd = openSync(path.join(tmp, "feed-server.stderr"), "w");
  const child = fork(path.join(HERE, "lib/feed-server.mjs"), [JSON.stringify({ ports: 100, groups: { soak: { count: FEEDS, items: 10, bodyBytes: BODY } }, maxLifetimeMs: (MINUTES + 3 * INTERVAL_MIN + 60) * 60_000 })], {
    stdio: ["ignore", "ignore", errFd, "ipc"],
  });
  closeSync(errFd);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("feed server did not start")), 60_000);
    child.once("message", (m) => {
      clearTimeout(timer);
      resolve({ child, control: m.control });
    });
    child.once("exit", (code) => reject(new Error(`feed server exited (${code})`)));
  });
}

/** A /proc status field in MB: VmRSS now, VmHWM the process's peak since it started. */
function rssMb(pid, field = "VmRSS") {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

/** Rows of the tables that grow with new items (read-only, beside the running process: SQLite's WAL allows it). */
function rowCounts(dir) {
  const Database = createRequire(import.meta.url)("better-sqlite3");
  const db = new Database(path.join(dir, "crier.db"), { readonly: true, fileMustExist: true });
  try {
    const count = (table) => db.prepare(`SELECT count(*) AS n FROM ${table}`).get().n;
    return { items: count("items"), deliveries: count("deliveries") };
  } finally {
    db.close();
  }
}

const dbBytes = (dir) => ["crier.db", "crier.db-wal"].reduce((sum, f) => sum + (existsSync(path.join(dir, f)) ? statSync(path.join(dir, f)).size : 0), 0);

let server = null;
let crier = null;
let publisher = null;
// Interrupted (Ctrl-C, kill): no child outlives the soak, and its copy of the store goes with it.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    if (crier && crier.exitCode === null) crier.kill("SIGKILL");
    if (server && server.child.exitCode === null) server.child.kill("SIGKILL");
    if (!KEEP) rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
}
try {
  server = await startServer();
  const urls = (await control(server.control, `/manifest?group=soak&n=${FEEDS}`)).map((f) => f.url);
  const dir = path.join(tmp, "crier");
  const spreadMs = Math.round(INTERVAL_MIN * 60_000 * 0.9);
  const lines = [
    "storage: { path: crier.db }",
    "logLevel: warn",
    "images: { enabled: false }",
    `polling: { spread: 0.9, maxSpreadMs: ${spreadMs} }`,
    "feeds:",
    ...urls.map((u, k) => `  - { id: f${k}, url: ${JSON.stringify(u)}, schedule: "*/${INTERVAL_MIN} * * * *", image: { fromArticlePage: false } }`),
    "destinations:",
    "  - { id: out, platform: console, output: stderr, file: posts.jsonl }",
    "routes:",
    ...urls.map((_, k) => `  - { feed: f${k}, to: [out] }`),
    "",
  ];
  (await import("node:fs")).mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "crier.yaml"), lines.join("\n"));
  if (SEEDED) copyFileSync(SEED, path.join(dir, "crier.db"));
  log(`${FEEDS} feeds, every ${INTERVAL_MIN} min, ${(CHANGE * 100).toFixed(2)} % changing per interval; dir ${dir}`);
  const errFd = openSync(path.join(dir, "crier.stderr"), "w");
  crier = spawn(process.execPath, [...(CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(CPU_PROF)] : []), path.join(ROOT, "dist/src/cli.js"), "-c", path.join(dir, "crier.yaml"), "run"], { cwd: dir, stdio: ["ignore", "ignore", errFd] });
  closeSync(errFd);
  const pid = crier.pid;
  // The first cycle: every feed fetched (200) and seeded — or, over a seeded store, a restart's
  // catch-up (every feed polled at once, 304s). Not counted.
  const seedStart = Date.now();
  for (;;) {
    if (crier.exitCode !== null) throw new Error(`crier run exited ${crier.exitCode}: ${readFileSync(path.join(dir, "crier.stderr"), "utf8").slice(-800)}`);
    const s = await control(server.control, "/stats");
    if ((SEEDED ? s.s200 + s.s304 : s.s200) >= FEEDS) break;
    await sleep(1000);
  }
  const seedCpu = procCpuMs(pid);
  const seedS = (Date.now() - seedStart) / 1000;
  log(`first cycle (${SEEDED ? "catch-up over the seeded store" : "seeding"}) done in ${seedS.toFixed(0)} s, ${(seedCpu / 1000).toFixed(0)} s CPU`);
  await sleep(5_000); // its last writes
  if (SEED && !SEEDED) {
    const Database = createRequire(import.meta.url)("better-sqlite3");
    const db = new Database(path.join(dir, "crier.db"), { readonly: true, fileMustExist: true });
    try {
      db.exec(`VACUUM INTO '${SEED}.part'`);
    } finally {
      db.close();
    }
    renameSync(`${SEED}.part`, SEED);
    log(`seeded store saved to ${SEED}`);
  }
  // The window holds whole intervals: it starts at the schedule's next tick (`*/INTERVAL`), not in the
  // idle gap between the first cycle and that tick, which would flatter the CPU figure.
  const intervalMs = INTERVAL_MIN * 60_000;
  const tick = Math.ceil(Date.now() / intervalMs) * intervalMs;
  log(`waiting ${((tick - Date.now()) / 1000).toFixed(0)} s for the schedule's next tick`);
  while (Date.now() < tick) {
    if (crier.exitCode !== null) throw new Error(`crier run exited ${crier.exitCode}: ${readFileSync(path.join(dir, "crier.stderr"), "utf8").slice(-800)}`);
    await sleep(Math.min(1000, tick - Date.now()));
  }
  // One new item on CHANGE of the feeds per interval, evenly spread, rotating through the feeds.
  const perInterval = Math.max(1, Math.round(FEEDS * CHANGE));
  let next = 0;
  let published = 0;
  publisher = setInterval(() => {
    const i = next;
    next = (next + Math.max(1, Math.floor(FEEDS / perInterval))) % FEEDS;
    published++;
    control(server.control, `/publish?group=soak&i=${i}`, "POST").catch(() => undefined);
  }, (INTERVAL_MIN * 60_000) / perInterval);
  const t0 = Date.now();
  const cpu0 = procCpuMs(pid);
  const db0 = dbBytes(dir);
  const rows0 = rowCounts(dir);
  const stats0 = await control(server.control, "/stats");
  const rss = [];
  const end = t0 + MINUTES * 60_000;
  while (Date.now() < end) {
    if (crier.exitCode !== null) throw new Error(`crier run exited ${crier.exitCode}: ${readFileSync(path.join(dir, "crier.stderr"), "utf8").slice(-800)}`);
    rss.push(rssMb(pid));
    await sleep(1000);
  }
  const wallMs = Date.now() - t0;
  const cpuMs = procCpuMs(pid) - cpu0;
  const lifePeak = rssMb(pid, "VmHWM"); // start-up (config load) and catch-up included
  const db1 = dbBytes(dir);
  const rows1 = rowCounts(dir);
  const rowsPerDay = (rows1.items + rows1.deliveries - rows0.items - rows0.deliveries) * (86_400_000 / (Date.now() - t0));
  const bytesPerRow = db0 / Math.max(1, rows0.items + rows0.deliveries);
  const stats1 = await control(server.control, "/stats");
  const posts = existsSync(path.join(dir, "posts.jsonl")) ? readFileSync(path.join(dir, "posts.jsonl"), "utf8").split("\n").filter(Boolean).length : 0;
  const dayFactor = 86_400_000 / wallMs;
  const m = (x) => x.toFixed(1);
  const result = [
    "## Soak (`npm run soak`)",
    "",
    `Last run: ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} cores; load average before ${LOAD_AT_START}, after ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}.`,
    `Settings: ${FEEDS.toLocaleString("en-US")} feeds (WordPress-shaped, 10 items, ~${BODY} B bodies) on the loopback feed server, each polled every ${INTERVAL_MIN} min (spread over 90 % of it), one console destination; ${perInterval} feeds (${(CHANGE * 100).toFixed(2)} %) get one new item per interval. **Measured window: ${m(wallMs / 60_000)} min** from the schedule's first tick after the first cycle (${SEEDED ? "a restart's catch-up, every feed polled at once, over a store seeded by an earlier run (`--seed-cache`)" : "seeding"}), which took ${seedS.toFixed(0)} s and ${(seedCpu / 1000).toFixed(0)} s of CPU and is not counted.`,
    "",
    "| figure | value |",
    "|---|---|",
    `| CPU, % of one core (mean over the window) | ${((cpuMs / wallMs) * 100).toFixed(2)} % |`,
    `| RSS peak / mean, MB | ${m(Math.max(...rss))} / ${m(rss.reduce((a, b) => a + b, 0) / rss.length)} |`,
    `| RSS peak of the whole process (VmHWM: start-up, config load and catch-up included) | ${m(lifePeak)} MB |`,
    `| feed requests in the window (200 / 304) | ${(stats1.s200 - stats0.s200).toLocaleString("en-US")} / ${(stats1.s304 - stats0.s304).toLocaleString("en-US")} |`,
    `| items published / posts written (all, seeding included) | ${published} / ${posts} |`,
    `| SQLite file (db + WAL) at start / end of window | ${m(db0 / 1e6)} MB / ${m(db1 / 1e6)} MB |`,
    `| growth per day at this rate, by file size (coarse: SQLite grows its file in pages and reuses free ones) | ${m(((db1 - db0) * dayFactor) / 1e6)} MB |`,
    `| rows added in the window (items + deliveries) → per day; estimated growth per day at ${m(bytesPerRow)} B a row (the file's bytes per row at the window's start) | ${rows1.items + rows1.deliveries - rows0.items - rows0.deliveries} → ${Math.round(rowsPerDay).toLocaleString("en-US")}; ${m((rowsPerDay * bytesPerRow) / 1e6)} MB |`,
    "",
    "Retention (`retention`, default) prunes items that have left their feed and old finished deliveries: with 10 items a feed, each new item pushes an old one out, so the file stops growing once the oldest rows reach retention's ages (an item 30 days after it left its feed, a finished delivery after 90 days, by default) and pruned space is reused; the window above is far shorter than that, so its growth per day is what the file grows by until then.",
    "",
    `Goals (issue 17, at 100,000 feeds over 30 min): CPU under 5 % of one core, peak under 300 MB (the window's and the whole process's). ${FEEDS === 100_000 && MINUTES >= 30 ? "" : `This run used ${FEEDS.toLocaleString("en-US")} feeds for ${m(wallMs / 60_000)} min: it does not prove them.`}`,
    "",
  ].join("\n");
  process.stdout.write(`${result}\n`);
  writeFileSync(path.join(HERE, "SOAK.md"), `${result}\n`);
  log("wrote bench/SOAK.md");
} catch (err) {
  log(`soak failed: ${err?.stack ?? err}`);
  process.exitCode = 1;
} finally {
  if (publisher) clearInterval(publisher);
  if (crier && crier.exitCode === null) {
    crier.kill("SIGTERM");
    await Promise.race([new Promise((r) => crier.once("exit", r)), sleep(15_000)]);
    if (crier.exitCode === null) crier.kill("SIGKILL");
  }
  if (server) {
    if (server.child.connected) server.child.send("exit");
    setTimeout(() => server.child.exitCode === null && server.child.kill("SIGKILL"), 2_000).unref();
  }
  if (!KEEP) rmSync(tmp, { recursive: true, force: true });
}
