// `npm run build`: tsc emits every module into dist/ (tests, the bench and the docs generator import
// them one by one), then esbuild replaces the CLI entry, dist/src/cli.js, with a bundle of Crier's own
// modules: Node 20 has no compile cache, and resolving, reading and compiling ~180 small modules cost
// a command more CPU than the work it does. Each lazy `import()` in the CLI (a command's services,
// the adapter registry, each adapter) stays lazy as a chunk of its own (dist/src/chunks/). Packages stay external,
// loaded from node_modules as published: better-sqlite3 and sharp are native, and a command's import
// floor (bench/lib/goals.mjs) stays what that command really needs. The adapter registry and the
// adapter kit are entries with fixed names (dist/src/bundle/): a test preload that adds a platform
// to the registry the CLI uses (test/support/pull-platform.mjs) imports those very module instances.
import { chmodSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { build } from "esbuild";

const require = createRequire(import.meta.url);

rmSync("dist", { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"], { stdio: "inherit" });
await build({
  entryPoints: { cli: "src/cli.ts", "bundle/adapters": "adapters/registry.ts", "bundle/core": "src/core/index.ts" },
  outdir: "dist/src",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true, // names src/ files, as tsc's maps do (read with --enable-source-maps)
  legalComments: "none",
  logLevel: "warning",
});
chmodSync("dist/src/cli.js", 0o755);
