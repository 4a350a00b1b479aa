// The module-loader half of record-loads.mjs (runs on the loader's thread).
import { appendFileSync } from "node:fs";

let out = "";
export function initialize(data) {
  out = data.out;
}
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(out, `load ${resolved.url}\n`);
  return resolved;
}
// Every module the ESM loader loads (`esm-load`: read asynchronously, then linked by promise jobs;
// require(esm) loads without these hooks). A CommonJS file it loads (imported, not required): Node
// lexes its source for export names.
export async function load(url, context, next) {
  const loaded = await next(url, context);
  appendFileSync(out, `esm-load ${url}\n`);
  if (loaded.format === "commonjs") appendFileSync(out, `esm-commonjs ${url}\n`);
  return loaded;
}
