/**
 * The one way a test starts a child process. Every child is registered twice: in this worker (so
 * that the per-file hooks of test/support/hygiene.ts kill it after its test, even when an
 * assertion failed) and as a file in the run's registry folder (so that the global teardown finds
 * any child that outlived its worker and fails the run). Every child also carries the run's id in
 * its environment, which its own children inherit: the teardown finds those too.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Set by the global setup for the whole run (workers inherit it): the registry folder. */
export const RUN_ENV = "CRIER_TEST_RUN";

export interface RegistryEntry {
  pid: number;
  /** The kernel's start time of the process (Linux), so that a reused pid is not taken for it. */
  startTime: string | null;
  command: string;
  test: string;
}

export interface Child {
  child: ChildProcess;
  pid: number;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name) when the process has ended. */
  exited: Promise<number | string>;
  alive: () => boolean;
  /** Stops it: SIGTERM (or `signal`), SIGKILL after `graceMs`; resolves once it has ended. */
  stop: (signal?: NodeJS.Signals, graceMs?: number) => Promise<number | string>;
}

/** "test" while a test (with its beforeEach/afterEach) runs, "file" in beforeAll/afterAll. */
let scope: "test" | "file" = "file";
let currentTest = "";
const live = new Map<number, { child: Child; scope: "test" | "file"; signalled: boolean }>();

export function enterTest(name: string): void {
  scope = "test";
  currentTest = name;
}

export function leaveTest(): void {
  scope = "file";
  currentTest = "";
}

/** The kernel's start time of a process (field 22 of /proc/PID/stat), or null off Linux / when gone. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function registryFile(pid: number): string | null {
  const dir = process.env[RUN_ENV];
  return dir ? path.join(dir, `${pid}.json`) : null;
}

/**
 * Starts `command args` with its output captured, registered until it ends. The environment is
 * exactly `options.env` (tests pass what the child needs) plus the run's id.
 */
export function spawnChild(command: string, args: readonly string[], options: Omit<SpawnOptions, "stdio"> & { env?: Record<string, string | undefined> } = {}): Child {
  const run = process.env[RUN_ENV];
  const proc = spawn(command, [...args], {
    ...options,
    env: { ...(options.env ?? { PATH: process.env.PATH ?? "" }), ...(run ? { [RUN_ENV]: run } : {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  let running = proc.pid !== undefined;
  const pid = proc.pid ?? -1;
  const file = running ? registryFile(pid) : null;
  // "close", not "exit": the output is complete once the streams have ended.
  const exited = new Promise<number | string>((resolve) => {
    const done = (result: number | string): void => {
      running = false;
      live.delete(pid);
      if (file) rmSync(file, { force: true });
      resolve(result);
    };
    proc.on("close", (code, signal) => done(code ?? signal ?? "unknown"));
    proc.on("error", (e) => {
      err += `\n[spawn failed: ${e.message}]`;
      if (proc.pid === undefined) done("spawn-error");
    });
  });
  const child: Child = {
    child: proc,
    pid,
    stdout: () => out,
    stderr: () => err,
    exited,
    alive: () => running,
    stop: async (signal = "SIGTERM", graceMs = 10_000) => {
      if (!running) return exited;
      const entry = live.get(pid);
      if (entry) entry.signalled = true;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  if (running) {
    live.set(pid, { child, scope, signalled: false });
    const wrapKill = proc.kill.bind(proc);
    // A test's own kill (SIGTERM for a clean stop) marks it: the hook then grants a grace period.
    proc.kill = (signal?: NodeJS.Signals | number) => {
      const entry = live.get(pid);
      if (entry) entry.signalled = true;
      return wrapKill(signal);
    };
    if (file) {
      const entry: RegistryEntry = { pid, startTime: processStartTime(pid), command: [command, ...args].join(" ").slice(0, 300), test: currentTest };
      writeFileSync(file, JSON.stringify(entry));
    }
  }
  return child;
}

/**
 * Runs a child to its end with a deadline: past it the child is killed (SIGKILL) and the result
 * says so in `timedOut`. Never rejects.
 */
export async function runChild(
  command: string,
  args: readonly string[],
  options: Omit<SpawnOptions, "stdio"> & { env?: Record<string, string | undefined>; timeoutMs: number },
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; timedOut: boolean }> {
  const { timeoutMs, ...spawnOptions } = options;
  const c = spawnChild(command, args, spawnOptions);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    c.child.kill("SIGKILL");
  }, timeoutMs);
  const result = await c.exited;
  clearTimeout(timer);
  return {
    code: typeof result === "number" ? result : null,
    signal: typeof result === "string" ? result : null,
    stdout: c.stdout(),
    stderr: c.stderr(),
    timedOut,
  };
}

/**
 * Ends the children of a scope still running: one the test already signalled gets `graceMs` to
 * finish its shutdown, the others are killed at once (SIGKILL). Returns what was still running.
 */
export async function stopChildren(which: "test" | "all", graceMs: number): Promise<string[]> {
  const left = [...live.values()].filter((e) => which === "all" || e.scope === "test");
  await Promise.all(
    left.map(async (e) => {
      if (!e.child.alive()) return;
      if (!e.signalled) e.child.child.kill("SIGKILL");
      const timer = setTimeout(() => e.child.child.kill("SIGKILL"), graceMs);
      await e.child.exited;
      clearTimeout(timer);
    }),
  );
  return left.map((e) => `pid ${e.child.pid}: ${e.child.child.spawnargs.join(" ").slice(0, 200)}`);
}

/** The registered children of this worker that are still running. */
export function liveChildren(): number {
  return [...live.values()].filter((e) => e.child.alive()).length;
}
