/**
 * Vitest global setup (once per run, in the main process): measures how slow the machine is (the
 * factor `scaled` uses) and opens the registry of child processes; its teardown fails the run
 * when any child a test started is still alive, after killing it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { calibrate } from "./calibrate.js";
import { processStartTime, RUN_ENV, type RegistryEntry } from "./children.js";
import { SCALE_ENV } from "./timing.js";

/** Processes alive now whose environment carries this run's id (children's children included). */
function markedProcesses(run: string): Array<{ pid: number; command: string }> {
  const found: Array<{ pid: number; command: string }> = [];
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return found; // not Linux: the registry alone decides
  }
  for (const p of pids) {
    const pid = Number(p);
    if (pid === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${p}/environ`, "latin1").split("\0");
      if (!env.includes(`${RUN_ENV}=${run}`)) continue;
      const command = readFileSync(`/proc/${p}/cmdline`, "latin1").split("\0").join(" ").trim();
      // Vitest's own workers inherit the variable from this process; they are not the tests' children.
      if (/node_modules[\\/](vitest|tinypool)[\\/]/.test(command)) continue;
      found.push({ pid, command });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function alive(entry: RegistryEntry): boolean {
  try {
    process.kill(entry.pid, 0);
  } catch {
    return false;
  }
  const now = processStartTime(entry.pid);
  return entry.startTime === null || now === null || now === entry.startTime;
}

export async function setup(): Promise<() => void> {
  const run = mkdtempSync(path.join(tmpdir(), "crier-test-run-"));
  process.env[RUN_ENV] = run;
  if (!Number(process.env[SCALE_ENV])) {
    const c = await calibrate();
    process.env[SCALE_ENV] = String(c.scale);
    console.log(`test deadlines x${c.scale} (calibration: workload ${c.cpuMs.toFixed(1)} ms, node -e 0 ${c.spawnMs.toFixed(1)} ms)`);
  }

  return function teardown(): void {
    const leaks: string[] = [];
    const kill = (pid: number): void => {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // ended meanwhile
      }
    };
    for (const name of readdirSync(run)) {
      const entry = JSON.parse(readFileSync(path.join(run, name), "utf8")) as RegistryEntry;
      if (!alive(entry)) continue;
      kill(entry.pid);
      leaks.push(`pid ${entry.pid} (started by "${entry.test || "a beforeAll/afterAll hook"}"): ${entry.command}`);
    }
    for (const p of markedProcesses(run)) {
      if (leaks.some((l) => l.startsWith(`pid ${p.pid} `))) continue;
      kill(p.pid);
      leaks.push(`pid ${p.pid} (a child's child, or started outside test/support/children.ts): ${p.command.slice(0, 300)}`);
    }
    rmSync(run, { recursive: true, force: true });
    if (leaks.length > 0) {
      process.exitCode = 1;
      throw new Error(`${leaks.length} child process(es) outlived their tests (now killed):\n  ${leaks.join("\n  ")}`);
    }
  };
}
