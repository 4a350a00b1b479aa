#!/usr/bin/env node
// Crier's benchmark harness: `npm run bench` (full, ~8-10 min on 2 cores) or `npm run bench -- --smoke`
// (tiny sizes, under two minutes). Everything talks to 127.0.0.1 only: a feed server in its own
// child process, each scenario in its own child process. Prints a table and overwrites
// bench/RESULTS.md (a full run; --smoke writes RESULTS.smoke.md, --only/--ns/--cpu-prof/
// --profile-cycle/--crier-node-flags RESULTS.partial.md, both git-ignored). Options:
//   --smoke              tiny sizes, one repetition
//   --reps=N             repetitions per measured scenario (default 3; smoke 1)
//   --only=a,b           only these sections: goals, steady, peers, memory, new-items, spread, websub, latency
//   --cpu-prof=TEXT      run the children whose label contains TEXT with --cpu-prof (into bench/profiles/)
//   --ns=1000,10000      steady-state, scheduler and spread sizes (default: 1,000 and 10,000; smoke 100)
//   --profile-cycle=TEXT profile the last poll cycle of the Crier children whose label contains TEXT
//                        (inspector, into bench/profiles/)
//   --keep               keep the temp dir (configs, stores, logs, child stderr)
//   --crier-node-flags="--a --b"  extra Node flags for the children that run Crier (try V8 settings)
//   --baseline=DIR       steady section: also run the Crier built in DIR (its dist/, e.g. main's, with
//                        node_modules beside it) in each repetition, interleaved with the floor and this build
import { fork, spawnSync } from "node:child_process";
import { closeSync, copyFileSync, cpSync, existsSync, mkdtempSync, mkdirSync, openSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeCrierConfig } from "./lib/crier-config.mjs";
import { control, sleep } from "./lib/common.mjs";
import { runningCrier, startupGoals, stats } from "./lib/goals.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (name) => argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const flagValue = (name) => flag(name)?.split("=").slice(1).join("=");
const SMOKE = !!flag("smoke");
const REPS = Number(flagValue("reps") ?? (SMOKE ? 1 : 3));
const ONLY = flagValue("only")?.split(",") ?? null;
const PROF = flagValue("cpu-prof") ?? null;
const KEEP = !!flag("keep");
// Extra Node flags for the children that run Crier (labels starting "crier" or "peer-crier"), to
// try V8 settings side by side with the defaults, e.g. --crier-node-flags=--max-semi-space-size=2
const CRIER_NODE_FLAGS = flagValue("crier-node-flags")?.split(" ").filter(Boolean) ?? [];
const BASELINE = flagValue("baseline") ? path.resolve(flagValue("baseline")) : null;

// spread: [feeds, cron period in s] per run (polling.spread 0.5: the window is half the period).
const S = SMOKE
  ? { ns: [100], schedNs: [100], peersN: 100, memN: 1000, newFeeds: 10, newPer: 10, latPubs: 2, subFeeds: 2, subPubs: 5, spread: [[100, 4]], childMs: 90_000, totalMs: 300_000 }
  : { ns: [1000, 10000], schedNs: [1000, 10000], peersN: 1000, memN: 10000, newFeeds: 100, newPer: 10, latPubs: 8, subFeeds: 10, subPubs: 100, spread: [[1000, 10], [10000, 20]], childMs: 420_000, totalMs: 30 * 60_000 };
