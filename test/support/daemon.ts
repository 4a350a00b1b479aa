/** Runs `crier run` (or any crier command: startCrier) from the built CLI as a child process that tests can signal or kill. */
import { spawn, type ChildProcess } from "node:child_process";
import { CLI, ROOT } from "./cli.js";

export interface Daemon {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
  alive: () => boolean;
}

export function startDaemon(config: string, env: Record<string, string> = {}): Daemon {
  return startCrier(config, ["run"], env);
}

/** `crier --config CONFIG ...args` as a child process, watched while it runs (e.g. `poll --once --wait 30`). */
export function startCrier(config: string, args: string[], env: Record<string, string> = {}): Daemon {
  const child = spawn(process.execPath, [CLI, "--config", config, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  let running = true;
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => {
      running = false;
      resolve(code ?? signal ?? "unknown");
    });
  });
  return { child, stdout: () => out, stderr: () => err, exited, alive: () => running };
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
