/**
 * The child-process helper: children are registered while they run and gone from the registry
 * once they end; the per-test hook kills what a test left running; and no test code starts a
 * process any other way (the registry and the kill hooks would not know it).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { liveChildren, processStartTime, RUN_ENV, runChild, spawnChild, type Child } from "./children.js";
import { ROOT } from "./cli.js";
import { waitFor } from "./timing.js";

const registered = (pid: number): boolean => existsSync(path.join(process.env[RUN_ENV] ?? "/nonexistent", `${pid}.json`));

describe("spawnChild", () => {
  it("registers a child while it runs, with its start time, and forgets it when it ends", async () => {
    const c = spawnChild(process.execPath, ["-e", "process.stdin.resume(); setInterval(() => {}, 1000)"]);
    expect(registered(c.pid)).toBe(true);
    const entry = JSON.parse(readFileSync(path.join(process.env[RUN_ENV] ?? "", `${c.pid}.json`), "utf8")) as { startTime: string | null; test: string };
    expect(entry.startTime).toBe(processStartTime(c.pid));
    expect(entry.test).toMatch(/registers a child while it runs/);
    expect(await c.stop()).toBe("SIGTERM");
    expect(registered(c.pid)).toBe(false);
  });

  it("passes the run's id to the child, which its own children inherit", async () => {
    // (The module name is split so that the source check below does not take this script for a spawn.)
    const r = await runChild(process.execPath, ["-e", `require("child" + "_process").spawnSync(process.execPath, ["-e", "console.log(process.env.${RUN_ENV})"], { stdio: "inherit" })`], { timeoutMs: 30_000 });
    expect(r.stdout.trim()).toBe(process.env[RUN_ENV]);
  });

  it("kills a child past its deadline and says so", async () => {
    const r = await runChild(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { timeoutMs: 300 });
    expect(r).toMatchObject({ timedOut: true, signal: "SIGKILL", code: null });
  });
});

// In this order even under --sequence.shuffle: the second test checks what the first one left.
describe("the per-test hook", { shuffle: false }, () => {
  let left: Child | undefined;
  afterAll(() => {
    // The hook of the previous test ended it: nothing of it is running or registered.
    expect(left?.alive()).toBe(false);
    expect(registered(left?.pid ?? -1)).toBe(false);
    expect(liveChildren()).toBe(0);
  });

  it("(a test that leaves a child running)", async () => {
    left = spawnChild(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);
    await waitFor(() => processStartTime(left?.pid ?? -1) !== null, 5_000, "the child to start");
  });

  it("ended the previous test's child", async () => {
    await waitFor(() => left?.alive() === false, 5_000, "the previous test's child to be killed");
  });
});

describe("test code", () => {
  /** Every .ts file under the folders that hold tests and their helpers. */
  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      if (name === "node_modules" || name === "dist" || name.startsWith(".")) return [];
      return statSync(full).isDirectory() ? sources(full) : full.endsWith(".ts") ? [full] : [];
    });
  }

  it("starts processes only through test/support/children.ts", () => {
    const helper = path.join(ROOT, "test/support/children.ts");
    const files = [...sources(path.join(ROOT, "test")), ...sources(path.join(ROOT, "src")), ...sources(path.join(ROOT, "adapters"))]
      .filter((f) => f !== helper && (f.endsWith(".test.ts") || f.startsWith(path.join(ROOT, "test") + path.sep)));
    const offenders = files.filter((f) => /from\s+["'](node:)?child_process["']|(require|import)\(\s*["'](node:)?child_process["']\s*\)/.test(readFileSync(f, "utf8")));
    expect(offenders.map((f) => path.relative(ROOT, f))).toEqual([]);
  });
});