if (flagValue("ns")) {
  S.ns = flagValue("ns").split(",").map(Number);
  S.schedNs = S.schedNs.filter((n) => S.ns.includes(n));
  S.spread = S.spread.filter(([n]) => S.ns.includes(n));
}
// Configs of the scenarios driven by the Scheduler: maintenance (retention.schedule) never runs
// inside a measured window.
const NO_MAINTENANCE = { schedule: "0 0 1 1 *" };
const BODY_BYTES = 5000; // content:encoded per item, as the synthetic WordPress generator's default
const started = Date.now();
const LOAD_AT_START = os.loadavg().map((x) => x.toFixed(2)).join(" ");
const tmp = mkdtempSync(path.join(os.tmpdir(), "crier-bench-"));
const section = (name) => !ONLY || ONLY.includes(name);
const log = (...a) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${a.join(" ")}\n`);

// ---- processes --------------------------------------------------------------------------------
let server = null;

let hub = null; // the loopback WebSub hub (test/loopback/websub-hub.ts, compiled at start), in this process

/**
 * Compiles the repo's loopback WebSub hub (TypeScript) into the run's temp dir with the repo's own
 * TypeScript, and starts it here (127.0.0.1, a free port). Not copied, not rewritten: compiled.
 */
async function startHub() {
  const project = path.dirname(HERE);
  const out = path.join(tmp, "hub");
  const tsc = spawnSync(
    process.execPath,
    [path.join(project, "node_modules/typescript/bin/tsc"), path.join(project, "test/loopback/websub-hub.ts"), "--outDir", out, "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--skipLibCheck", "--types", "node"],
    { cwd: project, timeout: 120_000, encoding: "utf8" },
  );
  const js = path.join(out, "websub-hub.js");
  if (!existsSync(js)) throw new Error(`could not compile test/loopback/websub-hub.ts: ${(tsc.stdout || tsc.stderr || String(tsc.status)).split("\n")[0]}`);
  if (tsc.status !== 0) log(`tsc reported problems in websub-hub.ts (compiled anyway): ${(tsc.stdout || "").split("\n")[0]}`);
  writeFileSync(path.join(out, "package.json"), '{ "type": "module" }\n');
  const { startWebSubHub } = await import(pathToFileURL(js).href);
  return startWebSubHub({});
}

function startServer() {
  const groups = {
    wp: { count: Math.max(...S.ns, S.peersN, S.memN, ...S.spread.map(([n]) => n)), items: 10, bodyBytes: BODY_BYTES },
    new: { count: S.newFeeds, items: 30, bodyBytes: BODY_BYTES },
    lat: { count: 1, items: 10, bodyBytes: BODY_BYTES },
    // latency via WebSub: feeds that name the hub (rel="hub") and their own URL (rel="self")
    ...(hub ? { sub: { count: S.subFeeds, items: 10, bodyBytes: BODY_BYTES, hub: hub.url } } : {}),
  };
  const errFd = openSync(path.join(tmp, "feed-server.stderr"), "w");
  const child = fork(path.join(HERE, "lib/feed-server.mjs"), [JSON.stringify({ ports: 100, groups, maxLifetimeMs: S.totalMs + 60_000 })], {
    stdio: ["ignore", "ignore", errFd, "ipc"],
  });
  closeSync(errFd);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("feed server did not start")), 20_000);
    child.once("message", (m) => {
      clearTimeout(timer);
      resolve({ child, ports: m.ports, control: m.control });
    });
    child.once("exit", (code) => reject(new Error(`feed server exited (${code})`)));
  });
}

function stopServer() {
  if (!server) return;
  const { child } = server;
  server = null;
  if (child.exitCode === null && child.connected) child.send("exit");
  setTimeout(() => child.exitCode === null && child.kill("SIGKILL"), 2_000).unref();
}

/**
 * A snapshot of the freshly built dist/ in the temp dir (with the project's package.json and a link
 * to its node_modules), so that another process rebuilding dist/ during the run (npm test does)
 * cannot pull the code from under the children. Checked by importing it; retried while a build
 * is half-written.
 */
async function snapshotCrier() {
  const project = path.dirname(HERE);
  const root = path.join(tmp, "crier");
  const entries = ["dist/src/services/open.js", "dist/adapters/index.js", "dist/src/scheduler/index.js", "dist/src/intake/fetch.js"];
  const probe = entries.map((e) => `await import(${JSON.stringify(pathToFileURL(path.join(root, e)).href)});`).join(" ");
  for (let attempt = 1; attempt <= 20; attempt++) {
    try {
      rmSync(root, { recursive: true, force: true });
      mkdirSync(root, { recursive: true });
      cpSync(path.join(project, "dist"), path.join(root, "dist"), { recursive: true });
      copyFileSync(path.join(project, "package.json"), path.join(root, "package.json"));
      symlinkSync(path.join(project, "node_modules"), path.join(root, "node_modules"), "dir");
      const check = spawnSync(process.execPath, ["--input-type=module", "-e", probe], { timeout: 60_000, encoding: "utf8" });
      if (check.status === 0) return root;
      log(`dist/ snapshot not importable yet (attempt ${attempt}): ${(check.stderr || "").split("\n").find((l) => /Error/.test(l)) ?? check.status}`);
    } catch (err) {
      log(`dist/ snapshot failed (attempt ${attempt}): ${err.message}`);
    }
    await new Promise((r) => setTimeout(r, 3_000));
  }
  throw new Error("could not take a working snapshot of dist/ (is `npm run build` failing?)");
}
let CRIER_ROOT = null;

let childSeq = 0;
let childFailures = 0;
/**
 * Runs one scenario child; resolves with its result, or { error }. `onEvent(message, child)`: the
 * child's messages that carry `event` (not its result), e.g. "ready" for an orchestrated scenario.
 */
function runChild(label, args, { onEvent, nodeFlags = [] } = {}) {
  const timeoutMs = Math.min(S.childMs, Math.max(10_000, S.totalMs - (Date.now() - started)));
  const id = `${String(++childSeq).padStart(2, "0")}-${label.replace(/[^A-Za-z0-9.-]+/g, "_")}`;
  const errPath = path.join(tmp, `${id}.stderr`);
  const errFd = openSync(errPath, "w");
  const execArgv = PROF && label.includes(PROF) ? ["--cpu-prof", "--cpu-prof-dir", path.join(HERE, "profiles"), "--cpu-prof-name", `${id}.cpuprofile`] : [];
  if (execArgv.length) mkdirSync(path.join(HERE, "profiles"), { recursive: true });
  execArgv.push(...CRIER_NODE_FLAGS); // every child alike: Crier, the floor and the peers
  execArgv.push(...nodeFlags);
  const child = fork(path.join(HERE, "lib/child.mjs"), [JSON.stringify({ crierRoot: CRIER_ROOT, ...args, limitMs: timeoutMs - 5_000 })], {
    stdio: ["ignore", "ignore", errFd, "ipc"],
    execArgv,
  });
  closeSync(errFd);
  const t0 = Date.now();
  return new Promise((resolve) => {
    let message = null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const events = [];
    child.on("message", (m) => {
      if (m && typeof m === "object" && "event" in m) events.push(Promise.resolve(onEvent?.(m, child)).catch((err) => log(`${label}: ${err?.stack ?? err}`)));
      else message = m;
    });
    child.on("exit", async (code, signal) => {
      clearTimeout(timer);
      await Promise.all(events);
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      if (message?.ok) {
        log(`${label}: ok (${secs}s)`);
        return resolve(message.value);
      }
      const tail = readFileSync(errPath, "utf8").split("\n").slice(-15).join("\n");
      const error = message?.error ?? `exited with ${code ?? signal}${timedOut ? ` (killed after ${timeoutMs} ms)` : ""}`;
      childFailures++;
      log(`${label}: FAILED (${secs}s): ${error.split("\n")[0]}\n${tail}`);
      resolve({ error: error.split("\n").slice(0, 4).join(" | ") });
    });
  });
}

// ---- statistics --------------------------------------------------------------------------------
const median = (xs) => {
  const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const ok = (runs) => runs.filter((r) => r && !r.error);
const med = (runs, get) => median(ok(runs).map((r) => {
  try {
    return get(r);
  } catch {
    return null;
  }
}));
const firstError = (runs) => runs.find((r) => r?.error)?.error ?? null;

// ---- scenarios ---------------------------------------------------------------------------------
const R = { goals: null, steady: [], peers: null, memory: null, newItems: null, spread: [], websub: null, latency: null, skipped: [] };

async function manifestUrls(group, n) {
  return (await control(server.control, `/manifest?group=${group}&n=${n}`)).map((f) => f.url);
}

function timeLeft(what) {
  if (Date.now() - started < S.totalMs) return true;
  R.skipped.push(what);
  log(`skipped ${what}: over the total time bound`);
  return false;
}

// A fresh process's first cycle (as `crier poll --once` from cron), a warm-up, then two warm cycles:
// with new connections (as `crier run` every few minutes: kept-alive connections have expired) and
// with kept-alive connections (short intervals; five back to back, their mean: child.mjs `repeated`).
const STEADY_CYCLES = ["fresh", "warmup", "new-conns", "kept-alive"];
const STEADY_SHOWN = { fresh: "fresh process, new conns", "new-conns": "warm, new conns", "kept-alive": "warm, kept-alive conns" };
const PROFILE_CYCLE = flagValue("profile-cycle") ?? null;
const profileArgs = (label) =>
  PROFILE_CYCLE && label.includes(PROFILE_CYCLE) ? (mkdirSync(path.join(HERE, "profiles"), { recursive: true }), { profileDir: path.join(HERE, "profiles"), profileName: label }) : {};

async function steady(n) {
  const urls = await manifestUrls("wp", n);
  // Three destinations per feed, the memory scenario's shape: at its size the two share one store.
  const dir = writeCrierConfig(path.join(tmp, `steady-${n}`), { urls, destinations: 3 });
  const entry = { n, dir, floor: [], crier: [], baseline: [], seed: null, scheduler: null };
  R.steady.push(entry);
  entry.seed = await runChild(`crier-seed-${n}`, { scenario: "crier-cycles", dir, control: server.control, cycles: ["seed"] });
  for (let r = 0; r < REPS && timeLeft(`steady ${n} rep ${r + 1}`); r++) {
    entry.floor.push(await runChild(`floor-${n}`, { scenario: "floor", control: server.control, group: "wp", n, cycles: STEADY_CYCLES, ...profileArgs(`floor-${n}`) }));
    entry.crier.push(await runChild(`crier-steady-${n}`, { scenario: "crier-cycles", dir, control: server.control, cycles: STEADY_CYCLES, ...profileArgs(`crier-steady-${n}`) }));
    if (BASELINE) entry.baseline.push(await runChild(`baseline-steady-${n}`, { scenario: "crier-cycles", dir, crierRoot: BASELINE, control: server.control, cycles: STEADY_CYCLES, ...profileArgs(`baseline-steady-${n}`) }));
  }
  if (S.schedNs.includes(n) && timeLeft(`scheduler ${n}`)) {
    // Same feeds and store; the tick polls every feed at once (no spread): the scheduler path's CPU.
    writeCrierConfig(dir, { urls, destinations: 3, file: "crier-scheduler.yaml", sections: { polling: { spread: 0 }, retention: NO_MAINTENANCE } });
    entry.scheduler = await runChild(`crier-scheduler-${n}`, { scenario: "crier-scheduler", dir, config: "crier-scheduler.yaml", control: server.control });
  }
}

/**
 * The issue's goals side by side, each figure the median of REPS (at least 3, smoke: 3 too, they
 * are quick) with min and max: changed feeds against bare rss-parser, start-up per command against
 * `node -e 0` and its import floor, a running `crier run`'s memory over five 304 cycles.
 */
async function goalsSection() {
  const reps = Math.max(3, REPS);
  const G = (R.goals = { reps });
  log("goals: changed feeds");
  // A round is a few ms of CPU, and one GC landing in it doubles it: 15 rounds give a median that holds.
  G.changed = await runChild("goals-changed-feed", { scenario: "changed-feed", dir: path.join(tmp, "changed"), feeds: SMOKE ? 4 : 10, rounds: SMOKE ? reps : Math.max(15, reps), destinations: 3 });
  log("goals: start-up per command");
  try {
    G.startup = await startupGoals({ project: path.dirname(HERE), root: CRIER_ROOT, dir: path.join(tmp, "startup"), reps: SMOKE ? 3 : Math.max(11, reps), smoke: SMOKE });
  } catch (err) {
    G.startup = { error: String(err?.message ?? err) };
    childFailures++;
  }
  G.running = [];
  for (const n of SMOKE ? [100] : [1000, 10000]) {
    if (!timeLeft(`goals: crier run ${n}`)) break;
    log(`goals: crier run, ${n} feeds x 3 destinations, five 304 cycles`);
    const urls = await manifestUrls("wp", n);
    const requests = async () => (await control(server.control, "/stats")).requests;
    try {
      G.running.push({ n, ...(await runningCrier({ root: CRIER_ROOT, dir: path.join(tmp, `running-${n}`), urls, destinations: 3, everyS: n >= 10000 ? 10 : 4, cycles: 5, requests, limitMs: S.childMs })) });
    } catch (err) {
      G.running.push({ n, error: String(err?.message ?? err) });
      childFailures++;
    }
  }
}

/** A seeded store of `n` feeds × 3 destinations: the steady-state one when there is one, else a new one. */
const seededDirs = new Map(); // n -> a store seeded here (when section 1–2 did not make one)
async function seededDir(n, label) {
  const shared = R.steady.find((e) => e.n === n && e.seed && !e.seed.error);
  if (shared) return { dir: shared.dir, urls: await manifestUrls("wp", n), seed: shared.seed, shared: true };
  if (seededDirs.has(n)) return { ...seededDirs.get(n), shared: true };
  const urls = await manifestUrls("wp", n);
  const dir = writeCrierConfig(path.join(tmp, `${label}-${n}`), { urls, destinations: 3 });
  const seed = await runChild(`crier-${label}-seed-${n}x3`, { scenario: "crier-cycles", dir, control: server.control, cycles: ["seed"] });
  if (!seed.error) seededDirs.set(n, { dir, urls, seed });
  return { dir, urls, seed, shared: false };
}

/** The spread of one schedule's polls over its interval (polling.spread 0.5). */
async function spread() {
  for (const [n, everySec] of S.spread) {
    if (!timeLeft(`spread ${n}`)) break;
    const entry = { n, everySec, run: null };
    R.spread.push(entry);
    const { dir, urls, seed } = await seededDir(n, "spread");
    if (seed?.error) {
      entry.run = { error: `seeding failed: ${seed.error}` };
      continue;
    }
    writeCrierConfig(dir, { urls, destinations: 3, file: "crier-spread.yaml", sections: { polling: { spread: 0.5 }, retention: NO_MAINTENANCE } });
    entry.run = await runChild(`crier-spread-${n}`, { scenario: "crier-spread", dir, config: "crier-spread.yaml", control: server.control, everySec });
  }
}

async function freePort() {
  const srv = net.createServer();
  await new Promise((resolve, reject) => (srv.once("error", reject), srv.listen(0, "127.0.0.1", resolve)));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/**
 * Latency via WebSub (6a): Crier in its own process as `crier run` (WebSub listener on a free
 * loopback port, the feeds' schedule a year away); the hub runs here. Each publication: a new item
 * on the feed server, then `hub.publish(topic)` (the hub fetches the topic and POSTs it, signed, to
 * Crier's callback); latency = the item's publication → its post in the console destination's file.
 */
async function websubLatency() {
  const n = S.subFeeds;
  R.websub = { feeds: n, publications: S.subPubs, run: null, samples: [], hubMs: [], failures: [], server: null };
  if (!hub) {
    R.websub.run = { error: R.websubHubError ?? "the loopback hub did not start" };
    return;
  }
  await control(server.control, "/reset-group?group=sub", "POST");
  const urls = await manifestUrls("sub", n);
  const port = await freePort();
  const dir = writeCrierConfig(path.join(tmp, "websub"), {
    urls,
    destinations: 1,
    schedule: "0 0 1 1 *", // the safety-net poll: never within the measurement
    sections: {
      polling: { spread: 0 },
      retention: NO_MAINTENANCE,
      network: { allowPrivateAddresses: true }, // the loopback hub is on 127.0.0.1
      publicListener: { url: `http://127.0.0.1:${port}`, listen: { host: "127.0.0.1", port } },
      websub: { secret: "bench-websub-master-key-0123456789" },
    },
  });
  const postsFile = path.join(dir, "posts-a.jsonl");
  const W = R.websub;
  const onEvent = async (m, child) => {
    if (m.event !== "ready") return;
    const alive = () => child.exitCode === null && child.signalCode === null;
    try {
      W.ready = m;
      // Every feed's subscription verified by the hub (Crier asked after its first poll).
      await hub.waitFor((h) => h.subscriptions().filter((x) => x.verified && urls.includes(x.topic)).length >= n || null, 30_000);
      child.send({ cmd: "go" });
      await control(server.control, "/reset", "POST");
      let size = existsSync(postsFile) ? statSync(postsFile).size : 0;
      for (let k = 0; k < S.subPubs && alive(); k++) {
        await sleep(100 + ((k * 137) % 400)); // not in step with anything
        const i = k % n;
        const pub = await control(server.control, `/publish?group=sub&i=${i}`, "POST");
        const called = Date.now();
        const results = await hub.publish(urls[i]);
        W.hubMs.push(Date.now() - called);
        if (!results.length || !results.every((r) => r.ok)) W.failures.push(`publication ${k}: ${JSON.stringify(results.map((r) => r.status || r.error))}`);
        let at = null;
        // Bounded: 2,000 checks of 5 ms = 10 s.
        for (let t = 0; t < 2_000 && at === null && alive(); t++) {
          const now = existsSync(postsFile) ? statSync(postsFile).size : 0;
          if (now !== size && readFileSync(postsFile, "utf8").includes(pub.link)) at = Date.now();
          else await sleep(5);
        }
        size = existsSync(postsFile) ? statSync(postsFile).size : 0;
        W.samples.push(at === null ? null : at - pub.publishedAt);
      }
      W.server = await control(server.control, "/stats");
    } catch (err) {
      // Not subscribed, or the hub or feed server failed: the scenario did not run (fails the run).
      W.failures.push(String(err?.message ?? err));
      W.broken = true;
      childFailures++;
    } finally {
      if (alive()) child.send({ cmd: "stop" });
    }
  };
  R.websub.run = await runChild("crier-websub", { scenario: "crier-websub", dir }, { onEvent });
}

