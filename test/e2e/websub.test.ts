/**
 * WebSub end to end: `crier run` discovers the hub in the feed, subscribes with a callback on its
 * own listener, is verified, renews its lease, posts what the hub pushes (once), ignores pushes
 * that fail authentication, refuses verifications it never asked for, and stops polling the feed
 * on its schedule while the subscription is active (the safety net is slow).
 */
import { readFileSync, existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems, type TestItem } from "../support/rss.js";
import { runCli, writeConfig } from "../support/cli.js";
import { startDaemon, waitFor } from "../support/daemon.js";
import { startWebSubHub, type WebSubHub } from "../loopback/websub-hub.js";

const SECRET = "a-master-key-for-websub-tests-0123456789";
let feeds: FeedServer;
let hub: WebSubHub;

beforeAll(async () => {
  feeds = await startFeedServer();
  hub = await startWebSubHub({ minLeaseSeconds: 1, maxLeaseSeconds: 4 });
});
afterAll(async () => {
  await hub.close();
  await feeds.close();
});

/** The feed names its hub and itself, as WordPress's WebSub plugin does. */
function feedWithHub(items: TestItem[], topic: string): string {
  return buildRss(items)
    .replace('<rss version="2.0"', '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"')
    .replace("<channel>", `<channel>\n  <atom:link rel="hub" href="${hub.url}"/>\n  <atom:link rel="self" type="application/rss+xml" href="${topic}"/>`);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("WebSub", () => {
  it("subscribes, renews, posts pushed articles once, ignores forged pushes and refuses unsolicited verifications", async () => {
    const topic = `${feeds.url}/pushed.xml`;
    let items = newsItems(10);
    feeds.setFeed("/pushed.xml", feedWithHub(items, topic));
    const port = await freePort();
    const { config, dir } = writeConfig(`
storage: { path: data/crier.db }
websub:
  publicUrl: "http://127.0.0.1:${port}"
  listen: { host: 127.0.0.1, port: ${port} }
  secret: "\${WEBSUB_SECRET}"
  leaseSeconds: 4
  renewBeforeSeconds: 2
feeds:
  - { id: news, url: "${topic}", schedule: "* * * * * *" }
destinations:
  - { id: log, platform: console, output: stderr, file: posts.jsonl }
routes:
  - { feed: news, to: [log] }
`);
    const posts = (): string[] => {
      const file = path.join(dir, "posts.jsonl");
      return existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { title: string }).title) : [];
    };
    const crierFetches = (): number => feeds.hits.filter((h) => h.path === "/pushed.xml" && h.userAgent?.startsWith("Crier")).length;
    const daemon = startDaemon(config, { WEBSUB_SECRET: SECRET });
    try {
      // Discovery from the feed (§4) and subscription (§5.1), verified by the hub (§5.3).
      const first = await hub.waitFor((h) => h.subscriptions().find((s) => s.topic === topic && s.verified), 15_000);
      expect(first.callback).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/websub/[A-Za-z0-9_-]{20,}$`));
      const asked = hub.requests().find((r) => r.mode === "subscribe");
      expect(asked?.secret).toMatch(/^[0-9a-f]{64}$/); // derived per subscription, never the master key
      expect(asked?.secret).not.toContain(SECRET);
      expect(daemon.stderr()).not.toContain(SECRET);

      // The lease (4 s) is renewed before it runs out, on the same callback.
      await hub.waitFor((h) => h.requests().filter((r) => r.mode === "subscribe" && r.status === 202).length >= 2, 10_000);
      await hub.waitFor((h) => h.verifications().filter((v) => v.mode === "subscribe" && v.status === 200).length >= 2, 10_000);
      expect(new Set(hub.requests().filter((r) => r.mode === "subscribe").map((r) => r.callback))).toEqual(new Set([first.callback]));

      // While subscribed, the every-second schedule does not fetch the feed (polling is the slow safety net).
      const fetchesBefore = crierFetches();
      await new Promise((r) => setTimeout(r, 3_000));
      expect(crierFetches()).toBe(fetchesBefore);

      // A new article, pushed with a valid signature (§7, §7.1): posted.
      items = [...newsItems(1, { start: 11 }), ...items];
      feeds.setFeed("/pushed.xml", feedWithHub(items, topic));
      const [pushed] = await hub.publish(topic);
      expect(pushed?.status).toBe(202);
      await waitFor(() => posts().some((t) => t.startsWith("Story 11")), 10_000, "the pushed article to be posted");

      // Forged pushes (wrong or missing signature) are acknowledged and ignored.
      items = [...newsItems(1, { start: 12 }), ...items];
      feeds.setFeed("/pushed.xml", feedWithHub(items, topic));
      const [wrong] = await hub.publish(topic, { signature: "wrong" });
      const [missing] = await hub.publish(topic, { signature: "missing" });
      expect([wrong?.status, missing?.status]).toEqual([202, 202]);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(posts().some((t) => t.startsWith("Story 12"))).toBe(false);
      expect(daemon.stderr()).toContain("failed authentication");
      // The same article with a good signature (sha512 this time) is posted.
      await hub.publish(topic, { algorithm: "sha512" });
      await waitFor(() => posts().some((t) => t.startsWith("Story 12")), 10_000, "the authenticated push to be posted");

      // A hub that sends no body: Crier fetches the feed itself.
      items = [...newsItems(1, { start: 13 }), ...items];
      feeds.setFeed("/pushed.xml", feedWithHub(items, topic));
      const fetches = crierFetches();
      await hub.publish(topic, { omitBody: true });
      await waitFor(() => posts().some((t) => t.startsWith("Story 13")), 10_000, "the notified article to be fetched and posted");
      expect(crierFetches()).toBe(fetches + 1);

      // Verification requests Crier did not ask for are refused, and the challenge never echoed.
      const forged = await hub.unsolicitedVerification(first.callback, "https://evil.example/feed.xml");
      expect(forged.status).toBe(404);
      expect(forged.body).not.toContain(forged.challenge ?? "-");
      const unknown = await hub.unsolicitedVerification(`http://127.0.0.1:${port}/websub/not-a-subscription`, topic);
      expect(unknown.status).toBe(404);
      const wrongMode = await hub.unsolicitedVerification(first.callback, topic, "unsubscribe");
      expect(wrongMode.status).toBe(404);

      // Exactly once: three articles published after the first run, three posts.
      const titles = posts();
      expect(titles.map((t) => t.slice(0, 8))).toEqual(["Story 11", "Story 12", "Story 13"]);
      const rows = JSON.parse((await runCli(["--config", config, "deliveries", "--json", "--state", "sent"])).stdout) as unknown[];
      expect(rows).toHaveLength(3);
      const subs = JSON.parse((await runCli(["--config", config, "subscriptions", "--json"])).stdout) as Array<Record<string, unknown>>;
      expect(subs).toEqual([expect.objectContaining({ feedId: "news", hub: hub.url, topic, state: "active", lastError: null })]);
      expect(subs[0]?.lastPushAt).toEqual(expect.any(Number));
      expect(JSON.stringify(subs)).not.toMatch(/secret/i);
    } finally {
      daemon.child.kill("SIGTERM");
      expect(await daemon.exited).toBe(0);
    }
  }, 90_000);

  it("keeps its subscription across a restart, polls normally when the hub denies it, and unsubscribes a feed taken off WebSub", async () => {
    const topic = `${feeds.url}/kept.xml`;
    let items = newsItems(5);
    feeds.setFeed("/kept.xml", feedWithHub(items, topic));
    const port = await freePort();
    const yaml = (websubOnFeed: boolean) => `
storage: { path: data/crier.db }
websub: { publicUrl: "http://127.0.0.1:${port}", listen: { port: ${port} }, secret: "\${WEBSUB_SECRET}" }
feeds:
  - { id: kept, url: "${topic}", schedule: "* * * * * *", websub: ${websubOnFeed} }
destinations:
  - { id: log, platform: console, output: stderr, file: posts.jsonl }
routes:
  - { feed: kept, to: [log] }
`;
    const { config, dir } = writeConfig(yaml(true));
    const posted = (): string => (existsSync(path.join(dir, "posts.jsonl")) ? readFileSync(path.join(dir, "posts.jsonl"), "utf8") : "");
    let daemon = startDaemon(config, { WEBSUB_SECRET: SECRET });
    await hub.waitFor((h) => h.subscriptions().find((s) => s.topic === topic && s.verified), 15_000);
    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toBe(0);
    const subscribeRequests = () => hub.requests().filter((r) => r.mode === "subscribe" && r.topic === topic).length;
    const before = subscribeRequests();

    // Restart: the stored subscription is still leased; a push is accepted without subscribing again.
    daemon = startDaemon(config, { WEBSUB_SECRET: SECRET });
    await waitFor(() => daemon.stderr().includes('"crier running"'), 10_000, "the restart");
    items = [...newsItems(1, { start: 6 }), ...items];
    feeds.setFeed("/kept.xml", feedWithHub(items, topic));
    await hub.publish(topic);
    await waitFor(() => posted().includes("Story 6"), 10_000, "the push after the restart to be posted");
    expect(subscribeRequests()).toBe(before);

    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toBe(0);

    // Taken off WebSub in the config: the next start unsubscribes (verified by the hub), and polls.
    writeConfig(yaml(false), dir);
    daemon = startDaemon(config, { WEBSUB_SECRET: SECRET });
    await hub.waitFor((h) => h.verifications().find((v) => v.mode === "unsubscribe" && v.topic === topic && v.status === 200), 15_000);
    await hub.waitFor((h) => !h.subscriptions().some((s) => s.topic === topic), 5_000);
    items = [...newsItems(1, { start: 7 }), ...items];
    feeds.setFeed("/kept.xml", feedWithHub(items, topic));
    await waitFor(() => posted().includes("Story 7"), 10_000, "polling to find the article");
    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toBe(0);

    // Back on WebSub: subscribed again; then the hub withdraws it (§5.2 denial) and polling takes over.
    writeConfig(yaml(true), dir);
    daemon = startDaemon(config, { WEBSUB_SECRET: SECRET });
    await hub.waitFor((h) => h.subscriptions().find((s) => s.topic === topic && s.verified), 15_000);
    await hub.denySubscription(topic, "quota exceeded");
    await waitFor(() => daemon.stderr().includes("the hub denied the subscription"), 10_000, "the denial to be logged");
    items = [...newsItems(1, { start: 8 }), ...items];
    feeds.setFeed("/kept.xml", feedWithHub(items, topic));
    await waitFor(() => posted().includes("Story 8"), 10_000, "polling to find the article after the denial");
    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toBe(0);
    hub.allowSubscription(topic);
    const titles = posted().trim().split("\n").map((l) => (JSON.parse(l) as { title: string }).title.slice(0, 7));
    expect(titles).toEqual(["Story 6", "Story 7", "Story 8"]);
  }, 90_000);
});
