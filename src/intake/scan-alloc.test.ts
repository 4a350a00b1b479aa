/**
 * What a no-new-item poll's identity scan allocates, measured with V8's sampling heap profiler
 * (every object sampled, the collected ones too): a changed feed with no new item is the most
 * frequent parse-side poll, and what it leaves for the young-generation GC is paid by every poll.
 */
import { Session } from "node:inspector/promises";
import { describe, expect, it } from "vitest";
import { scanIdentities } from "./scan-keys.js";
import { identifyScanned } from "./select-new.js";
import { buildRss, newsItems } from "../../test/support/rss.js";

const FEED_URL = "https://feeds.example.net/news.xml";

/** Bytes allocated per call of `run`, averaged over `times` calls after a warm-up. */
async function allocatedPerCall(run: () => void, times: number): Promise<number> {
  for (let i = 0; i < 30; i++) run();
  const session = new Session();
  session.connect();
  try {
    await session.post("HeapProfiler.enable");
    await session.post("HeapProfiler.startSampling", { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    for (let i = 0; i < times; i++) run();
    const { profile } = await session.post("HeapProfiler.stopSampling");
    type Node = { selfSize: number; children: Node[] };
    const total = (node: Node): number => node.selfSize + node.children.reduce((sum, child) => sum + total(child), 0);
    return total(profile.head as Node) / times;
  } finally {
    session.disconnect();
  }
}

describe("the identity scan of a changed WordPress feed", () => {
  it("allocates less than the body's size: no string of the article bodies, no pieces joined, no match per element", async () => {
    const items = newsItems(50).map((item) => ({ ...item, content: `<p>${"Lorem ipsum dolor sit amet, consectetur. ".repeat(130)}</p>` }));
    const body = Buffer.from(buildRss(items));
    const scan = (): void => {
      const scanned = scanIdentities(body, null, FEED_URL);
      if (!scanned || identifyScanned(scanned.items, scanned.channelLink)?.length !== 50) throw new Error("the scan gave up");
    };
    const bytes = await allocatedPerCall(scan, 40);
    expect(body.length).toBeGreaterThan(250_000);
    // Before the scan gathered its bytes in one buffer and stopped allocating per element: ~1.45x the body.
    expect(bytes).toBeLessThan(body.length);
  });
});
