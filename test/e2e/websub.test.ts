/**
 * WebSub end to end: `crier run` discovers the hub in the feed, subscribes with a callback on its
 * own listener, is verified, renews its lease, posts what the hub pushes (once, whatever its media
 * type), ignores pushes that fail authentication, refuses verifications it never asked for, and
 * stops polling the feed on its schedule while the subscription is active (the safety net is slow).
 * The loopback hub is on a private address: these tests allow them (network.allowPrivateAddresses),
 * except the one that shows such a hub is never asked by default.
 */
import { readFileSync, existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems, type TestItem } from "../support/rss.js";
import { scaled } from "../support/timing.js";
import { jsonLines, runCli, writeConfig } from "../support/cli.js";
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
function feedNamingHub(items: TestItem[], topic: string, hubUrl: string): string {
  return buildRss(items)
    .replace('<rss version="2.0"', '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"')
    .replace("<channel>", `<channel>\n  <atom:link rel="hub" href="${hubUrl}"/>\n  <atom:link rel="self" type="application/rss+xml" href="${topic}"/>`);
}

function feedWithHub(items: TestItem[], topic: string): string {
  return feedNamingHub(items, topic, hub.url);
}

/** The same items as a JSON Feed 1.1 (ids are the RSS guids, so an item is the same item in either form). */
function jsonFeed(items: TestItem[], topic: string): string {
  return JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title: "Test News",
    home_page_url: "https://news.example.org",
    feed_url: topic,
    hubs: [{ type: "WebSub", url: hub.url }],
    items: items.map((i) => ({ id: i.guid, url: i.link, title: i.title, content_html: i.description, date_published: i.pubDate?.toISOString() })),
  });
}

