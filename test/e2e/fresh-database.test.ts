/**
 * Processes that open the same new database file at the same moment (`crier run` and a
 * `crier deliveries` started with it, as the e2e tests and operators do) all succeed: the second
 * waits for the first's schema instead of creating the tables again.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { runChild } from "../support/children.js";
import { ROOT } from "../support/cli.js";
import { scaled } from "../support/timing.js";

/** The built store: src/store/sqlite.ts, or src/store/sqlite/index.ts once the store is split by concern. */
const STORE = ["dist/src/store/sqlite.js", "dist/src/store/sqlite/index.js"].map((p) => path.join(ROOT, p)).find((p) => existsSync(p)) ?? "";

it("three processes opening one new database file at the same instant all open it", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "crier-fresh-db-"));
  const rounds = 15;
  const start = Date.now() + scaled(1_500); // every process has loaded the store by then
  // Each round: a new file, opened by all three at the same wall-clock instant.
  const script = `
    const { SqliteStore } = await import(${JSON.stringify(pathToFileURL(STORE).href)});
    const failures = [];
    for (let r = 0; r < ${rounds}; r++) {
      const at = ${start} + r * 150;
      while (Date.now() < at) {}
      try {
        const store = new SqliteStore(${JSON.stringify(dir)} + "/" + r + "/crier.db");
        await store.close();
      } catch (err) {
        failures.push(String(err.message));
      }
    }
    console.log(JSON.stringify(failures));
  `;
  const runs = await Promise.all([1, 2, 3].map(() => runChild(process.execPath, ["--input-type=module", "-e", script], { timeoutMs: scaled(30_000) })));
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
  expect(runs.flatMap((r) => JSON.parse(r.stdout) as string[])).toEqual([]);
});
