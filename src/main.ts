#!/usr/bin/env node
/**
 * The `crier` executable (bundled as dist/src/cli.js): a help request prints the text the build
 * rendered (src/cli/prebuilt-help.ts) and loads nothing else; any other argv runs the commander
 * program, src/cli.ts, loaded only then.
 */
import { printPrebuiltHelp } from "./cli/prebuilt-help.js";

if (!printPrebuiltHelp(new URL("./help.json", import.meta.url), process.argv.slice(2), process.env)) await import("./cli.js");
