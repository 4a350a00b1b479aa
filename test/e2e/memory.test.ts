/**
 * What the built Crier keeps in memory per feed (issue 17: `crier run` at 10,000 feeds x 3
 * destinations within 150 MB): the config of each feed and the store's cached feed state. Feeds
 * routed alike share their route list, context and seeded-route set; a feed's config keeps its own
 * strings (none a slice of the YAML text) and shares repeated values; cached states are columns.
 * Loading the config keeps one form of its long lists alive at a time (issue 17: 100,000 feeds).
 */
import { afterEach, expect, it } from "vitest";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CLI, ROOT } from "../support/cli.js";
import { runChild } from "../support/children.js";

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

it("keeps under 450 B of config, 400 B of cached feed state, 120 B of fetch's request target and 120 B of schedule per feed at 10,000 feeds x 3 destinations", async () => {
  dir = mkdtempSync(path.join(tmpdir(), "crier-memory-"));
  const r = await runChild(process.execPath, ["--expose-gc", path.join(ROOT, "test/support/feed-memory.mjs"), ROOT, dir, "10000"], { timeoutMs: 120_000 });
  expect(r.timedOut, r.stderr).toBe(false);
  expect(r.code, r.stderr).toBe(0);
  const m = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as { feeds: number; configBytes: number; stateCacheBytes: number; fetchBytes: number; scheduleBytes: number };
  // Config: ~640 B a feed before the config's strings were copied out of the YAML text (every
  // value of 13+ characters was a slice keeping the whole 1.6 MB text alive) and feeds' repeated
  // values shared (src/config/compact.ts); ~390 after.
  expect(m.configBytes / m.feeds).toBeLessThan(450);
  // Cached states, heap and typed arrays, as dropping the cache frees them: ~530-560 B a feed as
  // an object per feed (boxed times, hex digests, a second map of stored poll times); ~320 in
  // columns (src/store/sqlite/feed-state-cache.ts).
  expect(m.stateCacheBytes / m.feeds).toBeLessThan(400);
  // Fetch's split of each feed URL, kept between polls: ~280-350 B a feed as an object with an
  // origin and a path of its own; ~70 as one shared origin string per server (src/intake/fetch.ts).
  expect(m.fetchBytes / m.feeds).toBeLessThan(120);
  // crier run's plan (an object per feed before) and the spread offsets' cache (a boxed number
  // per feed before): ~175 B a feed; ~60-80 now (src/services/run.ts, src/scheduler/spread.ts).
  expect(m.scheduleBytes / m.feeds).toBeLessThan(120);
}, 150_000);

it("validates a config of 20,000 feeds x 3 destinations with V8's old generation capped at 7.5 x the YAML's size", async () => {
  dir = mkdtempSync(path.join(tmpdir(), "crier-memory-"));
  const n = 20_000;
  const dests = ["out-a", "out-b", "out-c"];
  const lines = ["storage: { path: crier.db }", "images: { enabled: false }", "feeds:"];
  for (let k = 0; k < n; k++) lines.push(`  - { id: f${k}, url: "http://127.0.0.1:${20000 + (k % 100)}/soak/${k}/feed/", schedule: "*/10 * * * *", image: { fromArticlePage: false } }`);
  lines.push("destinations:", ...dests.map((d) => `  - { id: ${d}, platform: console, output: stderr, file: ${d}.jsonl }`), "routes:");
  for (let k = 0; k < n; k++) lines.push(`  - { feed: f${k}, to: [${dests.join(", ")}] }`);
  const config = path.join(dir, "crier.yaml");
  writeFileSync(config, `${lines.join("\n")}\n`);
  // A cap on what is alive at once (V8 collects as often as it must to stay under it; beyond it,
  // the process dies): js-yaml's values of the whole file, zod's copies and the compact config
  // alive together needed ~52 MB here (3.3 MB of YAML); one form of the lists at a time, 26 MB;
  // each route read as soon as it is parsed (not 20,000 parsed routes kept until the last), 22 MB.
  const capMB = Math.floor((7.5 * statSync(config).size) / 2 ** 20);
  const r = await runChild(process.execPath, [`--max-old-space-size=${capMB}`, CLI, "--config", config, "validate"], { timeoutMs: 120_000 });
  expect(r.timedOut, r.stderr).toBe(false);
  expect(r.code, `${capMB} MB of old generation: ${r.stderr.slice(-400)}`).toBe(0);
  expect(r.stdout).toContain(`valid (${n} feeds, 3 destinations)`);
}, 150_000);
