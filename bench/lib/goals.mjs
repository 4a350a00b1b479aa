// The issue's goals, measured as ratios side by side (bench/run.mjs's "goals" section):
// - changed feed (a 350 KB WordPress feed, 50 items) with one new item, and with no new item
//   (only lastBuildDate changed), through Crier's poll (read, hash, scan, parse, select, store),
//   against a bare rss-parser parse of the same bytes, in the same child process;
// - start-up CPU of each command (the built CLI, user+sys of the whole process, measured by the
//   shell's `time`), against `node -e 0` and against the command's import floor: a process that
//   only loads the same files from node_modules that the command loaded (recorded with
//   test/support/record-loads.mjs), nothing of Crier's own;
// - a running `crier run`: RSS sampled through at least five consecutive 304 cycles (the max).
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { wpFeed } from "./wp-feed.mjs";

const require = createRequire(import.meta.url);
const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** Median, min and max of numbers. */
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

const cpuMs = (c) => (c.user + c.system) / 1000;

/** A 50-item WordPress feed (~350 KB); `head` its newest item id, `build` its lastBuildDate step. */
function feedText(k, head, build) {
  const base = `https://site${k}.changed.example`;
  return wpFeed({ base, head, items: 50, bodyBytes: 5600, lastModifiedMs: T0 + head * HOUR + build * 1000, pubMs: (id) => T0 + id * HOUR });
}

/**
 * Child scenario: `feeds` file feeds, seeded once; then `rounds` rounds of a changed body with no
 * new item and a changed body with one new item, each measured per feed through
 * `crier.intake.pollFeeds()`; then a bare rss-parser parse of the very same bytes.
 */
export async function changedFeed(args, ROOT) {
  const dir = args.dir;
  const feeds = args.feeds ?? 10;
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: feeds }, (_, k) => path.join(dir, `feed-${k}.xml`));
  let head = 50;
  let build = 0;
  const write = () => files.forEach((file, k) => writeFileSync(file, feedText(k, head, build)));
  write();
  const dests = Array.from({ length: args.destinations ?? 3 }, (_, k) => `out-${k}`);
  writeFileSync(
    path.join(dir, "crier.yaml"),
    [
      "storage: { path: crier.db }",
      "logLevel: info",
      "images: { enabled: false }",
      "feeds:",
      ...files.map((f, k) => `  - { id: f${k}, url: ${JSON.stringify(f)}, image: { fromArticlePage: false } }`),
      "destinations:",
      ...dests.map((d) => `  - { id: ${d}, platform: console, output: stderr, file: posts-${d}.jsonl }`),
      "routes:",
      ...files.map((_, k) => `  - { feed: f${k}, to: [${dests.join(", ")}] }`),
      "",
    ].join("\n"),
  );
  const pino = require("pino");
  const { openCrier } = await import(new URL("dist/src/services/open.js", ROOT));
  const { adapters } = await import(new URL("dist/adapters/index.js", ROOT));
  const crier = await openCrier({ configPath: path.join(dir, "crier.yaml"), env: {}, adapters, mode: "write", logDestination: pino.destination(path.join(dir, "crier.log")) });
  const Parser = require("rss-parser");
  const poll = async () => {
    const c0 = process.cpuUsage();
    const { reports } = await crier.intake.pollFeeds();
    return { ms: cpuMs(process.cpuUsage(c0)) / feeds, reports };
  };
  const bare = async () => {
    const bytes = files.map((f) => readFileSync(f));
    const c0 = process.cpuUsage();
    for (const b of bytes) await new Parser().parseString(b.toString());
    return cpuMs(process.cpuUsage(c0)) / feeds;
  };
  await poll(); // first run: seeds every route
  const out = { noNew: [], oneNew: [], bareNoNew: [], bareOneNew: [], statuses: {}, bytes: statSync(files[0]).size };
  const count = (label, reports) => {
    for (const r of reports) {
      const key = `${label}: ${r.status}${r.via ? `/${r.via}` : ""} new ${r.new ?? 0}`;
      out.statuses[key] = (out.statuses[key] ?? 0) + 1;
    }
  };
  // Two warm-up rounds (JIT), then the measured ones.
  for (let round = 0; round < (args.rounds ?? 5) + 2; round++) {
    build++;
    write();
    const a = await poll();
    const bareA = await bare();
    head++;
    write();
    const b = await poll();
    const bareB = await bare();
    if (round < 2) continue;
    out.noNew.push(a.ms);
    out.bareNoNew.push(bareA);
    out.oneNew.push(b.ms);
    out.bareOneNew.push(bareB);
    count("no new item", a.reports);
    count("one new item", b.reports);
  }
  await crier.close();
  return out;
}

/**
 * The environment of every timed process. Without NODE_EXTRA_CA_CERTS: where a machine sets it (this
 * one does), Node parses that CA bundle before any code runs (~400M instructions, every process alike),
 * which would hide Crier's own start-up cost inside both sides of each ratio.
 */
const { NODE_EXTRA_CA_CERTS: _extraCerts, ...timedEnv } = process.env;