/** `crier subscriptions --json`. */
async function subscriptions(config: string): Promise<Array<Record<string, unknown>>> {
  const out = await runCli(["--config", config, "subscriptions", "--json"]);
  return JSON.parse(out.stdout) as Array<Record<string, unknown>>;
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
network: { allowPrivateAddresses: true }
publicListener: { url: "http://127.0.0.1:${port}", listen: { host: 127.0.0.1, port: ${port} } }
websub:
  secret: "\${WEBSUB_SECRET}"
  leaseSeconds: 4
  renewBeforeSeconds: 2
feeds:
  - { id: news, url: "${topic}", schedule: "* * * * * *" }
  - { id: control, url: "${feeds.url}/control.xml", schedule: "* * * * * *" }
destinations:
  - { id: log, platform: console, output: stderr, file: posts.jsonl }
routes:
  - { feed: news, to: [log] }
  - { feed: control, to: [log] }
`);
    // A feed without a hub on the same schedule: its fetches show the schedule's ticks.
    feeds.setFeed("/control.xml", buildRss(newsItems(3, { host: "https://control.example.org" })));
    const controlFetches = (): number => feeds.hits.filter((h) => h.path === "/control.xml").length;
    const posts = (): string[] => {
      const file = path.join(dir, "posts.jsonl");
      return existsSync(file) ? jsonLines(readFileSync(file, "utf8")).map((p) => String(p.title)) : [];
    };
    const crierFetches = (): number => feeds.hits.filter((h) => h.path === "/pushed.xml" && h.userAgent?.startsWith("Crier")).length;
    const daemon = startDaemon(config, { WEBSUB_SECRET: SECRET });
    try {
      // Discovery from the feed (§4) and subscription (§5.1), verified by the hub (§5.3).
      const first = await hub.waitFor((h) => h.subscriptions().find((s) => s.topic === topic && s.verified), scaled(15_000));
      expect(first.callback).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/websub/[A-Za-z0-9_-]{20,}$`));
      const asked = hub.requests().find((r) => r.mode === "subscribe");
      expect(asked?.secret).toMatch(/^[0-9a-f]{64}$/); // derived per subscription, never the master key
      expect(asked?.secret).not.toContain(SECRET);
      expect(daemon.stderr()).not.toContain(SECRET);

      // The lease (4 s) is renewed before it runs out, on the same callback.
      await hub.waitFor((h) => h.requests().filter((r) => r.mode === "subscribe" && r.status === 202).length >= 2, scaled(10_000));
      await hub.waitFor((h) => h.verifications().filter((v) => v.mode === "subscribe" && v.status === 200).length >= 2, scaled(10_000));
      expect(new Set(hub.requests().filter((r) => r.mode === "subscribe").map((r) => r.callback))).toEqual(new Set([first.callback]));

      // While subscribed, the every-second schedule does not fetch the feed (polling is the slow safety net).
      const fetchesBefore = crierFetches();
      const ticksBefore = controlFetches();
      await waitFor(() => controlFetches() >= ticksBefore + 3, 10_000, "three ticks of the schedule (the control feed's polls)");
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
      const refused = (): number => daemon.stderr().split("failed authentication").length - 1;
      await waitFor(() => refused() >= 2, 10_000, "both forged pushes to be handled (and refused)");
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
  }, scaled(90_000));

  it("keeps its subscription across a restart, polls normally when the hub denies it, and unsubscribes a feed taken off WebSub", async () => {
    // Its own hub, granting long leases: no renewal falls due while the test checks that a restart asks nothing.
    const hub = await startWebSubHub();
    const feedWithHub = (list: TestItem[], topic: string): string => feedNamingHub(list, topic, hub.url);
    const topic = `${feeds.url}/kept.xml`;
    let items = newsItems(5);
    feeds.setFeed("/kept.xml", feedWithHub(items, topic));
    const port = await freePort();
    const yaml = (websubOnFeed: boolean) => `
storage: { path: data/crier.db }
network: { allowPrivateAddresses: true }
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
    try {
      await hub.waitFor((h) => h.subscriptions().find((s) => s.topic === topic && s.verified), scaled(15_000));
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
      await hub.waitFor((h) => h.verifications().find((v) => v.mode === "unsubscribe" && v.topic === topic && v.status === 200), scaled(15_000));
      await hub.waitFor((h) => !h.subscriptions().some((s) => s.topic === topic), scaled(5_000));
      items = [...newsItems(1, { start: 7 }), ...items];
      feeds.setFeed("/kept.xml", feedWithHub(items, topic));
      await waitFor(() => posted().includes("Story 7"), 10_000, "polling to find the article");
      daemon.child.kill("SIGTERM");
      expect(await daemon.exited).toBe(0);

      // Back on WebSub: subscribed again; then the hub withdraws it (§5.2 denial) and polling takes over.
      writeConfig(yaml(true), dir);
      daemon = startDaemon(config, { WEBSUB_SECRET: SECRET });
      await hub.waitFor((h) => h.subscriptions().find((s) => s.topic === topic && s.verified), scaled(15_000));
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
    } finally {
      daemon.child.kill("SIGTERM");
      await daemon.exited;
      await hub.close();
    }
  }, scaled(90_000));

  it("posts pushes sent as a JSON Feed (application/json) and as text/plain, checking the signature over their bytes", async () => {
    const topic = `${feeds.url}/typed.xml`;
    let items = newsItems(5);
    feeds.setFeed("/typed.xml", feedWithHub(items, topic));
    const port = await freePort();
    const { config, dir } = writeConfig(`
storage: { path: data/crier.db }
network: { allowPrivateAddresses: true }
websub: { publicUrl: "http://127.0.0.1:${port}", listen: { port: ${port} }, secret: "\${WEBSUB_SECRET}" }
feeds:
  - { id: typed, url: "${topic}", schedule: "0 0 1 1 *" }
destinations:
  - { id: log, platform: console, output: stderr, file: posts.jsonl }
routes:
  - { feed: typed, to: [log] }
`);
    const posts = (): string[] => {
      const file = path.join(dir, "posts.jsonl");
      return existsSync(file) ? jsonLines(readFileSync(file, "utf8")).map((p) => String(p.title).slice(0, 7)) : [];
    };
    const daemon = startDaemon(config, { WEBSUB_SECRET: SECRET });
    try {
      await hub.waitFor((h) => h.subscriptions().find((s) => s.topic === topic && s.verified), scaled(15_000));

      // A JSON Feed, as a hub that relays the topic's own media type sends it.
      items = [...newsItems(1, { start: 6 }), ...items];
      const [json] = await hub.publish(topic, { body: jsonFeed(items, topic), contentType: "application/json" });
      expect(json?.status).toBe(202);
      await waitFor(() => posts().includes("Story 6"), 10_000, "the JSON Feed push to be posted");

      // A JSON push signed with another key is still ignored.
      const forged = [...newsItems(1, { start: 7 }), ...items];
      const [wrong] = await hub.publish(topic, { body: jsonFeed(forged, topic), contentType: "application/json", signature: "wrong" });
      expect(wrong?.status).toBe(202);
      await waitFor(() => daemon.stderr().includes("failed authentication"), 5_000, "the forged push to be ignored");

      // RSS sent as text/plain.
      items = [...newsItems(1, { start: 8 }), ...items];
      const [text] = await hub.publish(topic, { body: buildRss(items), contentType: "text/plain; charset=utf-8" });
      expect(text?.status).toBe(202);
      await waitFor(() => posts().includes("Story 8"), 10_000, "the text/plain push to be posted");
      expect(posts()).toEqual(["Story 6", "Story 8"]);
    } finally {
      daemon.child.kill("SIGTERM");
      expect(await daemon.exited).toBe(0);
    }
  }, scaled(60_000));

  it("never asks a hub on a private address unless allowed: no request, and the subscription says why", async () => {
    const privateHub = await startWebSubHub();
    try {
      const topic = `${feeds.url}/private-hub.xml`;
      feeds.setFeed("/private-hub.xml", feedNamingHub(newsItems(3), topic, privateHub.url));
      const port = await freePort();
      const yaml = (network: string) => `
storage: { path: data/crier.db }
${network}
websub: { publicUrl: "http://127.0.0.1:${port}", listen: { port: ${port} }, secret: "\${WEBSUB_SECRET}", retryMs: 1000 }
feeds:
  - { id: guarded, url: "${topic}", schedule: "0 0 1 1 *" }
destinations:
  - { id: log, platform: console, output: stderr, file: posts.jsonl }
routes:
  - { feed: guarded, to: [log] }
`;
      // Default: private addresses refused (the feed itself, configured by the operator, is still fetched).
      const { config, dir } = writeConfig(yaml(""));
      let daemon = startDaemon(config, { WEBSUB_SECRET: SECRET });
      try {
        let sub: Record<string, unknown> | undefined;
        await waitFor(async () => {
          sub = (await subscriptions(config))[0];
          return typeof sub?.lastError === "string";
        }, 15_000, "the refused subscription to be recorded");
        expect(sub).toMatchObject({ feedId: "guarded", hub: privateHub.url, state: "failed" });
        const error = String(sub?.lastError);
        expect(error).toContain(`refused to ask the hub ${privateHub.url} named by feed guarded: 127.0.0.1 is a private address (loopback); nothing was sent`);
        expect(error).toContain("network.allowPrivateAddresses: true");
        expect(error).not.toMatch(/HTTP \d{3}/);
        expect(privateHub.requests()).toEqual([]);
        expect(privateHub.verifications()).toEqual([]);
        expect(daemon.stderr()).toContain("the hub is on a non-public address");
      } finally {
        daemon.child.kill("SIGTERM");
        expect(await daemon.exited).toBe(0);
      }

      // The deprecated images.allowPrivateAddresses still reads, covers hubs too, and says what to write instead.
      writeConfig(yaml("images: { enabled: false, allowPrivateAddresses: true }"), dir);
      const validate = await runCli(["--config", config, "validate"]);
      expect(validate.stdout).toMatch(/warning: line \d+: images\.allowPrivateAddresses: deprecated; write `network: \{ allowPrivateAddresses: true \}` instead/);
      // So do the deprecated websub.publicUrl and websub.listen: the public listener, with what to write instead.
      expect(validate.stdout).toContain(
        `websub.publicUrl: websub.publicUrl and websub.listen are deprecated; write \`publicListener: { url: http://127.0.0.1:${port}, listen: { host: 127.0.0.1, port: ${port} } }\` instead`,
      );
      daemon = startDaemon(config, { WEBSUB_SECRET: SECRET });
      try {
        await privateHub.waitFor((h) => h.subscriptions().find((s) => s.topic === topic && s.verified), scaled(15_000));
        await waitFor(async () => (await subscriptions(config))[0]?.state === "active", 10_000, "the subscription to be active");
        expect((await subscriptions(config))[0]?.lastError).toBeNull();
      } finally {
        daemon.child.kill("SIGTERM");
        expect(await daemon.exited).toBe(0);
      }
    } finally {
      await privateHub.close();
    }
  }, scaled(60_000));
});