const TOOLS = ["crier", "feedsub", "rss-feed-emitter", "naive"];
const PEER_CYCLES = ["cold", "steady", "steady-2"];
const PEER_SHOWN = { cold: "1 cold", steady: "2 unchanged", "steady-2": "3 unchanged (warm)" };
async function peers() {
  const n = S.peersN;
  const urls = await manifestUrls("wp", n);
  R.peers = { n, runs: Object.fromEntries(TOOLS.map((t) => [t, []])) };
  for (let r = 0; r < REPS && timeLeft(`peers rep ${r + 1}`); r++) {
    for (const tool of TOOLS) {
      const dir = tool === "crier" ? writeCrierConfig(path.join(tmp, `peer-crier-${r}`), { urls, destinations: 1 }) : undefined;
      const prof = tool === "crier" ? profileArgs(`peer-crier-${n}`) : {};
      R.peers.runs[tool].push(await runChild(`peer-${tool}-${n}`, { scenario: "peer", tool, dir, control: server.control, group: "wp", n, cycles: PEER_CYCLES, ...prof }));
    }
  }
}

async function memory() {
  const n = S.memN;
  const { dir, urls, seed, shared } = await seededDir(n, "memory");
  // The same store and feeds with V8 sizing its young generation itself (memory.youngGenerationMB: 0),
  // side by side with Crier's default cap: what the cap saves, and what it costs in CPU.
  writeCrierConfig(dir, { urls, destinations: 3, file: "crier-v8-young.yaml", sections: { memory: { youngGenerationMB: 0 } } });
  R.memory = { n, destinations: 3, seed, seedNoSizeMode: null, steady: [], v8Young: [], sharedSeed: shared };
  // The first cycle again on an empty store without V8's size mode during parses
  // (memory.optimizeForSizeWhileParsing: false), side by side with the seeding above: what the mode
  // saves on the cycle that parses every feed, and what it costs in CPU.
  if (timeLeft("memory: seeding without the size mode")) {
    const plain = writeCrierConfig(path.join(tmp, `memory-no-size-mode-${n}`), { urls, destinations: 3, sections: { memory: { optimizeForSizeWhileParsing: false } } });
    R.memory.seedNoSizeMode = await runChild(`crier-memory-seed-${n}x3-no-size-mode`, { scenario: "crier-cycles", dir: plain, control: server.control, cycles: ["seed"] });
  }
  for (let r = 0; r < REPS && timeLeft(`memory rep ${r + 1}`); r++) {
    R.memory.steady.push(await runChild(`crier-memory-steady-${n}x3`, { scenario: "crier-cycles", dir, control: server.control, cycles: ["fresh"] }));
    R.memory.v8Young.push(await runChild(`crier-memory-steady-${n}x3-v8-young`, { scenario: "crier-cycles", dir, config: "crier-v8-young.yaml", control: server.control, cycles: ["fresh"] }));
  }
}