/** user+sys CPU ms of one process, by the shell's `time` (whole process, start-up included). */
function timedCpu(argv, env) {
  const r = spawnSync("bash", ["-c", 'TIMEFORMAT="%3U %3S"; { time "$@" >/dev/null 2>&1 ; } 2>&1', "timed", ...argv], { env: { ...timedEnv, ...env }, encoding: "utf8", timeout: 120_000 });
  const [user, sys] = (r.stdout.trim().split("\n").pop() ?? "").split(" ").map(Number);
  if (!Number.isFinite(user) || !Number.isFinite(sys)) throw new Error(`could not time ${argv.join(" ")}: ${r.stdout} ${r.stderr}`);
  return (user + sys) * 1000;
}

/** The node_modules files a command loads (in load order), recorded by test/support/record-loads.mjs. */
function loadedFiles(project, cli, args, dir) {
  const logFile = path.join(dir, `loads-${args[0].replace(/\W/g, "")}.txt`);
  writeFileSync(logFile, "");
  spawnSync(process.execPath, [`--import=${pathToFileURL(path.join(project, "test/support/record-loads.mjs")).href}`, cli, ...args], {
    env: { ...timedEnv, CRIER_LOAD_LOG: logFile, CRIER_CODE_CACHE: "off" },
    encoding: "utf8",
    timeout: 120_000,
  });
  const seen = new Set();
  for (const line of readFileSync(logFile, "utf8").split("\n")) {
    const file = line.replace(/^load /, "").replace(/^file:\/\//, "");
    if (file.includes("/node_modules/") && !seen.has(file)) seen.add(decodeURIComponent(file));
  }
  return [...seen];
}

/**
 * A script that loads exactly these files (CommonJS by require, ESM by import): a command's import
 * floor. `cache`: the same files through the CLI's own code cache (dist/src/cli/code-cache.js, its
 * own file in that folder), the like-for-like floor of a Crier whose code and packages come from it.
 */
function floorScript(files, dir, name, cache) {
  const file = path.join(dir, `floor-${name}${cache ? "-cached" : ""}.mjs`);
  const install = cache
    ? `import { installCodeCache } from ${JSON.stringify(pathToFileURL(path.join(cache.root, "dist/src/cli/code-cache.js")).href)};\n` +
      `installCodeCache({ dir: ${JSON.stringify(cache.dir)}, key: ${JSON.stringify(`floor-${name}`)}, roots: ${JSON.stringify(cache.roots)} });\n`
    : "";
  writeFileSync(
    file,
    `import { createRequire } from "node:module";\n${install}const require = createRequire(import.meta.url);\nconst files = ${JSON.stringify(files)};\n` +
      `for (const f of files) { try { require(f); } catch (e) { if (e?.code === "ERR_REQUIRE_ESM") await import(${"`file://${f}`"}); } }\n`,
  );
  return file;
}

/**
 * Start-up CPU per command against `node -e 0` and against its import floor, `reps` times each
 * (interleaved, so that the machine's load hits every row alike). Crier runs as users run it, with
 * its code cache (src/cli/code-cache.ts) made by a first run; beside it, per command: the floor
 * through the same code cache (like for like), Crier's first run (an empty cache: compiled, then
 * written) and Crier with the cache off (CRIER_CODE_CACHE=off).
 */
export async function startupGoals({ project, root, dir, reps, smoke = false }) {
  mkdirSync(dir, { recursive: true });
  const cli = path.join(root, "dist/src/cli.js");
  const feed = path.join(dir, "feed.xml");
  writeFileSync(feed, feedText(0, 10, 0));
  const config = path.join(dir, "crier.yaml");
  writeFileSync(
    config,
    [
      "storage: { path: crier.db }",
      "images: { enabled: false }",
      "feeds:",
      `  - { id: news, url: ${JSON.stringify(feed)} }`,
      "destinations:",
      "  - { id: out, platform: console, output: stderr, file: posts.jsonl }",
      "  - { id: tg, platform: telegram, botToken: \"123:abc\", chatId: \"@news\" }",
      "routes:",
      "  - { feed: news, to: [out] }",
      "",
    ].join("\n"),
  );
  const cacheDir = path.join(dir, "code-cache");
  const warm = { CRIER_CODE_CACHE: cacheDir };
  spawnSync(process.execPath, [cli, "-c", config, "poll", "--once"], { cwd: dir, env: { ...timedEnv, ...warm }, encoding: "utf8", timeout: 120_000 }); // seeds the store
  const commands = [
    ["--help", ["--help"]],
    ["validate", ["-c", config, "validate"]],
    ["deliveries", ["-c", config, "deliveries"]],
    ["feeds", ["-c", config, "feeds"]],
    ["poll --once (unchanged feed)", ["-c", config, "poll", "--once"]],
  ];
  if (smoke) commands.splice(2); // --help and validate: enough to see that it works
  const { installRoots } = await import(pathToFileURL(path.join(root, "dist/src/cli/code-cache.js")).href);
  const cache = { root, dir: cacheDir, roots: installRoots(root) };
  const rows = commands.map(([name, args]) => {
    const files = loadedFiles(project, cli, args, dir);
    const key = name.replace(/\W/g, "");
    return { name, args, files: files.length, floor: floorScript(files, dir, key), floorCached: floorScript(files, dir, key, cache), cmd: [], imports: [], importsCached: [], cold: [], off: [] };
  });
  // Each cache made before the timing: by a first run of the command, and of its cached floor.
  for (const row of rows) {
    spawnSync(process.execPath, [cli, ...row.args], { cwd: dir, env: { ...timedEnv, ...warm }, timeout: 120_000 });
    spawnSync(process.execPath, [row.floorCached], { cwd: dir, env: timedEnv, timeout: 120_000 });
  }
  const node0 = [];
  for (let rep = 0; rep < reps; rep++) {
    node0.push(timedCpu([process.execPath, "-e", "0"]));
    for (const [i, row] of rows.entries()) {
      row.cmd.push(timedCpu([process.execPath, cli, ...row.args], warm));
      row.imports.push(timedCpu([process.execPath, row.floor]));
      row.importsCached.push(timedCpu([process.execPath, row.floorCached]));
      if (row.name === "--help") continue; // help loads no program: no cache to make
      const empty = path.join(dir, `cold-${rep}-${i}`); // a folder of its own: this run makes its cache
      row.cold.push(timedCpu([process.execPath, cli, ...row.args], { CRIER_CODE_CACHE: empty }));
      rmSync(empty, { recursive: true, force: true });
      row.off.push(timedCpu([process.execPath, cli, ...row.args], { CRIER_CODE_CACHE: "off" }));
    }
  }
  const opt = (values) => (values.length ? stats(values) : null);
  return {
    node0: stats(node0),
    rows: rows.map((r) => ({ name: r.name, files: r.files, cmd: stats(r.cmd), imports: stats(r.imports), importsCached: stats(r.importsCached), cold: opt(r.cold), off: opt(r.off) })),
  };
}

/** RSS (MB) of a process, from /proc. */
function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** user+sys CPU ms of a live process, from /proc/PID/stat (clock ticks of 10 ms). */
export function procCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * A running `crier run` (the built CLI) over `urls` (304 feeds on the bench's feed server), one
 * schedule firing every `everyS` seconds with no spread: RSS sampled every 100 ms from the end of
 * the first cycle through `cycles` more (the max is the figure), CPU per cycle from /proc.
 * Cycles are counted by the feed server's request counter (`requests()`).
 */
export async function runningCrier({ root, dir, urls, destinations, everyS, cycles, requests, limitMs }) {
  mkdirSync(dir, { recursive: true });
  const dests = Array.from({ length: destinations }, (_, k) => `out-${k}`);
  const config = path.join(dir, "crier.yaml");
  writeFileSync(
    config,
    [
      "storage: { path: crier.db }",
      "logLevel: warn",
      "images: { enabled: false }",
      "polling: { spread: 0 }",
      "retention: { schedule: \"0 0 1 1 *\" }",
      "feeds:",
      ...urls.map((u, k) => `  - { id: f${k}, url: ${JSON.stringify(u)}, schedule: "*/${everyS} * * * * *", image: { fromArticlePage: false } }`),
      "destinations:",
      ...dests.map((d) => `  - { id: ${d}, platform: console, output: stderr, file: posts-${d}.jsonl }`),
      "routes:",
      ...urls.map((_, k) => `  - { feed: f${k}, to: [${dests.join(", ")}] }`),
      "",
    ].join("\n"),
  );
  const cli = path.join(root, "dist/src/cli.js");
  const seed = spawnSync(process.execPath, [cli, "-c", config, "poll", "--once"], { cwd: dir, encoding: "utf8", timeout: limitMs });
  if (seed.status !== 0 && seed.status !== 3) throw new Error(`crier poll --once (seeding) exited ${seed.status}: ${seed.stderr.slice(-500)}`);
  const child = spawn(process.execPath, [cli, "-c", config, "run"], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  const samples = [];
  const perCycleCpu = [];
  const deadline = Date.now() + limitMs;
  try {
    const n = urls.length;
    const base = await requests();
    const waitRequests = async (count) => {
      while ((await requests()) - base < count) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`crier run: ${child.exitCode !== null ? `exited ${child.exitCode}` : "cycles too slow"}: ${stderr.slice(-500)}`);
        const rss = rssMb(child.pid);
        if (rss !== null) samples.push({ at: (await requests()) - base, rss });
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await waitRequests(n); // the first cycle (start-up)
    let cpu = procCpuMs(child.pid);
    const steady = [];
    for (let c = 1; c <= cycles; c++) {
      const from = samples.length;
      await waitRequests(n * (c + 1));
      const now = procCpuMs(child.pid);
      perCycleCpu.push(now - cpu); // CPU between the ends of two cycles: one cycle plus the idle wait
      cpu = now;
      steady.push(...samples.slice(from).map((s) => s.rss));
    }
    return { maxRssMb: Math.max(...steady), firstCycleMaxRssMb: Math.max(...samples.map((s) => s.rss)), perCycleCpu: stats(perCycleCpu), cycles };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
    rmSync(path.join(dir, "crier.db"), { force: true });
  }
}
