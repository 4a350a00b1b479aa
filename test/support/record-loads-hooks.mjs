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