async function newItems() {
  const urls = await manifestUrls("new", S.newFeeds);
  R.newItems = { feeds: S.newFeeds, perFeed: S.newPer, items: S.newFeeds * S.newPer, runs: [] };
  for (let r = 0; r < REPS && timeLeft(`new-items rep ${r + 1}`); r++) {
    const dir = writeCrierConfig(path.join(tmp, `new-items-${r}`), { urls, destinations: 1 });
    R.newItems.runs.push(await runChild(`crier-new-items`, { scenario: "crier-new-items", dir, control: server.control, group: "new", newPerFeed: S.newPer }));
  }
}

async function latency() {
  const urls = await manifestUrls("lat", 1);
  const dir = writeCrierConfig(path.join(tmp, "latency"), { urls, destinations: 1, schedule: "* * * * * *", sections: { retention: NO_MAINTENANCE } });
  R.latency = { schedule: "* * * * * *", intervalMs: 1000, run: null };
  if (timeLeft("latency")) {
    R.latency.run = await runChild("crier-latency", { scenario: "crier-latency", dir, control: server.control, group: "lat", publications: S.latPubs });
  }
}

// ---- report --------------------------------------------------------------------------------------
const MB = 1024 * 1024;
const f0 = (x) => (x === null || x === undefined ? "—" : Math.round(x).toLocaleString("en-US"));
const f1 = (x) => (x === null || x === undefined ? "—" : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined ? "—" : x.toFixed(2));
const mb = (x) => (x === null || x === undefined ? "—" : (x / MB).toFixed(1));
const kb = (x) => (x === null || x === undefined ? "—" : (x / 1024).toLocaleString("en-US", { maximumFractionDigits: 0 }));
const ratio = (a, b) => (a === null || b === null || !b ? null : a / b);
const rx = (x) => (x === null ? "—" : `${x.toFixed(2)}×`);
const verdict = (okay) => (okay === null ? "n/a" : okay ? "**met**" : "**MISSED**");
const table = (head, rows) => [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
const statusText = (s) => (s ? Object.entries(s).map(([k, v]) => `${k} ${v}`).join(", ") : "—");

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    load: os.loadavg().map((x) => x.toFixed(2)).join(" "),
  };
}

