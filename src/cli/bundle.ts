/**
 * The CLI's bundle (dist/src/crier.cjs, built by build.mjs; the entry, src/main.ts, loads it): one
 * CommonJS file, so that V8's code cache can hold it (./code-cache.ts). What a command does not use
 * stays uninitialised inside it: each `import()` of Crier's own modules is a module initialised on
 * first use, and packages load by `require` where those modules first need them.
 */
export { runCli } from "../cli.js";
// For a test preload that adds a platform to the registry this very bundle uses (test/support/pull-platform.mjs).
export { adapterLoaders } from "../../adapters/registry.js";
export const adapterKit = async (): Promise<typeof import("../core/index.js")> => import("../core/index.js");
