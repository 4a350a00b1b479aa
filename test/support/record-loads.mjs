// Preloaded with `node --import` by test/e2e/startup.test.ts: appends to $CRIER_LOAD_LOG every
// module the process loads (ESM through a resolve hook, CommonJS through Module._load), every
// V8 flag set at run time (v8.setFlagsFromString), every grapheme segmenter built (ICU's break
// rules: ~15 ms), every SQL text better-sqlite3 compiles or runs (`sql <text>`) and every function
// compiled from text (`function-from-text`), every CommonJS file loaded by `import` (`esm-commonjs`:
// Node lexes its source for export names), every module the ESM loader loads (`esm-load`), every
// command commander defines (`commander-command NAME`), one line each; at exit, how many zod
// schemas the process built (`zod-schemas N`) and Node's own modules it loaded (`node-builtin NAME`).
// Node's modules by process.getBuiltinModule, not imported: an import of node:fs would load its lazy
// exports (fs.ReadStream's streams), which the `node-builtin` lines must show only when Crier does.
const { appendFileSync } = process.getBuiltinModule("node:fs");
const Module = process.getBuiltinModule("node:module");
const { register } = Module;
const v8 = process.getBuiltinModule("node:v8");

const out = process.env.CRIER_LOAD_LOG;
if (!out) throw new Error("record-loads: set CRIER_LOAD_LOG to a file");
register("./record-loads-hooks.mjs", import.meta.url, { data: { out } });
const load = Module._load;
Module._load = function recorded(request, parent, isMain) {
  const exported = load.call(this, request, parent, isMain);
  try {
    appendFileSync(out, `load ${Module._resolveFilename(request, parent, isMain)}\n`);
  } catch {
    appendFileSync(out, `load ${request}\n`);
  }
  if (!patchedSqlite && /node_modules\/better-sqlite3\//.test(String(Module._resolveFilename(request, parent, isMain))) && typeof exported?.prototype?.prepare === "function") {
    patchedSqlite = true;
    for (const method of ["prepare", "exec"]) {
      const original = exported.prototype[method];
      exported.prototype[method] = function recordedSql(sql, ...rest) {
        appendFileSync(out, `sql ${String(sql).replace(/\s+/g, " ").trim()}\n`);
        return original.call(this, sql, ...rest);
      };
    }
  }
  // Each command the program defines (`commander-command NAME`), sub-commands included.
  if (!patchedCommander && typeof exported?.Command?.prototype?.command === "function" && /node_modules\/commander\//.test(String(Module._resolveFilename(request, parent, isMain)))) {
    patchedCommander = true;
    const command = exported.Command.prototype.command;
    exported.Command.prototype.command = function recordedCommand(nameAndArgs, ...rest) {
      appendFileSync(out, `commander-command ${String(nameAndArgs).split(/\s+/)[0]}\n`);
      return command.call(this, nameAndArgs, ...rest);
    };
  }
  return exported;
};
let patchedSqlite = false;
let patchedCommander = false;
const Segmenter = Intl.Segmenter;
Intl.Segmenter = class RecordedSegmenter extends Segmenter {
  constructor(...args) {
    appendFileSync(out, `intl-segmenter ${JSON.stringify(args[1] ?? {})}\n`);
    super(...args);
  }
};
// Code compiled from text at run time (`new Function`, as zod's eval-compiled parse fast path does).
globalThis.Function = new Proxy(Function, {
  construct(target, args, newTarget) {
    appendFileSync(out, `function-from-text ${JSON.stringify(String(args.at(-1) ?? "").slice(0, 80))}\n`);
    return Reflect.construct(target, args, newTarget === globalThis.Function ? target : newTarget);
  },
  apply(target, self, args) {
    appendFileSync(out, `function-from-text ${JSON.stringify(String(args.at(-1) ?? "").slice(0, 80))}\n`);
    return Reflect.apply(target, self, args);
  },
});
// zod calls its global post-processor once per schema it constructs, copies included; the global
// config object is the one zod itself uses when it loads later.
let zodSchemas = 0;
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig ?? {}, { postProcessor: () => void zodSchemas++ });
process.on("exit", () => appendFileSync(out, `zod-schemas ${zodSchemas}\n`));
// Node's own modules the process loaded (`node-builtin NAME`, at exit).
process.on("exit", () => appendFileSync(out, process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => `node-builtin ${m.slice(13)}\n`).join("")));
const setFlags = v8.setFlagsFromString;
v8.setFlagsFromString = (flags) => {
  appendFileSync(out, `v8-flags ${flags}\n`);
  setFlags(flags);
};