function report() {
  const out = [];
  const goals = [];
  const m = machine();
  out.push(`# Crier benchmark results${SMOKE ? " (smoke sizes)" : ""}`);
  out.push("");
  out.push(`Generated by \`npm run bench${SMOKE ? " -- --smoke" : ""}\` (bench/run.mjs); overwritten by every such run.`);
  out.push("");
  out.push(`- Machine: ${m.cpu}, ${m.cores} cores, ${m.memory} RAM, ${m.os}`);
  // The bench itself keeps about two processes busy; a 1-minute load above 1 before it starts is other work.
  const busy = Number(LOAD_AT_START.split(" ")[0]) > 1;
  out.push(`- Load average (1/5/15 min) before the run ${LOAD_AT_START}, after it ${m.load}${busy ? " — **other work was running on the machine when the bench started: figures are noisier**" : ""}`);
  out.push(`- Node ${m.node}; date ${m.date}; ${REPS} repetition(s) per measured figure (medians); total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (CRIER_NODE_FLAGS.length) out.push(`- **Crier's children ran with extra Node flags: \`${CRIER_NODE_FLAGS.join(" ")}\`** (the floor and the peers without)`);
  out.push(
    "- Feeds: WordPress-shaped RSS 2.0 generated by the bench (10 items, ~5 KB of content:encoded each, ~70 KB a feed; 30 items in the new-item scenario), " +
      "served by a separate process on 100 ports of 127.0.0.1 (each port is one origin), ETag + Last-Modified with WordPress's 304 rule, gzip when asked.",
  );
  out.push("- Crier: the freshly built `dist/` (copied to the run's temp dir at the start, so that a concurrent rebuild cannot change it mid-run), `openCrier` (src/services/open.ts) with a generated config (console destinations appending to files, images off, log level info to a file).");
  out.push("- CPU is user+system of the client process over the measured window (`process.cpuUsage()`); peak RSS is `process.resourceUsage().maxRSS` of that process at its end; every client polls 8 feeds at a time (Crier: its shared pool, `polling.concurrency`, default 8; 4 connections per origin, `polling.connectionsPerHost`).");
  out.push("");

  out.push(...goalsReport());

  // 1+2
  if (R.steady.length) {
    out.push("## 1–2. Steady state: one poll cycle where every feed answers 304");
    out.push("");
    out.push(
      "Floor: the leanest client doing Crier's requests: conditional GETs with the right validators through undici's `Agent` loaded from the same files as Crier's `src/core/http.ts` (not undici's index), the same keep-alive pool (4 connections per origin), each URL split into origin and path once, `Dispatcher#dispatch` with a handler gathering the body (as Crier's `src/intake/fetch-exchange.ts`), the same Node flags. " +
        "Crier: `openCrier` on a store seeded by an earlier process (3 console destinations per feed), then `crier.intake.pollFeeds()` (fetch stage, the feed states the store keeps in memory after its first cycle, the not-modified polls handed to `store.recordPolled` in batches of 500, which rewrites a healthy feed's row only every `pollTimesEveryMs`). " +
        "Scheduler: `crier run`'s Scheduler (its schedule plan and work as src/services/run.ts makes them) `.start()` with every feed's cron set to one second a little ahead (one schedule group, fires once) and `polling: { spread: 0 }` in its config (every feed at the tick, through the shared pool; the spread itself is section 7), until the tick's `pollFeeds` returns (or node-cron reports the tick missed, or the feed server sees no request for 20 s); CPU per polled feed. " +
        "Each process runs its first cycle (fresh process: cold JIT, new connections — `crier poll --once` from cron), a warm-up (not shown), " +
        "one after closing the connection pool (warm, new connections — `crier run` every few minutes, when kept-alive connections have expired) and then back to back at least five more, until 25,000 polls are done, at most 25 (warm, kept-alive: 25 cycles at 1,000 feeds, 5 at 10,000; a process's figure is the mean CPU per cycle over them, the floor's and Crier's alike; a short cycle's CPU is lumpy, the GC work its garbage causes — a scavenge, now and then a mark-compact — lands in whichever cycle it falls, and a window of a few short cycles holds such a lump or none, by chance). Ratios are Crier ÷ floor, medians of the repetitions.",
    );
    out.push("");
    const rows = [];
    for (const e of R.steady) {
      for (const [label, shown] of Object.entries(STEADY_SHOWN)) {
        const fl = { cpu: med(e.floor, (r) => r.cycles[label].cpuMs), wall: med(e.floor, (r) => r.cycles[label].wallMs), rss: med(e.floor, (r) => r.maxRss) };
        const cr = { cpu: med(e.crier, (r) => r.cycles[label].cpuMs), wall: med(e.crier, (r) => r.cycles[label].wallMs), rss: med(e.crier, (r) => r.maxRss) };
        const flS = ok(e.floor)[0]?.cycles[label];
        const crS = ok(e.crier)[0]?.cycles[label];
        rows.push([`floor`, f0(e.n), shown, f0(fl.cpu), f0((fl.cpu * 1000) / e.n), f0(fl.wall), mb(fl.rss), flS ? statusText(flS.statuses) : firstError(e.floor), "", ""]);
        const rc = ratio(cr.cpu, fl.cpu);
        const rw = ratio(cr.wall, fl.wall);
        rows.push([`Crier pollFeeds`, f0(e.n), shown, f0(cr.cpu), f0((cr.cpu * 1000) / e.n), f0(cr.wall), mb(cr.rss), crS ? statusText(crS.statuses) : firstError(e.crier), rx(rc), rx(rw)]);
        goals.push([`Crier 304 cycle CPU ≤ 1.5× floor (N=${f0(e.n)}, ${shown})`, rx(rc), verdict(rc === null ? null : rc <= 1.5)]);
        if (e.baseline.length) {
          const bc = med(e.baseline, (r) => r.cycles[label].cpuMs);
          rows.push([`baseline pollFeeds`, f0(e.n), shown, f0(bc), f0((bc * 1000) / e.n), f0(med(e.baseline, (r) => r.cycles[label].wallMs)), mb(med(e.baseline, (r) => r.maxRss)), "", rx(ratio(bc, fl.cpu)), ""]);
        }
      }
      if (e.scheduler) {
        const s = e.scheduler;
        if (s.error) rows.push(["Crier Scheduler", f0(e.n), "cron fires once", "—", "—", "—", "—", s.error, "", ""]);
        else {
          const fl = med(e.floor, (r) => r.cycles.fresh.cpuMs);
          const flw = med(e.floor, (r) => r.cycles.fresh.wallMs);
          const a = s.arrivals;
          const what = `polled ${f0(s.polled)} of ${f0(s.feeds)}${s.missed ? `; **tick missed by node-cron**` : ""}${s.stalled ? "; **stalled**" : ""}; ${statusText(s.cycle.statuses)}; spread ${f0(s.spreadMs)} ms: requests from +${f0(a?.firstMs)} to +${f0(a?.lastMs)} ms after the tick, busiest second ${f0(a?.busiest)}; ${f0(s.deliveryPasses)} delivery passes, ${f0(s.deliveryPassMs)} ms`;
          rows.push(["Crier Scheduler", f0(e.n), "fresh process, cron fires once, spread 0", f0(s.cycle.cpuMs), f0((s.cycle.cpuMs * 1000) / Math.max(1, s.polled)), f0(s.cycle.wallMs), mb(s.maxRss), what, rx(ratio(s.cycle.cpuMs, fl)), rx(ratio(s.cycle.wallMs, flw))]);
          goals.push([`Scheduler path polls every feed once (N=${f0(e.n)}, spread 0)`, `${f0(s.polled)} of ${f0(s.feeds)}`, verdict(s.polled === s.feeds && !s.missed)]);
        }
      }
      const seed = e.seed;
      if (seed && !seed.error) {
        const c = seed.cycles.seed;
        rows.push(["Crier seeding (empty store)", f0(e.n), "fresh process, 200s + parse", f0(c.cpuMs), f0((c.cpuMs * 1000) / e.n), f0(c.wallMs), mb(seed.maxRss), statusText(c.statuses), "", ""]);
      } else if (seed) rows.push(["Crier seeding", f0(e.n), "", "—", "—", "—", "—", seed.error, "", ""]);
    }
    out.push(table(["client", "feeds", "cycle", "CPU ms", "CPU µs/feed", "wall ms", "peak RSS MB", "answers", "CPU ratio", "wall ratio"], rows));
    out.push("");
    const extra = [];
    for (const e of R.steady) {
      const st = ok(e.crier)[0]?.startup;
      if (st) extra.push(`N=${e.n}: Crier process start (imports + \`openCrier\`) ${f0(med(e.crier, (r) => r.startup.startupMs))} ms wall, ${f0(med(e.crier, (r) => r.startup.startupCpuMs))} ms CPU; RSS after imports ${mb(med(e.crier, (r) => r.startup.rssAfterImport))} MB, after \`openCrier\` ${mb(med(e.crier, (r) => r.startup.rssAfterCreate))} MB.`);
      if (e.scheduler && !e.scheduler.error) extra.push(`N=${e.n}: \`Scheduler.start()\` (one node-cron task per schedule group: here one) ${f0(e.scheduler.startCpuMs)} ms CPU; the cron cycle's wall time is counted from the second the cron fires (\`${e.scheduler.schedule}\`, UTC) to the end of the tick's \`pollFeeds\`; its CPU from \`start()\` returning to the end of the delivery pass after it.`);
    }
    for (const e of R.steady) {
      // Each repetition's ratio against the floor run just before it (interleaved), min / median / max.
      const perRep = (runs) => {
        const xs = runs.map((r, k) => ratio(r?.cycles?.["kept-alive"]?.cpuMs ?? null, e.floor[k]?.cycles?.["kept-alive"]?.cpuMs ?? null)).filter((x) => x !== null).sort((a, b) => a - b);
        return xs.length ? `${rx(xs[0])} / ${rx(median(xs))} / ${rx(xs[xs.length - 1])} (${xs.length} reps)` : "—";
      };
      extra.push(`N=${e.n}: kept-alive CPU ratio to the floor, per repetition, min / median / max: this build ${perRep(e.crier)}${e.baseline.length ? `; baseline (${BASELINE}) ${perRep(e.baseline)}` : ""}.`);
      // Every kept-alive cycle of every repetition (5 to 25 a process), min / median / max.
      const allRuns = (runs) => {
        const xs = ok(runs).flatMap((r) => r.cycles?.["kept-alive"]?.cpuRuns ?? []);
        return xs.length ? `${f0(Math.min(...xs))} / ${f0(median(xs))} / ${f0(Math.max(...xs))} ms (${xs.length} cycles)` : "—";
      };
      extra.push(`N=${e.n}: every kept-alive cycle's CPU, min / median / max: floor ${allRuns(e.floor)}; Crier ${allRuns(e.crier)}.`);
    }
    out.push(extra.map((x) => `- ${x}`).join("\n"));
    out.push("");
  }

  // 3
  if (R.peers) {
    const P = R.peers;
    out.push(`## 3. Peers on the same ${f0(P.n)} feeds (10 items each)`);
    out.push("");
    out.push(
      "Each tool in its own process polls every feed three times: cycle 1 (cold: nothing known yet), cycles 2 and 3 (nothing changed; the goals use cycle 3, warm). " +
        "feedsub: `reader.read(cb)` per feed (it sends If-None-Match/If-Modified-Since from cycle 2 on, gzip). rss-feed-emitter: `add()` (skipFirstLoad) then what its refresh timer calls " +
        "(`FeedManager#getContent`, observed through its promise); no validators, no gzip. naive: `undici.request` without validators + `rss-parser`. Crier: `crier.intake.pollFeeds()` on an empty store, then again. " +
        "Requests and bytes (headers + bodies, both directions, TCP payload) are counted by the feed server.",
    );
    out.push("");
    const rows = [];
    const at = {};
    for (const tool of TOOLS) {
      const runs = P.runs[tool];
      at[tool] = {};
      if (!ok(runs).length) {
        rows.push([tool, "—", "—", "—", "—", "—", "—", "—", firstError(runs) ?? "not run"]);
        continue;
      }
      for (const [c, shown] of Object.entries(PEER_SHOWN)) {
        const cpu = med(runs, (r) => r.cycles[c].cpuMs);
        const rss = med(runs, (r) => r.maxRss);
        at[tool][c] = { cpu, rss, wall: med(runs, (r) => r.cycles[c].wallMs) };
        const s = (get) => med(runs, (r) => get(r.cycles[c].server));
        const errs = ok(runs)[0].cycles[c];
        const note = errs.errors ? `${errs.errors} errors: ${errs.firstError}` : errs.statuses ? statusText(errs.statuses) : "";
        rows.push([tool, shown, f0(cpu), f0(at[tool][c].wall), `${f0(s((x) => x.requests))} (${f0(s((x) => x.s200))}×200, ${f0(s((x) => x.s304))}×304)`, kb(s((x) => x.bytesIn)), kb(s((x) => x.bytesOut)), mb(rss), note]);
      }
    }
    out.push(table(["tool", "cycle", "CPU ms", "wall ms", "requests", "KiB to server", "KiB from server", "peak RSS MB", "notes"], rows));
    out.push("");
    const crier = at.crier?.["steady-2"];
    const naive = at.naive?.["steady-2"];
    const fs = at.feedsub?.["steady-2"];
    const rNaive = crier && naive ? ratio(naive.cpu, crier.cpu) : null;
    goals.push([`Crier steady cycle ≥ 10× less CPU than naive full fetch+parse (N=${P.n})`, rNaive === null ? "—" : `${rNaive.toFixed(1)}× less`, verdict(rNaive === null ? null : rNaive >= 10)]);
    const rFs = crier && fs ? ratio(fs.cpu, crier.cpu) : null;
    goals.push([`Crier steady cycle less CPU than feedsub (N=${P.n})`, rFs === null ? "—" : `feedsub ${f0(fs.cpu)} ms vs Crier ${f0(crier.cpu)} ms`, verdict(rFs === null ? null : rFs > 1)]);
    const c0 = at.crier?.cold;
    const fs0 = at.feedsub?.cold;
    if (c0 && fs0) goals.push([`Crier cold cycle less CPU than feedsub (N=${P.n}; not a stated goal, for context)`, `feedsub ${f0(fs0.cpu)} ms vs Crier ${f0(c0.cpu)} ms`, verdict(fs0.cpu > c0.cpu)]);
    if (crier && fs) goals.push([`Crier less peak memory than feedsub (N=${P.n}, whole process)`, `feedsub ${mb(fs.rss)} MB vs Crier ${mb(crier.rss)} MB`, verdict(crier.rss < fs.rss)]);
  }

  // 4
  if (R.memory) {
    const M = R.memory;
    out.push(`## 4. Memory: ${f0(M.n)} feeds × ${M.destinations} destinations, one poll cycle`);
    out.push("");
    const rows = [];
    if (M.sharedSeed) out.push(`The first cycle is the ${f0(M.n)}-feed seeding run of section 1–2 (same store shape: 3 destinations per feed).\n`);
    if (M.seed?.error) rows.push(["first cycle (empty store: fetch + parse + seed every route)", "—", "—", "—", M.seed.error]);
    else if (M.seed) {
      const c = M.seed.cycles.seed;
      rows.push(["first cycle (empty store: fetch + parse + seed every route)", mb(M.seed.maxRss), f0(c.cpuMs), f0(c.wallMs), statusText(c.statuses)]);
    }
    const plain = M.seedNoSizeMode;
    if (plain?.error) rows.push(["first cycle, `memory.optimizeForSizeWhileParsing: false` (V8's defaults while parsing)", "—", "—", "—", plain.error]);
    else if (plain) {
      const c = plain.cycles.seed;
      rows.push(["first cycle, `memory.optimizeForSizeWhileParsing: false` (V8's defaults while parsing)", mb(plain.maxRss), f0(c.cpuMs), f0(c.wallMs), statusText(c.statuses)]);
    }
    const st = ok(M.steady);
    if (st.length) {
      rows.push(["steady cycle (seeded store, all 304), fresh process", mb(med(st, (r) => r.maxRss)), f0(med(st, (r) => r.cycles.fresh.cpuMs)), f0(med(st, (r) => r.cycles.fresh.wallMs)), statusText(st[0].cycles.fresh.statuses)]);
      rows.push(["… of which: after imports / after `openCrier`", `${mb(med(st, (r) => r.startup.rssAfterImport))} / ${mb(med(st, (r) => r.startup.rssAfterCreate))}`, "", "", ""]);
    } else if (M.steady.length) rows.push(["steady cycle", "—", "—", "—", firstError(M.steady)]);
    const vy = ok(M.v8Young ?? []);
    if (vy.length) {
      rows.push(["steady cycle, `memory.youngGenerationMB: 0` (V8 sizes its young generation itself)", mb(med(vy, (r) => r.maxRss)), f0(med(vy, (r) => r.cycles.fresh.cpuMs)), f0(med(vy, (r) => r.cycles.fresh.wallMs)), statusText(vy[0].cycles.fresh.statuses)]);
      rows.push(["… of which: after imports / after `openCrier`", `${mb(med(vy, (r) => r.startup.rssAfterImport))} / ${mb(med(vy, (r) => r.startup.rssAfterCreate))}`, "", "", ""]);
    }
    out.push(table(["process", "peak RSS MB", "cycle CPU ms", "cycle wall ms", "answers"], rows));
    out.push("");
    if (M.seed && !M.seed.error) goals.push([`peak RSS ≤ 150 MB, ${f0(M.n)}×${M.destinations}, first (seeding) cycle`, `${mb(M.seed.maxRss)} MB`, verdict(M.seed.maxRss <= 150 * MB)]);
    if (st.length) goals.push([`peak RSS ≤ 150 MB, ${f0(M.n)}×${M.destinations}, steady cycle`, `${mb(med(st, (r) => r.maxRss))} MB`, verdict(med(st, (r) => r.maxRss) <= 150 * MB)]);
  }

  // 5
  if (R.newItems) {
    const N = R.newItems;
    out.push(`## 5. New-item path: ${f0(N.items)} new items across ${N.feeds} feeds`);
    out.push("");
    out.push(
      `Destination: Crier's \`console\` adapter appending one JSON line per post to a file (and a frame to stderr) — no platform rate limit. ` +
        `(Telegram documents about 20 messages a minute per channel, so a Telegram destination would take ~${Math.ceil(N.items / 20)} min for these posts: the point here is Crier's own cost.) ` +
        `Feeds have 30 items (${N.perFeed} new per feed stays under the flood hold: more than half new). Per-item cost beyond parsing = ` +
        "(CPU of the poll with new items − CPU of a poll of the same-size changed feeds with no new item + CPU of the delivery passes) ÷ items.",
    );
    out.push("");
    const runs = ok(N.runs);
    if (runs.length) {
      const parse = med(runs, (r) => r.parseOnly.cpuMs);
      const poll = med(runs, (r) => r.poll.cpuMs);
      const del = med(runs, (r) => r.deliver.cpuMs);
      const pollW = med(runs, (r) => r.poll.wallMs);
      const delW = med(runs, (r) => r.deliver.wallMs);
      const beyond = med(runs, (r) => (r.poll.cpuMs - r.parseOnly.cpuMs + r.deliver.cpuMs) / N.items);
      const rows = [
        ["poll, changed feeds, no new item (parse only)", f0(parse), f0(med(runs, (r) => r.parseOnly.wallMs)), statusText(runs[0].parseOnly.statuses)],
        ["poll with the new items (parse + select + queue)", f0(poll), f0(pollW), `${statusText(runs[0].poll.statuses)}; queued ${runs[0].poll.queued}`],
        ["delivery passes (render + send + record)", f0(del), f0(delW), `${statusText(runs[0].deliver.states)}; ${runs[0].posted} lines in the file`],
      ];
      out.push(table(["phase", "CPU ms", "wall ms", "result"], rows));
      out.push("");
      const ips = N.items / ((pollW + delW) / 1000);
      out.push(`- Throughput, poll + delivery: **${f0(ips)} items/s** (delivery alone ${f0(N.items / (delW / 1000))} posts/s).`);
      out.push(`- Per-item cost beyond parsing: **${f2(beyond)} ms CPU** (delivery alone ${f2(del / N.items)} ms).`);
      out.push("");
      goals.push([`new-item cost beyond parsing ≤ 1 ms per item`, `${f2(beyond)} ms`, verdict(beyond <= 1)]);
    } else {
      out.push(`Failed: ${firstError(N.runs)}`);
      out.push("");
    }
  }

  // 6
  const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);
  if (R.websub || R.latency) {
    out.push("## 6. Latency: article published → post received");
    out.push("");
    out.push('"Received" is when the post\'s line is in the console destination\'s JSON-lines file (checked every 5 ms); "published" is when the feed server added the item. Percentiles are nearest-rank.');
    out.push("");
  }
  if (R.websub) {
    const W = R.websub;
    out.push("### 6a. WebSub push (`crier run` with a `websub` listener)");
    out.push("");
    const run = W.run;
    if (run && !run.error && !W.broken) {
      const s = W.samples.filter((x) => x !== null).sort((a, b) => a - b);
      const lost = W.samples.length - s.length;
      const hubMs = [...W.hubMs].sort((a, b) => a - b);
      out.push(
        `Crier in its own process as \`crier run\` starts it (\`openCrier\`, then \`CrierRun.start\`: \`recover\`, the WebSub listener on a free 127.0.0.1 port, Scheduler; then a first poll of every feed), ${W.feeds} feeds whose channel names the hub (\`<atom:link rel="hub">\`) and itself (\`rel="self"\`); ` +
          "their cron (`0 0 1 1 *`) never fires during the measurement, so only a push can explain a post. The loopback hub (`test/loopback/websub-hub.ts`, compiled by the bench with the repo's TypeScript) runs in the orchestrator. " +
          `Each publication: a new item on one feed (round robin), then \`hub.publish(topic)\`: the hub fetches the topic and POSTs it, signed (sha256), to Crier's callback; Crier answers 202, processes it (\`crier.intake.acceptPushed\`), and its \`onQueued\` (the Scheduler's \`deliverSoon\`) starts a delivery pass. ${W.publications} publications, 100–500 ms apart after the previous post arrived.`,
      );
      out.push("");
      const crierFetches = W.server ? W.server.requests - W.server.hubRequests : null;
      out.push(table(["publications", "median ms", "p95 ms", "p99 ms", "max ms", "goal"], [
        [`${W.samples.length}${lost ? ` (**${lost} never arrived**)` : ""}`, f0(median(s)), f0(pct(s, 95)), f0(pct(s, 99)), f0(s.length ? s[s.length - 1] : null), "p99 ≤ 1,000 ms"],
      ]));
      out.push("");
      out.push(`- Of which the hub's part (\`hub.publish\` call → Crier's 202 to the POST, including the hub's fetch of the ~70 KB topic): median ${f0(median(hubMs))} ms, max ${f0(hubMs.length ? hubMs[hubMs.length - 1] : null)} ms; Crier's \`acceptPushed\` (parse + select + record): median ${f1(run.acceptPushedMedianMs)} ms.`);
      out.push(`- In the measured window: ${f0(run.pushes)} pushes processed (${statusText(run.pushStatuses)}), ${f0(run.scheduledPolls)} scheduled polls, ${f0(run.deliveryPasses)} delivery passes; the feed server saw ${f0(W.server?.hubRequests)} topic fetches by the hub and ${f0(crierFetches)} requests from Crier. Crier's CPU over the window: ${f0(run.window.cpuMs)} ms (${f2(run.window.cpuMs / Math.max(1, run.pushes))} ms per push, delivery included); peak RSS ${mb(run.maxRss)} MB.`);
      if (W.failures.length) out.push(`- **Problems:** ${W.failures.slice(0, 5).join("; ")}`);
      out.push(`- Samples (ms): ${W.samples.map((x) => (x === null ? "lost" : f0(x))).join(", ")}.`);
      out.push("");
      const p99 = pct(s, 99);
      goals.push([`latency via WebSub p99 ≤ 1 s (${W.samples.length} publications)`, `p99 ${f0(p99)} ms (median ${f0(median(s))}, max ${f0(s.length ? s[s.length - 1] : null)})`, verdict(!lost && W.samples.length > 0 && p99 !== null && p99 <= 1000)]);
    } else {
      out.push(`Failed: ${run?.error ?? W.failures[0] ?? "not run"}`);
      out.push("");
      goals.push(["latency via WebSub p99 ≤ 1 s", "failed", "**not measured**"]);
    }
  }
  if (R.latency) {
    const L = R.latency;
    out.push("### 6b. Polling (`crier run` Scheduler)");
    out.push("");
    const run = L.run;
    if (run && !run.error) {
      const s = run.samples.filter((x) => x !== null).sort((a, b) => a - b);
      const missing = run.samples.length - s.length;
      const worst = s.length ? s[s.length - 1] : null;
      out.push(table(["mode", "publications", "median ms", "max ms", "goal"], [
        [`polling: \`crier run\` Scheduler, cron \`${L.schedule}\` (1 s), one feed`, `${run.samples.length}${missing ? ` (${missing} never arrived)` : ""}`, f0(median(s)), f0(worst), "≤ interval + 1 s = 2,000 ms"],
      ]));
      out.push("");
      out.push(`Samples (ms): ${run.samples.map((x) => (x === null ? "lost" : f0(x))).join(", ")}. Published at different phases of the second. (One feed: \`polling.spread\` gives a single feed no offset; with many feeds on one schedule a feed's poll starts up to \`interval × spread\` after the tick, at its fixed offset — section 7.)`);
      out.push("");
      goals.push(["latency ≤ interval + 1 s (polling, 1 s cron)", `max ${f0(worst)} ms`, verdict(!missing && worst !== null && worst <= 2000)]);
    } else {
      out.push(`Failed: ${run?.error ?? "not run"}`);
      out.push("");
    }
  }

  // 7
  if (R.spread.length) {
    out.push("## 7. Spread: one schedule's polls over its interval");
    out.push("");
    out.push(
      "`crier run`'s Scheduler with every feed on one cron repeating every few seconds (6 fields, UTC) and `polling.spread: 0.5` in the config: the tick's polls are spread over min(interval × 0.5, `polling.maxSpreadMs`), each feed at its fixed hash-based offset, through the shared pool. " +
        "One tick is measured, on a seeded store (every answer 304): when each feed request reached the feed server, relative to the tick. Busiest second: the most requests in any 1-second window (sliding); fair share: feeds ÷ spread window in seconds. " +
        'Goal (the issue: "polls spread across the schedule with jitter so thousands of feeds never fire in the same second"): no second with more than 2× its fair share.',
    );
    out.push("");
    const rows = [];
    for (const e of R.spread) {
      const r = e.run;
      if (!r || r.error) {
        rows.push([f0(e.n), `every ${e.everySec} s`, "—", "—", "—", "—", "—", "—", r?.error ?? "not run"]);
        goals.push([`spread: busiest second ≤ 2× fair share (N=${f0(e.n)})`, "failed", "**not measured**"]);
        continue;
      }
      const a = r.arrivals;
      rows.push([
        f0(e.n),
        `\`${r.schedule}\` (${e.everySec} s)`,
        f0(r.spreadMs),
        `+${f0(a.firstMs)} … +${f0(a.lastMs)}`,
        `${f0(a.busiest)} (from +${f0(a.busiestFromMs)} ms)`,
        f0(a.fairPerSecond),
        rx(a.ratio),
        `${f0(r.cycle.cpuMs)} ms (${f0((r.cycle.cpuMs * 1000) / Math.max(1, r.polled))} µs/feed)`,
        `${statusText(r.cycle.statuses)}; per second after the tick: ${a.perSecond.map(f0).join(" / ")}`,
      ]);
      goals.push([`spread: busiest second ≤ 2× fair share (N=${f0(e.n)}, ${e.everySec} s cron, window ${f0(r.spreadMs)} ms)`, `${f0(a.busiest)} vs fair ${f0(a.fairPerSecond)}/s = ${rx(a.ratio)}`, verdict(r.polled === r.feeds && a.requests === r.feeds && a.ratio !== null && a.ratio <= 2)]);
    }
    out.push(table(["feeds", "cron", "spread ms", "requests at (ms after tick)", "busiest second", "fair share /s", "busiest ÷ fair", "tick CPU", "answers; requests per second"], rows));
    out.push("");
    const sched = R.steady.filter((e) => e.scheduler && !e.scheduler.error).map((e) => `N=${f0(e.n)}: ${f0(e.scheduler.arrivals?.busiest)} requests in the busiest second (+${f0(e.scheduler.arrivals?.firstMs)} … +${f0(e.scheduler.arrivals?.lastMs)} ms)`);
    if (sched.length) out.push(`For comparison, \`spread: 0\` (section 1–2's scheduler run, every feed at the tick, paced only by the pool of 8): ${sched.join("; ")}.\n`);
  }

  out.push("## Goals");
  out.push("");
  out.push("Where the time and memory go for the goals missed at the time of writing: bench/DIAGNOSIS.md.");
  out.push("");
  out.push(table(["goal", "measured", "verdict"], goals));
  out.push("");
  if (R.skipped.length) out.push(`Skipped (time bound): ${R.skipped.join(", ")}\n`);
  // The soak is its own script (npm run soak, not part of the bench or CI): its last figures.
  const soak = path.join(HERE, "SOAK.md");
  if (existsSync(soak)) out.push(readFileSync(soak, "utf8"));
  out.push("## How to run");
  out.push("");
  out.push("```sh\nnpm run bench               # full sizes (~8-10 min on 2 cores)\nnpm run bench -- --smoke    # tiny sizes, under two minutes (CI)\nnpm run bench -- --only=steady,peers --reps=1 --cpu-prof=crier-steady --keep\n```");
  out.push("");
  return out.join("\n");
}

