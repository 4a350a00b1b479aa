#!/usr/bin/env node
/**
 * The `crier` executable (bundled as dist/src/cli.js): a help request prints the text the build
 * rendered (src/cli/prebuilt-help.ts) and loads nothing else; any other argv runs the commander
 * program (src/cli.ts, in the bundle dist/src/crier.cjs), its code and its libraries' compiled
 * through the command's code cache (src/cli/start.ts, src/cli/code-cache.ts; `CRIER_CODE_CACHE=off`
 * turns it off).
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { printPrebuiltHelp } from "./cli/prebuilt-help.js";

if (!printPrebuiltHelp(new URL("./help.json", import.meta.url), process.argv.slice(2), process.env)) {
  const { start } = createRequire(import.meta.url)("./start.cjs") as typeof import("./cli/start.js");
  await start(fileURLToPath(new URL("./crier.cjs", import.meta.url)), process.argv);
}
