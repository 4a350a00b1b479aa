import { readFileSync } from "node:fs";
const { scanIdentities } = await import("/work/wt/speed/dist/src/intake/scan-keys.js");
const { parseFeed } = await import("/work/wt/speed/dist/src/intake/parse.js");
const wp = readFileSync("/tmp/cf2/feed-0.xml");
const scan = scanIdentities(wp, null, null);
console.log(scan.items.length, scan.items[0]);
const known = new Map(scan.items.map((x, i) => [i, x]));
const p = await parseFeed(wp, null, "f", null, { known: { count: 50, items: known } });
console.log(p.items.filter((i) => i.title === "").length);
