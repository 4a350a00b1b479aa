// `npm run build`: tsc emits every module into dist/ (tests, the bench and the docs generator import
// them one by one), then esbuild replaces the CLI entry, dist/src/cli.js, with a bundle of Crier's own
// modules: Node 20 has no compile cache, and resolving, reading and compiling ~180 small modules cost
// a command more CPU than the work it does. Each lazy `import()` in the CLI (a command's services,
// the adapter registry, each adapter) stays lazy as a chunk of its own (dist/src/chunks/). Packages stay external,
// loaded from node_modules as published: better-sqlite3 and sharp are native, and a command's import
// floor (bench/lib/goals.mjs) stays what that command really needs. The adapter registry and the
// adapter kit are entries with fixed names (dist/src/bundle/): a test preload that adds a platform
// to the registry the CLI uses (test/support/pull-platform.mjs) imports those very module instances.
import { chmodSync, readFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const require = createRequire(import.meta.url);

/** Whether Node's ESM resolution of a package specifier lands on a CommonJS file. */
function importsAsCommonJs(specifier) {
  let file;
  try {
    file = fileURLToPath(import.meta.resolve(specifier));
  } catch {
    return false; // not installed here (an optional platform's package): left to Node
  }
  if (file.endsWith(".cjs")) return true;
  if (!file.endsWith(".js")) return false;
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).type !== "module";
    } catch {
      // no package.json here: look further up
    }
  }
  return true;
}

// A CommonJS package imported by an ESM module makes Node lex its whole source for export names
// (cjs-module-lexer, in JS): on ipaddr.js's 38 KB the lexer grows hot and V8 optimises it, ~280M
// instructions (a fifth of `crier validate`). Static imports of such packages load them with
// `require` instead, as the command's import floor does; the names imported are read at build time.
const requireCommonJs = {
  name: "require-commonjs",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== "import-statement" || args.namespace !== "file" || args.path.startsWith("node:")) return undefined;
      return importsAsCommonJs(args.path) ? { path: args.path, namespace: "require-commonjs" } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: "require-commonjs" }, (args) => {
      const names = Object.keys(require(args.path)).filter((n) => n !== "default" && /^[A-Za-z_$][\w$]*$/.test(n));
      return {
        contents:
          `import { createRequire } from "node:module";\nconst m = createRequire(import.meta.url)(${JSON.stringify(args.path)});\nexport default m;\n` +
          (names.length ? `export const { ${names.join(", ")} } = m;\n` : ""),
        loader: "js",
        resolveDir: process.cwd(),
      };
    });
  },
};

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
  plugins: [requireCommonJs],
});
chmodSync("dist/src/cli.js", 0o755);
