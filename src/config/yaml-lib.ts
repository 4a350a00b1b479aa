/**
 * The `yaml` package (74 files), loaded on first use: it is needed only for a syntax error, a
 * problem or warning to locate by line, or aliases (load.ts); a valid config never loads it.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const yamlLib = (): typeof import("yaml") => require("yaml") as typeof import("yaml");
