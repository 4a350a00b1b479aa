import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
const { scanIdentities } = await import("/work/wt/speed/dist/src/intake/scan-keys.js");
const { parseFeed } = await import("/work/wt/speed/dist/src/intake/parse.js");
const { identify, identifyScanned } = await import("/work/wt/speed/dist/src/intake/select-new.js");
const { default: Parser } = await import("rss-parser");
const wp = readFileSync("/tmp/cf/feed-0.xml");
const url = null;
async function t(name, f, n = 40) { for (let i = 0; i < 10; i++) await f(); const c = process.cpuUsage(); for (let i = 0; i < n; i++) await f(); const d = process.cpuUsage(c); console.log(name.padEnd(28), ((d.user + d.system) / 1000 / n).toFixed(2)); }
const scan = scanIdentities(wp, null, url);
const known = new Map(scan.items.slice(1).map((x, i) => [i + 1, x]));
for (let r = 0; r < 2; r++) {
await t("bare rss-parser", () => new Parser().parseString(wp.toString()));
await t("scan", () => scanIdentities(wp, null, url));
await t("scan+identifyScanned", () => { const s = scanIdentities(wp, null, url); identifyScanned(s.items, s.channelLink); });
await t("sha256", () => createHash("sha256").update(wp).digest("hex"));
await t("parseFeed full", () => parseFeed(wp, null, "f", url));
await t("parseFeed 49 known", () => parseFeed(wp, null, "f", url, { known: { count: 50, items: known } }));
const p = await parseFeed(wp, null, "f", url, { known: { count: 50, items: known } });
await t("identify", () => identify(p.items, p.channelLink, p.legacyLinks));
}
