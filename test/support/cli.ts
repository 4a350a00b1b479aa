/** Runs the BUILT crier CLI (npm test builds first) as a child process. */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = path.join(ROOT, "dist/src/cli.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? "", ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
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

/** Parses JSON lines (pino logs, console posts file). */
export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
