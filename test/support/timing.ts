/**
 * Deadlines that follow the machine: a test writes what a step takes at most on the quiet
 * reference machine, and `scaled` stretches it by how slow this machine is now. The global setup
 * measures that once (test/support/calibrate.ts); the current load average can only raise it, so a
 * machine that gets busy during the run still gets longer deadlines. Never below the written value.
 */
import os from "node:os";
import { MAX_SCALE } from "./calibrate.js";

/** Vitest's testTimeout and hookTimeout on the quiet reference machine (scaled per file by hygiene.ts). */
export const BASE_TIMEOUT_MS = 30_000;

/** The calibrated factor, set by the global setup for the whole run (or by hand, to force one). */
export const SCALE_ENV = "CRIER_TEST_TIME_SCALE";

export function timeScale(): number {
  const calibrated = Number(process.env[SCALE_ENV]) || 1;
  // A CPU-bound process on a machine with load L over N cores gets about N/L of a core.
  const busy = (os.loadavg()[0] ?? 0) / os.availableParallelism();
  return Math.min(MAX_SCALE, Math.max(1, calibrated, busy));
}

/** `ms` as a deadline on this machine: at least `ms`, longer when the machine is slower or busy. */
export function scaled(ms: number): number {
  return Math.ceil(ms * timeScale());
}

/**
 * Polls `check` until it returns true, failing after `timeoutMs` (a reference-machine figure,
 * scaled). A check that is itself slow (a CLI run) is not repeated back to back: the wait between
 * two checks is at least as long as the last check took, so that polling never takes more than
 * half of a core from the processes under test. `explain`, when given, adds what the processes said
 * to the failure (a child's stderr), so that a timeout in CI can be read without a rerun.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, explain?: () => string): Promise<void> {
  const limit = scaled(timeoutMs);
  const end = Date.now() + limit;
  for (;;) {
    const started = Date.now();
    if (await check()) return;
    const now = Date.now();
    if (now >= end) break;
    const pause = Math.min(Math.max(25, now - started), end - now);
    await new Promise((r) => setTimeout(r, pause)); // the polling interval, not a wait for anything
  }
  const said = explain ? `\n--- what the processes said ---\n${explain()}` : "";
  throw new Error(`timed out after ${limit} ms (${timeoutMs} ms scaled by ${timeScale().toFixed(2)}) waiting for ${what}${said}`);
}

/**
 * Waits until the wall clock reaches `at` (epoch ms). For the waits where time itself is the
 * condition — a TTL, a rate-limit window, a processing delay — with `at` taken from the record of
 * when it ends (the server's, the store's), never from a guessed duration.
 */
export async function untilClock(at: number): Promise<void> {
  // Timers may fire a millisecond before Date.now() reaches their end: check again.
  while (Date.now() < at) await new Promise((r) => setTimeout(r, Math.max(1, at - Date.now())));
}
