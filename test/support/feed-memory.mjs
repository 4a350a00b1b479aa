// Run by test/e2e/memory.test.ts with `node --expose-gc` (a test's flag, never Crier's): the heap
// that the built Crier keeps per feed for a config of N feeds x 3 destinations (openCrier) and for
// the store's feed-state cache once every feed's state was read (what a poll cycle leaves behind),
// heap and external memory (typed arrays) together.
// Prints one JSON line: { feeds, configBytes, stateCacheBytes }.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const [root, dir, n] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const Database = createRequire(path.join(root, "package.json"))("better-sqlite3");
const { openCrier } = await import(path.join(root, "dist/src/services/open.js"));
const { adapters } = await import(path.join(root, "dist/adapters/index.js"));
const dests = ["out-a", "out-b", "out-c"];
mkdirSync(dir, { recursive: true });
const lines = ["storage: { path: crier.db }", "images: { enabled: false }", "feeds:"];
for (let k = 0; k < n; k++) lines.push(`  - { id: f${k}, url: "http://127.0.0.1:${20000 + (k % 100)}/feed/${k}.xml", schedule: "*/5 * * * *" }`);
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
process.stdout.write(`${JSON.stringify({ feeds: n, configBytes: h1 - h0, stateCacheBytes: h2 - h3 })}\n`);
await crier.close();
