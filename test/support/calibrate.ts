/**
 * How much slower this machine is, right now, than the quiet reference machine the test deadlines
 * were written on: the median time of a small fixed CPU workload and of starting `node -e 0`, each
 * divided by its reference. The larger ratio wins (a busy machine slows process starts more than
 * arithmetic), never below 1, so that no deadline is ever shorter than the one written in the test.
 */
import { createHash } from "node:crypto";
import { runChild } from "./children.js";

/**
 * Medians on the project's 2-core machine (Node 20) at the quietest moments observed: it is
 * shared, so never fully idle (these are the lowest medians its global setup measured).
 * Re-measure if the reference machine changes: the global setup prints both figures each run.
 */
export const REFERENCE = { cpuMs: 16, spawnMs: 75 } as const;

/** Deadlines grow at most this much: a machine slower than that needs a look, not longer waits. */
export const MAX_SCALE = 6;

export interface Calibration {
  cpuMs: number;
  spawnMs: number;
  /** max(cpuMs / REFERENCE.cpuMs, spawnMs / REFERENCE.spawnMs), clamped to [1, MAX_SCALE]. */
  scale: number;
}

/** A fixed amount of the work tests do most (hashing, JSON, string building), synchronously. */
function cpuWorkload(): void {
  let text = "";
  for (let i = 0; i < 4_000; i++) text += JSON.stringify({ id: i, title: `Story ${i}`, tags: ["a", "b", i % 7] });
  let digest = "";
  for (let i = 0; i < 60; i++) digest = createHash("sha256").update(text).update(digest).digest("hex");
  if (JSON.parse(`[${text.replaceAll("}{", "},{")}]`).length !== 4_000 || digest.length !== 64) throw new Error("calibration workload broke");
}

async function spawnNode(): Promise<void> {
  const r = await runChild(process.execPath, ["-e", "0"], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`calibration: node -e 0 ended with ${r.code ?? r.signal}: ${r.stderr}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function timed(run: () => unknown, times: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

export async function calibrate(times = 5): Promise<Calibration> {
  cpuWorkload(); // warm-up: the first run pays for compilation
  const cpuMs = await timed(cpuWorkload, times);
  const spawnMs = await timed(spawnNode, times);
  const ratio = Math.max(cpuMs / REFERENCE.cpuMs, spawnMs / REFERENCE.spawnMs);
  return { cpuMs, spawnMs, scale: Math.min(MAX_SCALE, Math.max(1, Math.round(ratio * 100) / 100)) };
}