/** "median (min–max)" of a stats object, with `digits`. */
const mmm = (s, digits = 1) => (s ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : "—");
const pass = (ok) => (ok === null ? "**not measured**" : ok ? "met" : "**missed**");

/** The goals table: ratios measured side by side in this run, median of the repetitions with min and max. */
function goalsReport() {
  const G = R.goals;
  if (!G) return [];
  const out = ["## 0. The goals of issue 17, side by side", ""];
  out.push(
    `Every figure: median of ${G.reps}+ repetitions (min–max); the changed-feed rows of ${G.changed?.noNew?.length ?? "?"} rounds, the start-up rows of ${G.startup?.rows?.[0]?.cmd?.n ?? "?"} (a process's start-up is at the mercy of the machine's other work). Ratios divide medians measured in the same process (changed feeds) or interleaved in the same minutes (start-up). ` +
      "No run-time V8 flag anywhere; every child (Crier, floor, peers) runs with the same Node flags.",
  );
  out.push("");
  const rows = [];
  const c = G.changed;
  if (c && !c.error) {
    const noNew = stats(c.noNew), oneNew = stats(c.oneNew), bareNo = stats(c.bareNoNew), bareOne = stats(c.bareOneNew);
    rows.push([`changed ${(c.bytes / 1024).toFixed(0)} KB WordPress feed (50 items), one new item: Crier's poll CPU ms per feed`, mmm(oneNew, 2), `bare rss-parser ${mmm(bareOne, 2)}`, `${(oneNew.median / bareOne.median).toFixed(2)}×`, "≤ 1.2×", pass(oneNew.median / bareOne.median <= 1.2)]);
    rows.push(["same feed, changed body with no new item (lastBuildDate only)", mmm(noNew, 2), `bare rss-parser ${mmm(bareNo, 2)}`, `${(noNew.median / bareNo.median).toFixed(2)}×`, "≤ 0.3×", pass(noNew.median / bareNo.median <= 0.3)]);
  } else if (c) rows.push(["changed feeds", "failed", String(c.error).split("\n")[0], "", "", pass(null)]);
  const st = G.startup;
  if (st && !st.error) {
    for (const r of st.rows) {
      if (r.name === "--help") rows.push([`\`crier --help\` CPU ms (whole process)`, mmm(r.cmd, 0), `\`node -e 0\` ${mmm(st.node0, 0)}`, `${(r.cmd.median / st.node0.median).toFixed(2)}×`, "≤ 1.5×", pass(r.cmd.median / st.node0.median <= 1.5)]);
      rows.push([`\`crier ${r.name}\` CPU ms vs its import floor (${r.files} files from node_modules)`, mmm(r.cmd, 0), `import floor ${mmm(r.imports, 0)}`, `${(r.cmd.median / r.imports.median).toFixed(2)}×`, "≤ 1.2×", pass(r.cmd.median / r.imports.median <= 1.2)]);
      if (r.name === "--help") continue;
      // Like for like: the floor's files through the same code cache; and Crier's first run (cache empty) and with the cache off.
      rows.push([`… the same, against that floor through the same code cache`, mmm(r.cmd, 0), `cached floor ${mmm(r.importsCached, 0)}`, `${(r.cmd.median / r.importsCached.median).toFixed(2)}×`, "", ""]);
      if (r.cold) rows.push([`… its first run (empty code cache: compiled, then written)`, mmm(r.cold, 0), `import floor`, `${(r.cold.median / r.imports.median).toFixed(2)}×`, "", ""]);
      if (r.off) rows.push([`… with the code cache off (\`CRIER_CODE_CACHE=off\`)`, mmm(r.off, 0), `import floor`, `${(r.off.median / r.imports.median).toFixed(2)}×`, "", ""]);
    }
  } else if (st) rows.push(["start-up", "failed", String(st.error).split("\n")[0], "", "", pass(null)]);
  for (const e of G.running ?? []) {
    if (e.error) rows.push([`\`crier run\`, ${e.n} feeds × 3`, "failed", String(e.error).split("\n")[0], "", "", pass(null)]);
    else rows.push([`\`crier run\`, ${e.n.toLocaleString("en-US")} feeds × 3 destinations: max RSS MB over ${e.cycles} consecutive 304 cycles`, e.maxRssMb.toFixed(1), `CPU ms per cycle (end to end, idle included) ${mmm(e.perCycleCpu, 0)}`, "", e.n >= 10000 ? "≤ 150 MB" : "", e.n >= 10000 ? pass(e.maxRssMb <= 150) : ""]);
  }
  const steadyRows = R.steady.map((e) => {
    const f = med(e.floor, (r) => r.cycles["kept-alive"].cpuMs);
    const cr = med(e.crier, (r) => r.cycles["kept-alive"].cpuMs);
    return [`steady 304 cycle at ${e.n.toLocaleString("en-US")} feeds (warm, kept-alive), Crier CPU ms`, cr === null ? "—" : cr.toFixed(0), `lean floor ${f === null ? "—" : f.toFixed(0)} (see section 1–2 for min/max)`, f && cr ? `${(cr / f).toFixed(2)}×` : "—", "≤ 1.5×", pass(f && cr ? cr / f <= 1.5 : null)];
  });
  rows.push(...steadyRows);
  out.push(table(["goal", "Crier", "against", "ratio", "goal", "verdict"], rows));
  out.push("");
  if (c && !c.error) out.push(`Changed-feed polls reported: ${Object.entries(c.statuses).map(([k, v]) => `${k} ×${v}`).join("; ")}.\n`);
  return out;
}

