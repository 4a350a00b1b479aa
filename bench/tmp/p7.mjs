// One-new-item poll, phases: profile only the measured polls.
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
const { changedFeed } = await import("/work/wt/speed/bench/lib/goals.mjs");
const s = new Session(); s.connect();
await s.post("Profiler.enable");
globalThis.__prof = s;
const r = await changedFeed({ dir: "/tmp/cf2", feeds: 4, rounds: 6, destinations: 3 }, new URL("file:///work/wt/speed/"));
console.log(JSON.stringify({ one: r.oneNew, bare: r.bareOneNew, no: r.noNew }));
