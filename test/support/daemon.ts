/** Runs `crier run` (or any crier command: startCrier) from the built CLI as a child process that tests can signal or kill. */
import { spawnChild, type Child } from "./children.js";
import { CLI, ROOT } from "./cli.js";

export { waitFor } from "./timing.js";

export interface Daemon {
  child: Child["child"];
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
  alive: () => boolean;
}

export function startDaemon(config: string, env: Record<string, string> = {}): Daemon {
  return startCrier(config, ["run"], env);
}

/** `crier --config CONFIG ...args` as a registered child process, watched while it runs (e.g. `poll --once --wait 30`). */
export function startCrier(config: string, args: string[], env: Record<string, string> = {}): Daemon {
  const c = spawnChild(process.execPath, [CLI, "--config", config, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  return { child: c.child, stdout: c.stdout, stderr: c.stderr, exited: c.exited, alive: c.alive };
}
