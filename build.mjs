// `npm run build`: tsc emits every module into dist/ (tests, the bench and the docs generator import
// them one by one), then esbuild replaces the CLI entry, dist/src/cli.js, with a bundle of Crier's own
// modules: Node 20 has no compile cache, and resolving, reading and compiling ~180 small modules cost
// a command more CPU than the work it does. Each lazy `import()` in the CLI (a command's services,
// the adapter registry, each adapter) stays lazy as a chunk of its own (dist/src/chunks/). Packages stay external,
// loaded from node_modules as published (better-sqlite3 and sharp are native, and a command's import
// floor, bench/lib/goals.mjs, stays what that command really needs), by `require` as that floor loads
// them (the require-commonjs plugin below). The adapter registry and the
// adapter kit are entries with fixed names (dist/src/bundle/): a test preload that adds a platform
// to the registry the CLI uses (test/support/pull-platform.mjs) imports those very module instances.
import { chmodSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { execFile, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
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
//
// An ES module package (zod: ~230 files on every command's path) is loaded by `require` too where
// Node can (require(esm), Node >= 20.19): the same files and module instances as `import` gives,
// but read and linked synchronously, as the import floor loads them, rather than through the ESM
// loader's async reads and promise jobs (~10 ms of CPU for zod alone). Older Nodes `import` it.
const requireCommonJs = {
  name: "require-commonjs",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== "import-statement" || args.namespace !== "file") return undefined;
      // One shim per importing file, bundled with it: a shim shared by files of several chunks would be a chunk of its own.
      const shim = { pluginData: { specifier: args.path, importer: args.importer }, path: `${args.path}?${path.relative(process.cwd(), args.importer)}` };
      if (args.path.startsWith("node:")) return { ...shim, namespace: "builtin" };
      if (importsAsCommonJs(args.path) || esmWrapsCommonJs(args.path)) return { ...shim, namespace: "require-commonjs" };
      return requirableEsm(args.path) ? { ...shim, namespace: "require-esm" } : undefined;
    });
    // Node's own modules too: an ES module's import of one builds its namespace from every export,
    // calling each lazy getter (node:fs loads fs/promises and its streams, node:net BlockList and
    // SocketAddress, node:crypto WebCrypto): ~10 ms of CPU that `require` (the import floor) never pays.
    b.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => {
      const { specifier, importer } = args.pluginData;
      const names = exportNames(require(specifier), importer, specifier);
      return {
        contents: `const m = process.getBuiltinModule(${JSON.stringify(specifier)});\nexport default m;\n` + (names.length ? `export const { ${names.join(", ")} } = m;\n` : ""),
        loader: "js",
      };
    });
    b.onLoad({ filter: /.*/, namespace: "require-commonjs" }, (args) => {
      const { specifier, importer } = args.pluginData;
      const names = exportNames(require(specifier), importer, specifier);
      return {
        contents:
          `const m = process.getBuiltinModule("node:module").createRequire(import.meta.url)(${JSON.stringify(specifier)});\nexport default m;\n` +
          (names.length ? `export const { ${names.join(", ")} } = m;\n` : ""),
        loader: "js",
        resolveDir: process.cwd(),
      };
    });
    b.onLoad({ filter: /.*/, namespace: "require-esm" }, (args) => {
      const { specifier, importer } = args.pluginData;
      const spec = JSON.stringify(specifier);
      const namespace = require(fileURLToPath(import.meta.resolve(specifier)));
      const names = exportNames(namespace, importer, specifier);
      return {
        contents:
          // import.meta.resolve: the file `import` would load (the package's "import" condition), not its CommonJS build.
          `const m = process.features.require_module ? process.getBuiltinModule("node:module").createRequire(import.meta.url)(process.getBuiltinModule("node:url").fileURLToPath(import.meta.resolve(${spec}))) : await import(${spec});\n` +
          ("default" in namespace ? "export default m.default;\n" : "") +
          (names.length ? `export const { ${names.join(", ")} } = m;\n` : ""),
        loader: "js",
        resolveDir: process.cwd(),
      };
    });
  },
};

