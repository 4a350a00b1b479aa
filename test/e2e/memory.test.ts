/**
 * What the built Crier keeps in memory per feed (issue 17: `crier run` at 10,000 feeds x 3
 * destinations within 150 MB): the config of each feed and the store's cached feed state. Feeds
 * routed alike share their route list, context and seeded-route set; cached states are compact.
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

it("keeps under 450 B of config and 700 B of cached feed state per feed at 10,000 feeds x 3 destinations", async () => {
  dir = mkdtempSync(path.join(tmpdir(), "crier-memory-"));
  const r = await runChild(process.execPath, ["--expose-gc", path.join(ROOT, "test/support/feed-memory.mjs"), ROOT, dir, "10000"], { timeoutMs: 120_000 });
  expect(r.timedOut, r.stderr).toBe(false);
  expect(r.code, r.stderr).toBe(0);
  const m = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as { feeds: number; configBytes: number; stateCacheBytes: number };
  // Measured at 10,000 feeds: config ~900 B and states ~860 B a feed before (a route list of
  // copied ids per feed, a Set per feed, states built by spreading); ~640 and ~130-560 after (the
  // state figure varies with the JIT under load).
  // Config: ~640 B a feed before the config's strings were copied out of the YAML text (every
  // value of 13+ characters was a slice keeping the whole 1.6 MB text alive) and feeds' repeated
  // values shared (src/config/compact.ts); ~390 after.
  expect(m.configBytes / m.feeds).toBeLessThan(450);
  expect(m.stateCacheBytes / m.feeds).toBeLessThan(700);
}, 150_000);
