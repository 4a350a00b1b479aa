// Loaded into a `crier run` by bench/memory-compare.mjs --split (NODE_OPTIONS=--import=…): samples
// process.memoryUsage() every 100 ms and, on SIGTERM, writes the first sample and the one with the
// highest RSS to $CRIER_MEMORY_PROBE. A diagnostic of the bench only, never part of Crier.
import { writeFileSync } from "node:fs";
import v8 from "node:v8";

const file = process.env.CRIER_MEMORY_PROBE;
if (file && process.argv.some((a) => a === "run")) {
  let first = null;
  let max = null;
  setInterval(() => {
    const u = process.memoryUsage();
    first ??= u;
    if (!max || u.rss > max.rss) max = { ...u, spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, [s.space_size, s.space_used_size]])) };
  }, 100).unref();
  process.prependListener("SIGTERM", () => {
    if (first) writeFileSync(file, JSON.stringify({ first, max }));
  });
}
