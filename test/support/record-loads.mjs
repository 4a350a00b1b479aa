// Preloaded with `node --import` by test/e2e/startup.test.ts: appends to $CRIER_LOAD_LOG every
// module the process loads (ESM through a resolve hook, CommonJS through Module._load) and every
// V8 flag set at run time (v8.setFlagsFromString), one line each.
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";
import v8 from "node:v8";

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
  return exported;
};
const setFlags = v8.setFlagsFromString;
v8.setFlagsFromString = (flags) => {
  appendFileSync(out, `v8-flags ${flags}\n`);
  setFlags(flags);
};
