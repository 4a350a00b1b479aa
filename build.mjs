// `npm run build`: tsc emits every module into dist/ (tests, the bench and the docs generator import
// them one by one), then esbuild replaces the CLI entry, dist/src/cli.js, with a bundle of Crier's own
// modules: Node 20 has no compile cache, and resolving, reading and compiling ~180 small modules cost
// a command more CPU than the work it does. Each lazy `import()` in the CLI (a command's services,
// the adapter registry, each adapter) stays lazy as a chunk of its own (dist/src/chunks/). Packages stay external,
// loaded from node_modules as published: better-sqlite3 and sharp are native, and a command's import
// floor (bench/lib/goals.mjs) stays what that command really needs. The adapter registry and the
// adapter kit are entries with fixed names (dist/src/bundle/): a test preload that adds a platform
// to the registry the CLI uses (test/support/pull-platform.mjs) imports those very module instances.
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFile, execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
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

// `node build.mjs help DIR`: only the last step, on a built dist/src folder (the tests run it on a copy).
if (process.argv[2] === "help") {
  await writePrebuiltHelp(process.argv[3]);
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
  const cli = path.join(dir, "cli.js");
  // No terminal, no colour, no config: the one rendering the fast path replays (a terminal of another width goes to commander).
  const env = { PATH: process.env.PATH ?? "", CRIER_NO_PREBUILT_HELP: "1" };
  const run = (args, nodeArgs = []) =>
    new Promise((resolve, reject) =>
      execFile(process.execPath, [...nodeArgs, cli, ...args], { env, encoding: "utf8", maxBuffer: 1 << 24 }, (err, stdout, stderr) =>
        err && typeof err.code !== "number" ? reject(new Error(`build: help step: node ${cli} ${args.join(" ")} failed: ${err.message}`)) : resolve({ args, code: err?.code ?? 0, stdout, stderr }),
      ),
    );
  // The command tree, from the very program object: its parse replaced by a dump (same commander module as the bundle's).
  const dump = `import { Command } from ${JSON.stringify(import.meta.resolve("commander"))};
Command.prototype.parseAsync = async function () {
  const tree = (c) => ({ name: c.name(), commands: c.commands.map(tree) });
  process.stdout.write(JSON.stringify(tree(this)));
};`;
  const dumped = await run([], ["--import", `data:text/javascript,${encodeURIComponent(dump)}`]);
  let root;
  try {
    root = JSON.parse(dumped.stdout);
  } catch {
    throw new Error(`build: help step: could not read the command tree of ${cli} (exit ${dumped.code}): ${dumped.stderr.slice(-500)}`);
  }
  const commands = [];
  const walk = (node, at) => {
    commands.push({ at, group: node.commands.length > 0 });
    for (const c of node.commands) walk(c, [...at, c.name]);
  };
  walk(root, []);
  // Each command's --help and -h; a group's bare name, `help`, and `help` with each command below it.
  const candidates = commands.flatMap(({ at, group }) => [
    [...at, "--help"],
    [...at, "-h"],
    ...(group ? [at, [...at, "help"], ...commands.filter((c) => c.at.length > at.length && at.every((n, i) => c.at[i] === n)).map((c) => [...at, "help", ...c.at.slice(at.length)])] : []),
  ]);
  const rendered = [];
  const queue = [...candidates];
  await Promise.all(Array.from({ length: availableParallelism() }, async () => {
    for (let args = queue.shift(); args; args = queue.shift()) rendered.push(await run(args));
  }));
  // A form is kept only when it printed, on one stream, the text some command's --help prints.
  const helpTexts = new Set(rendered.filter((r) => r.args.at(-1) === "--help" && r.code === 0 && !r.stderr).map((r) => r.stdout));
  const rootHelp = rendered.find((r) => r.args.length === 1 && r.args[0] === "--help");
  if (!rootHelp || !helpTexts.has(rootHelp.stdout)) throw new Error(`build: help step: \`${cli} --help\` printed no help (exit ${rootHelp?.code}): ${rootHelp?.stderr.slice(-500)}`);
  const texts = [];
  const forms = [];
  for (const args of candidates) {
    const r = rendered.find((x) => x.args === args);
    const [stream, text] = r.stderr ? ["stderr", r.stderr] : ["stdout", r.stdout];
    if ((r.stderr && r.stdout) || !helpTexts.has(text)) continue;
    if (text.includes("\u001b")) throw new Error(`build: help step: \`${args.join(" ")}\` printed terminal escapes; src/cli/prebuilt-help.ts replays plain text only`);
    if (!texts.includes(text)) texts.push(text);
    forms.push({ args, stream, code: r.code, text: texts.indexOf(text) });
  }
  writeFileSync(path.join(dir, "help.json"), `${JSON.stringify({ width: 80, forms, texts })}\n`);
}
