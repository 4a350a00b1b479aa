/** Runs the BUILT crier CLI (npm test builds first) as a child process. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runChild } from "./children.js";
import { scaled } from "./timing.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = path.join(ROOT, "dist/src/cli.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `crier ARGS` to its end. `timeoutMs` (a quiet machine's figure, scaled) is a safety net:
 * past it the child is killed and the result's stderr says so (code null).
 */
export async function runCli(args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const limit = scaled(opts.timeoutMs ?? 60_000);
  const r = await runChild(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? "", ...opts.env },
    timeoutMs: limit,
  });
  const note = r.timedOut ? `\n[test harness: crier ${args.join(" ")} killed after ${limit} ms]` : r.signal ? `\n[test harness: crier ended by ${r.signal}]` : "";
  return { code: r.code, stdout: r.stdout, stderr: r.stderr + note };
}

/** Runs `crier ARGS` and parses its JSON output; a failed run throws with its exit code and stderr. */
export async function runCliJson<T>(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<T> {
  const r = await runCli(args, opts);
  if (r.code !== 0) throw new Error(`crier ${args.join(" ")} exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as T;
}

/**
 * A fresh folder with a config file in it; returns the config path. Test articles link to
 * news.example.org, so unless a test configures `images:` itself, image lookup is switched off:
 * tests never reach past 127.0.0.1 (not even for DNS).
 */
export function writeConfig(yaml: string, dir = mkdtempSync(path.join(tmpdir(), "crier-test-"))): { dir: string; config: string } {
  const config = path.join(dir, "crier.yaml");
  // Appended, so that line numbers in config errors stay the test's own.
  writeFileSync(config, /^images:/m.test(yaml) ? yaml : `${yaml.replace(/\n*$/, "\n")}images: { enabled: false }\n`);
  return { dir, config };
}

/**
 * Parses the complete JSON lines (pino logs, console posts file). A file or pipe read while a child
 * writes to it may end inside a line (a write across a page boundary is seen in parts): that last
 * line, with no newline yet, is left for the next read.
 */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .slice(0, text.lastIndexOf("\n") + 1)
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
