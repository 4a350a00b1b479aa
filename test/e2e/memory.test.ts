/**
 * What the built Crier keeps in memory per feed (issue 17: `crier run` at 10,000 feeds x 3
 * destinations within 150 MB): the config of each feed and the store's cached feed state. Feeds
 * routed alike share their route list, context and seeded-route set; a feed's config keeps its own
 * strings (none a slice of the YAML text) and shares repeated values; cached states are columns.
 */
import { afterEach, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "../support/cli.js";
import { runChild } from "../support/children.js";

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

it("keeps under 450 B of config and 400 B of cached feed state per feed at 10,000 feeds x 3 destinations", async () => {
  dir = mkdtempSync(path.join(tmpdir(), "crier-memory-"));
  const r = await runChild(process.execPath, ["--expose-gc", path.join(ROOT, "test/support/feed-memory.mjs"), ROOT, dir, "10000"], { timeoutMs: 120_000 });
  expect(r.timedOut, r.stderr).toBe(false);
  expect(r.code, r.stderr).toBe(0);
  const m = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as { feeds: number; configBytes: number; stateCacheBytes: number };
  // Config: ~640 B a feed before the config's strings were copied out of the YAML text (every
  // value of 13+ characters was a slice keeping the whole 1.6 MB text alive) and feeds' repeated
  // values shared (src/config/compact.ts); ~390 after.
  expect(m.configBytes / m.feeds).toBeLessThan(450);
  // Cached states, heap and typed arrays, as dropping the cache frees them: ~530-560 B a feed as
  // an object per feed (boxed times, hex digests, a second map of stored poll times); ~320 in
  // columns (src/store/sqlite/feed-state-cache.ts).
  expect(m.stateCacheBytes / m.feeds).toBeLessThan(400);
}, 150_000);