/**
 * The names of `exported` to bind as constants in `importer`'s shim: those its imports from
 * `specifier` name (zod has ~260: each shim would repeat them all), or every one (not `default`,
 * not `__esModule`) where it imports the namespace or re-exports. A name missing fails the build.
 */
function exportNames(exported, importer, specifier) {
  const all = Object.keys(exported).filter((n) => n !== "default" && n !== "__esModule" && /^[A-Za-z_$][\w$]*$/.test(n));
  const source = readFileSync(importer, "utf8");
  const from = `\\s+from\\s+["']${specifier.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}["']`;
  if (new RegExp(`\\bexport\\b[^;]*?${from}`).test(source)) return all;
  const names = new Set();
  for (const [, clause] of source.matchAll(new RegExp(`\\bimport\\s+([^;'"]*?)${from}`, "g"))) {
    if (/^type\s/.test(clause)) continue; // erased
    if (clause.includes("*")) return all;
    const named = /\{([^}]*)\}/.exec(clause)?.[1] ?? "";
    for (const part of named.split(",").map((p) => p.trim()).filter(Boolean)) if (!part.startsWith("type ")) names.add(part.split(/\s+as\s+/)[0]);
  }
  return [...names].filter((n) => n !== "default");
}

/**
 * Whether a package's ES module entry is a wrapper that imports its CommonJS main (commander's
 * esm.mjs): `require` gives the very same module instance, and Node lexes nothing.
 */
function esmWrapsCommonJs(specifier) {
  try {
    const esm = fileURLToPath(import.meta.resolve(specifier));
    const main = require.resolve(specifier);
    if (path.dirname(esm) !== path.dirname(main) || !/\.c?js$/.test(main) || esm === main) return false;
    return new RegExp(`\\bfrom\\s+["']\\./${path.basename(main).replace(/\./g, "\\.")}["']`).test(readFileSync(esm, "utf8"));
  } catch {
    return false;
  }
}

/**
 * Whether an ES module package loads by `require` here (Node's require(esm); not where a module of
 * it awaits at top level). Its exports are bound once: none of these packages reassigns an export.
 */
function requirableEsm(specifier) {
  if (!process.features.require_module) return false;
  try {
    require(fileURLToPath(import.meta.resolve(specifier)));
    return true;
  } catch {
    return false; // not installed here, or not loadable by require: left to Node's import
  }
}

// `node build.mjs help DIR`: only the last step, on a built dist/src folder (the tests run it on a
// copy); `help-render CLI`: that step's child process.
if (process.argv[2] === "help" || process.argv[2] === "help-render") {
  await (process.argv[2] === "help" ? writePrebuiltHelp : renderHelpForms)(process.argv[3]);
  process.exit(0);
}

