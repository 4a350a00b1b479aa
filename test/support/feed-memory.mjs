// Run by test/e2e/memory.test.ts with `node --expose-gc` (a test's flag, never Crier's): the heap
// that the built Crier keeps per feed for a config of N feeds x 3 destinations (openCrier) and for
// the store's feed-state cache once every feed's state was read (what a poll cycle leaves behind),
// heap and external memory (typed arrays) together.
// Then what `crier run` keeps per feed beside them: fetch's request target of each feed (after one
// 304 from a loopback server) and the schedule's plan with each feed's spread offset.
// Prints one JSON line: { feeds, configBytes, stateCacheBytes, fetchBytes, scheduleBytes }.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { createRequire } from "node:module";

const [root, dir, n] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const Database = createRequire(path.join(root, "package.json"))("better-sqlite3");
const { openCrier } = await import(path.join(root, "dist/src/services/open.js"));
const { adapters } = await import(path.join(root, "dist/adapters/index.js"));
const dests = ["out-a", "out-b", "out-c"];
// The feeds' server: every request answered 304 (for the fetch measure below).
const server = http.createServer((req, res) => res.writeHead(304, { etag: '"e"' }).end());
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address();
mkdirSync(dir, { recursive: true });
const lines = ["storage: { path: crier.db }", "images: { enabled: false }", "feeds:"];
for (let k = 0; k < n; k++) lines.push(`  - { id: f${k}, url: "http://127.0.0.1:${port}/feed/${k}.xml", schedule: "*/5 * * * *" }`);
lines.push("destinations:", ...dests.map((d) => `  - { id: ${d}, platform: console, output: stderr, file: ${d}.jsonl }`), "routes:");
for (let k = 0; k < n; k++) lines.push(`  - { feed: f${k}, to: [${dests.join(", ")}] }`);
const config = path.join(dir, "crier.yaml");
writeFileSync(config, `${lines.join("\n")}\n`);
const open = () => openCrier({ configPath: config, env: {}, adapters, mode: "write", logLevel: "warn" });

// A store as a poll cycle leaves it: every feed polled (validators, body hash, key digest), its routes seeded, an item.
let crier = await open();
await crier.close();
crier = null; // its config must not count in the baseline below
const db = new Database(path.join(dir, "crier.db"));
const hex = (s) => createHash("sha256").update(s).digest("hex");
db.transaction(() => {
  const feed = db.prepare("INSERT INTO feeds (id, etag, last_modified, body_hash, keys_digest, last_polled_at, last_ok_at, error_streak) VALUES (?, ?, ?, ?, ?, ?, ?, 0)");
  const route = db.prepare("INSERT INTO routes (feed_id, destination_id, seeded_at) VALUES (?, ?, 1)");
  const item = db.prepare("INSERT INTO items (feed_id, item_key, title, first_seen_at, data) VALUES (?, ?, 't', 1, '{}')");
  for (let k = 0; k < n; k++) {
    feed.run(`f${k}`, `"${hex(`e${k}`).slice(0, 16)}"`, "Mon, 07 Dec 2026 01:00:00 GMT", hex(`b${k}`), hex(`k${k}`).slice(0, 43), 1_765_000_000_000 + k, 1_765_000_000_000 + k);
    for (const d of dests) route.run(`f${k}`, d);
    item.run(`f${k}`, `g${k}`);
  }
})();
db.close();

// The heap and what lives outside it (typed arrays' and buffers' bytes).
const heap = () => {
  global.gc();
  global.gc();
  const u = process.memoryUsage();
  return u.heapUsed + u.external;
};
const h0 = heap();
crier = await open();
const h1 = heap();
for (const feed of crier.config.feeds) await crier.store.feeds.getFeedState(feed.id);
const h2 = heap();
// What the cache holds is what dropping it frees: memory freed between h1 and h2 for other
// reasons (compiled code flushed, start-up's leftovers) would count against it otherwise.
crier.store.feeds.forgetAll();
const h3 = heap();

// Fetch: one 304 per feed, asked for with the config's own source objects.
const sources = crier.config.feeds.map((f) => f.source);
const { fetchFeed, closeFetchPool } = await import(path.join(root, "dist/src/intake/fetch.js"));
const ask = (source) => fetchFeed({ source, etag: '"e"', lastModified: null, timeoutMs: 10_000, maxBytes: 1_000_000, maxRedirects: 3, userAgent: "memory" });
// The pool, its connections and the compiled code first, with sources that do not stay.
const warm = Array.from({ length: 2000 }, (_, k) => ({ kind: "http", url: JSON.parse(JSON.stringify(`http://127.0.0.1:${port}/warm/${k}.xml`)) }));
for (let k = 0; k < warm.length; k += 50) await Promise.all(warm.slice(k, k + 50).map(ask));
warm.length = 0;
const h4 = heap();
for (let k = 0; k < sources.length; k += 50) await Promise.all(sources.slice(k, k + 50).map(ask));
const h5 = heap();
await closeFetchPool();
await new Promise((resolve) => server.close(resolve));

// The schedule: crier run's plan, and one spread cycle's offsets (what the next cycles reuse).
const { schedulePlan } = await import(path.join(root, "dist/src/services/run.js"));
const { spreadOut } = await import(path.join(root, "dist/src/scheduler/spread.js"));
const h6 = heap();
const plan = schedulePlan(crier.config);
for (const entry of spreadOut(plan.feeds, 270_000)) if (entry.offset < 0) throw new Error("no offset");
const h7 = heap();
const out = { feeds: n, configBytes: h1 - h0, stateCacheBytes: h2 - h3, fetchBytes: h5 - h4, scheduleBytes: h7 - h6 };
process.stdout.write(`${JSON.stringify(out)}\n`);
if (sources.length !== plan.feeds.length) throw new Error("kept alive until here");
await crier.close();
