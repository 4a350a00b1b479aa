/**
 * The CLI's start past the help fast path (bundled as dist/src/start.cjs, loaded by the entry,
 * src/main.ts, only then: `crier --help` loads none of it): the code cache installed for the command
 * argv names (./code-cache.ts), then the program, dist/src/crier.cjs, required through it and run.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { commandInArgv } from "./command-in-argv.js";
import { COMMAND_NAMES } from "./command-names.js";
import { codeCacheDir, installCodeCache, installRoots } from "./code-cache.js";

/** Runs the command in argv (process.argv) with the program in `bundle` (dist/src/crier.cjs). */
export async function start(bundle: string, argv: readonly string[]): Promise<void> {
  // The install: dist/src/ is two folders down. Its own files and packages are what the cache holds.
  const root = path.resolve(path.dirname(bundle), "../..");
  const dir = codeCacheDir(process.env, path.join(root, "node_modules", ".cache", "crier"), process.sourceMapsEnabled);
  if (dir) installCodeCache({ dir, key: commandInArgv(argv.slice(2), COMMAND_NAMES) ?? "crier", roots: installRoots(root) });
  const { runCli } = createRequire(bundle)(bundle) as typeof import("./bundle.js");
  await runCli(argv);
}
