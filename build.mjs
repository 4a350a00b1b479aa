// `npm run build`: tsc emits every module into dist/ (tests, the bench and the docs generator import
// them one by one), then esbuild writes the CLI: the program, Crier's own modules in one CommonJS
// file (dist/src/crier.cjs), and the entry that loads it, dist/src/cli.js. Node 20 has no compile
// cache, and resolving, reading and compiling ~180 small modules cost a command more CPU than the
// work it does; one CommonJS file is what a V8 code cache can hold (src/cli/code-cache.ts). Each lazy
// `import()` in the CLI (a command's services, the adapter registry, each adapter) stays lazy: a
// module of the bundle initialised on first use. Packages stay external, loaded by `require` from
// node_modules as published (better-sqlite3 and sharp are native, and a command's import floor,
// bench/lib/goals.mjs, stays what that command really needs). The bundle also exports the adapter
// registry and kit: a test preload that adds a platform to the registry the CLI uses
// (test/support/pull-platform.mjs) requires that very bundle instance.
import { chmodSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { execFile, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const require = createRequire(import.meta.url);

// Node's own modules in the entry (an ES module): an ES import of one builds its namespace from every
// export, calling each lazy getter (node:fs loads fs/promises and its streams): ~10 ms of CPU that
// `require` (the import floor) never pays. process.getBuiltinModule gives the module object itself.
const builtinsByGetter = {
  name: "builtins-by-getter",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => {
      if (args.kind !== "import-statement" || args.namespace !== "file") return undefined;
      return { path: `${args.path}?${path.relative(process.cwd(), args.importer)}`, namespace: "builtin", pluginData: { specifier: args.path, importer: args.importer } };
    });
    b.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => {
      const { specifier, importer } = args.pluginData;
      const names = exportNames(require(specifier), importer, specifier);
      return {
        contents: `const m = process.getBuiltinModule(${JSON.stringify(specifier)});\nexport default m;\n` + (names.length ? `export const { ${names.join(", ")} } = m;\n` : ""),
        loader: "js",
      };
    });
  },
};

/**
 * The names of `exported` to bind as constants in `importer`'s shim: those its imports from
 * `specifier` name, or every one (not `default`, not `__esModule`) where it imports the namespace
 * or re-exports. A name missing fails the build.
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

// `node build.mjs help DIR`: only the last step, on a built dist/src folder (the tests run it on a
// copy); `help-render CLI`: that step's child process.
if (process.argv[2] === "help" || process.argv[2] === "help-render") {
  await (process.argv[2] === "help" ? writePrebuiltHelp : renderHelpForms)(process.argv[3]);
  process.exit(0);
}

rmSync("dist", { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json"], { stdio: "inherit" });
// What every part of the CLI is built with. Packages stay external, loaded by `require` from
// node_modules as published, where a module first uses them; source maps name src/ files, as tsc's
// do (read with --enable-source-maps, which turns the code cache off).
const node = { bundle: true, platform: "node", target: "node20", packages: "external", sourcemap: true, legalComments: "none", logLevel: "warning" };
// The program: one CommonJS file, which V8's code cache can hold (src/cli/code-cache.ts).
await build({
  ...node,
  entryPoints: ["src/cli/bundle.ts"],
  outfile: "dist/src/crier.cjs",
  format: "cjs",
  // createRequire(import.meta.url) in the sources: the bundle's own URL.
  define: { "import.meta.url": "__crierBundleUrl" },
  banner: { js: 'const __crierBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  // A package's import() becomes require() of its CommonJS build: an import() in code compiled by
  // vm.Script needs Node's experimental main-context loader (and its warning on stderr).
  supported: { "dynamic-import": false },
});
// The start past help: the code cache installed, then the program required through it (CommonJS:
// the entry requires it, so that `crier --help` loads none of it, node:crypto and node:vm included).
await build({ ...node, entryPoints: ["src/cli/start.ts"], outfile: "dist/src/start.cjs", format: "cjs" });
// The entry: the help fast path, nothing else (an ES module: src/main.ts awaits).
await build({ ...node, entryPoints: { cli: "src/main.ts" }, outdir: "dist/src", format: "esm", plugins: [builtinsByGetter] });
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
  const bundle = path.join(path.dirname(path.resolve(cli)), "crier.cjs");
  const fresh = async () => {
    delete require.cache[bundle];
    await require(bundle).runCli(process.argv);
  };
  // The same commander module as the bundle's (both resolve to node_modules' real path).
  const { Command } = require("commander");
  const parseAsync = Command.prototype.parseAsync;
  let root;
  Command.prototype.parseAsync = async function () {
    root = this; // the command tree, without parsing anything
  };
  process.argv = [process.execPath, path.resolve(cli)];
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