rmSync("dist", { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"], { stdio: "inherit" });
await build({
  entryPoints: { cli: "src/main.ts", "bundle/adapters": "adapters/registry.ts", "bundle/core": "src/core/index.ts" },
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

await writePrebuiltHelp("dist/src");

// Prebuilt help (issue 17): commander alone costs `crier --help` as much CPU as the rest of Node's
// start-up. Here the built CLI renders every help form through commander, as a pipe sees it (80
// columns), into DIR/help.json; the entry (src/main.ts, src/cli/prebuilt-help.ts) prints from it
// without loading commander. Every build writes it anew: a description changed in src/cli.ts is in
// the next build's help, and no one writes or commits the text by hand.
async function writePrebuiltHelp(dir) {
  if (!dir) throw new Error("build: usage: node build.mjs help DIST_SRC_FOLDER");
  const cli = path.join(dir, "cli.js");
  // No terminal, no colour, no config: the rendering the fast path replays (a terminal of another width goes to commander).
  const env = { PATH: process.env.PATH ?? "", CRIER_NO_PREBUILT_HELP: "1" };
  const rendered = await new Promise((resolve, reject) =>
    execFile(process.execPath, [fileURLToPath(import.meta.url), "help-render", cli], { env, encoding: "utf8", maxBuffer: 1 << 26, timeout: 120_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`build: help step: rendering the help of ${cli} failed: ${err.message}${stderr.slice(-1000)}`)) : resolve(JSON.parse(stdout)),
    ),
  );
  // A form is kept only when it printed, on one stream, the text some command's --help prints.
  const helpTexts = new Set(rendered.filter((r) => r.args.at(-1) === "--help" && r.code === 0 && !r.stderr).map((r) => r.stdout));
  const rootHelp = rendered.find((r) => r.args.length === 1 && r.args[0] === "--help");
  if (!rootHelp || !helpTexts.has(rootHelp.stdout)) throw new Error(`build: help step: \`${cli} --help\` printed no help (exit ${rootHelp?.code}): ${rootHelp?.stderr.slice(-500)}`);
  const texts = [];
  const forms = [];
  for (const r of rendered) {
    const [stream, text] = r.stderr ? ["stderr", r.stderr] : ["stdout", r.stdout];
    if ((r.stderr && r.stdout) || !helpTexts.has(text)) continue;
    if (text.includes("\u001b")) throw new Error(`build: help step: \`${r.args.join(" ")}\` printed terminal escapes; src/cli/prebuilt-help.ts replays plain text only`);
    if (!texts.includes(text)) texts.push(text);
    forms.push({ args: r.args, stream, code: r.code, text: texts.indexOf(text) });
  }
  writeFileSync(path.join(dir, "help.json"), `${JSON.stringify({ width: 80, forms, texts })}\n`);
}

/**
 * The help step's child (stdout a pipe): every help form rendered by the built program, each by a
 * fresh instance of its module (its own commander objects, as a new process has) with that argv:
 * what it wrote to stdout and stderr and its exit code. One process, not one per form (~70).
 */
async function renderHelpForms(cli) {
  const imports = [...readFileSync(cli, "utf8").matchAll(/\bimport\("(\.\/chunks\/[^"]+\.js)"\)/g)];
  if (imports.length !== 1) throw new Error(`build: help step: ${cli} should import the program (src/cli.ts) as its one chunk; it imports ${imports.length}`);
  const program = new URL(imports[0][1], pathToFileURL(path.resolve(cli))).href;
  let instance = 0;
  const fresh = () => import(`${program}?help-form=${++instance}`);
  // The same commander module as the bundle's (both resolve to node_modules' real path).
  const { Command } = await import("commander");
  const parseAsync = Command.prototype.parseAsync;
  let root;
  Command.prototype.parseAsync = async function () {
    root = this; // the command tree, without parsing anything
  };
  await fresh();
  Command.prototype.parseAsync = parseAsync;
  const commands = [];
  const walk = (c, at) => {
    // A bare command prints help only when it has sub-commands and no action (commander's private field: no public one).
    commands.push({ at, group: c.commands.length > 0, bare: c.commands.length > 0 && typeof c._actionHandler !== "function" });
    for (const sub of c.commands) walk(sub, [...at, sub.name()]);
  };
  walk(root, []);
  // Each command's --help and -h; a group's bare name, `help`, and `help` with each command below it.
  const below = (at) => commands.filter((c) => c.at.length > at.length && at.every((n, i) => c.at[i] === n)).map((c) => c.at.slice(at.length));
  const forms = commands.flatMap(({ at, group, bare }) => [[...at, "--help"], [...at, "-h"], ...(bare ? [at] : []), ...(group ? [[...at, "help"], ...below(at).map((rest) => [...at, "help", ...rest])] : [])]);
  process.stdout.setMaxListeners(0); // each instance adds its EPIPE listener
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const rendered = [];
  for (const args of forms) {
    const out = { stdout: "", stderr: "" };
    for (const name of ["stdout", "stderr"]) {
      process[name].write = (chunk, ...rest) => {
        out[name] += String(chunk);
        rest.find((a) => typeof a === "function")?.();
        return true;
      };
    }
    process.argv = [process.execPath, path.resolve(cli), ...args];
    process.exitCode = undefined;
    try {
      await fresh();
    } finally {
      Object.assign(process.stdout, { write: writes.stdout });
      Object.assign(process.stderr, { write: writes.stderr });
    }
    rendered.push({ args, code: process.exitCode ?? 0, ...out });
  }
  process.exitCode = 0;
  writeSync(1, JSON.stringify(rendered));
}
