/**
 * Operations on a real config, store and loopback feed server: `preview` shows what was (or will
 * be) posted, rendered by the same call as the delivery, from the stored items, else from the
 * feed read now; `resume` goes through the destination's one owner.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { adapters } from "../../adapters/index.js";
import { startFeedServer, type FeedServer } from "../../test/support/feed-server.js";
import { buildRss, newsItems } from "../../test/support/rss.js";
import { openCrier, type Crier } from "./open.js";
import { SqliteStore } from "../store/sqlite/index.js";

let feeds: FeedServer;
beforeAll(async () => {
  feeds = await startFeedServer();
});
afterAll(async () => {
  await feeds.close();
});

/** A config in a folder of its own: feed `news` to a console destination with a tagged link, hashtags and a tight limit. */
function writeConfig(feedPath: string): { dir: string; configPath: string; posts: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "crier-ops-"));
  const configPath = path.join(dir, "crier.yaml");
  writeFileSync(
    configPath,
    [
      "storage: { path: data/crier.db }",
      "images: { enabled: false }",
      "feeds:",
      `  - { id: news, url: "${feeds.url}${feedPath}", backlog: 2 }`,
      "destinations:",
      "  - id: out",
      "    platform: console",
      "    output: stderr",
      "    file: posts.jsonl",
      "    maxLength: 120",
      "    template: \"{title} {hashtags}\\n{link}\"",
      "    utm: { source: crier, medium: social, campaign: \"{feed}\" }",
      "routes:",
      "  - { feed: news, to: [out] }",
      "",
    ].join("\n"),
  );
  return { dir, configPath, posts: path.join(dir, "posts.jsonl") };
}

const open = (configPath: string, mode: "read" | "write"): Promise<Crier> =>
  openCrier({ configPath, env: {}, adapters, mode, logDestination: pino.destination({ dest: "/dev/null", sync: true }) });

async function withCrier<T>(configPath: string, mode: "read" | "write", work: (c: Crier) => Promise<T>): Promise<T> {
  const crier = await open(configPath, mode);
  try {
    return await work(crier);
  } finally {
    await crier.close();
  }
}

describe("preview", () => {
  it("shows the stored items exactly as they were posted, even when the feed is down now", async () => {
    feeds.setFeed("/posted.xml", buildRss(newsItems(3)));
    const { configPath, posts } = writeConfig("/posted.xml");
    const polled = await withCrier(configPath, "write", (c) => c.operations.pollOnce());
    expect(polled.deliveries.map((d) => d.state)).toEqual(["sent", "sent"]);
    const sent = new Map(readFileSync(posts, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { title: string; text: string }).map((p) => [p.title, p.text]));
    expect(sent.size).toBe(2);

    feeds.setMode("/posted.xml", { kind: "status", status: 500 });
    const hits = feeds.hits.length;
    const result = await withCrier(configPath, "read", (c) => c.operations.preview({ feedId: "news", limit: 3 }));
    expect(feeds.hits.length).toBe(hits); // the store had the items: the feed was not asked
    if (!result.ok) throw new Error(result.feedError);
    // Newest first, all three stored items; the two posted ones exactly as posted (tagged link, hashtag, fitted to 120).
    expect(result.previews.map((p) => p.title.split(":")[0])).toEqual(["Story 3", "Story 2", "Story 1"]);
    for (const p of result.previews.filter((x) => sent.has(x.title))) {
      expect(p.post).toBe(sent.get(p.title));
      expect(p.post).toContain("utm_source=crier");
      expect(p).toMatchObject({ limitsFrom: "config", maxLength: 120 });
    }
    expect(result.previews.filter((x) => sent.has(x.title))).toHaveLength(2);
    feeds.setMode("/posted.xml", { kind: "ok" });
  });

  it("reads the feed when nothing is stored yet, and says why when it cannot", async () => {
    feeds.setFeed("/fresh.xml", buildRss(newsItems(4)));
    const { configPath, dir } = writeConfig("/fresh.xml");
    const fetched = await withCrier(configPath, "read", (c) => c.operations.preview({ feedId: "news", limit: 2 }));
    expect(fetched.ok && fetched.previews.map((p) => p.title.split(":")[0])).toEqual(["Story 4", "Story 3"]);
    expect(existsSync(path.join(dir, "data"))).toBe(false); // read-only: no delivery log was created

    feeds.setMode("/fresh.xml", { kind: "status", status: 500 });
    const down = await withCrier(configPath, "read", (c) => c.operations.preview({ feedId: "news", limit: 2 }));
    expect(down).toEqual({ ok: false, feedError: expect.stringMatching(/^feed news \(http:\/\/127\.0\.0\.1:\d+\/fresh\.xml\): HTTP 500/) });
  });
});

describe("resume", () => {
  it("clears a stored pause and rejection streak through the destination's owner; refuses a pause made by the config", async () => {
    feeds.setFeed("/resume.xml", buildRss(newsItems(1)));
    const { configPath, dir } = writeConfig("/resume.xml");
    const file = path.join(dir, "data/crier.db");
    await withCrier(configPath, "write", async () => undefined); // creates the delivery log
    const store = new SqliteStore(file);
    await store.destinations.putDestinationState({ destinationId: "out", pausedUntil: null, pausedReason: "credentials refused", consecutiveRejections: 4 }, 1);
    await store.close();

    const before = await withCrier(configPath, "read", (c) => c.operations.listDestinations());
    expect(before[0]).toMatchObject({ id: "out", paused: "credentials refused", needsOperator: true, consecutiveRejections: 4 });
    expect(await withCrier(configPath, "write", (c) => c.operations.resume({ destinationId: "out" }))).toEqual({ destination: "out", resumed: true });
    const after = await withCrier(configPath, "read", (c) => c.operations.listDestinations());
    expect(after[0]).toMatchObject({ id: "out", paused: null, needsOperator: false, consecutiveRejections: 0 });

    await expect(withCrier(configPath, "write", (c) => c.operations.resume({ destinationId: "ot" }))).rejects.toThrow(/no destination "ot" in .*; did you mean `out`\?/);
  });
});