// ---- main ----------------------------------------------------------------------------------------
const hardStop = setTimeout(() => {
  log("total time bound exceeded: stopping");
  stopServer();
  process.exit(2);
}, S.totalMs + 120_000);

let exitCode = 0;
try {
  log(`tmp ${tmp}; ${SMOKE ? "smoke" : "full"} run, ${REPS} rep(s)`);
  CRIER_ROOT = await snapshotCrier();
  if (section("websub")) {
    try {
      hub = await startHub();
      log(`WebSub hub: ${hub.url}`);
    } catch (err) {
      R.websubHubError = String(err?.message ?? err);
      log(`WebSub hub failed: ${R.websubHubError}`);
      childFailures++;
    }
  }
  server = await startServer();
  log(`feed server: ${server.ports.length} ports, control ${server.control}`);
  if (section("goals") && timeLeft("goals")) await goalsSection();
  if (section("steady")) for (const n of S.ns) if (timeLeft(`steady ${n}`)) await steady(n);
  if (section("peers") && timeLeft("peers")) await peers();
  if (section("memory") && timeLeft("memory")) await memory();
  if (section("new-items") && timeLeft("new-items")) await newItems();
  if (section("spread") && timeLeft("spread")) await spread();
  if (section("websub") && timeLeft("websub")) await websubLatency();
  if (section("latency") && timeLeft("latency")) await latency();
} catch (err) {
  log(`bench failed: ${err?.stack ?? err}`);
  exitCode = 1;
} finally {
  stopServer();
  await hub?.close().catch(() => undefined);
}
const text = report();
process.stdout.write(`${text}\n`);
// Only a full run (every section, default sizes, no profiling) replaces RESULTS.md; a smoke or
// partial run writes its own git-ignored file, so it cannot overwrite the last full results.
const PARTIAL = !!(ONLY || flag("ns") || PROF || PROFILE_CYCLE || CRIER_NODE_FLAGS.length || BASELINE);
const resultsFile = path.join(HERE, SMOKE ? "RESULTS.smoke.md" : PARTIAL ? "RESULTS.partial.md" : "RESULTS.md");
writeFileSync(resultsFile, `${text}\n`);
log(`wrote ${resultsFile}`);
if (!KEEP) rmSync(tmp, { recursive: true, force: true });
else log(`kept ${tmp}`);
clearTimeout(hardStop);
// Missed goals are figures, not failures; a scenario that crashed or timed out fails the run (CI).
if (childFailures) log(`${childFailures} scenario process(es) failed`);
process.exitCode = exitCode || (childFailures ? 1 : 0);
