/**
 * Reading feeds, end to end through the built CLI: what a loopback feed server serves becomes
 * posts (console destination, JSON lines) and rows in a real SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { jsonLines, runCli, writeConfig } from "../support/cli.js";

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => server.close());

interface PollJson {
  feeds: Array<{ feedId: string; status: string; new?: number; queued?: number; skipped?: number; error?: string; warnings?: string[] }>;
  deliveries: Array<{ destinationId: string; state: string; title: string }>;
}

function setup(feedPath: string, backlog: number) {
  const { dir, config } = writeConfig(`
storage: { path: data/crier.db }
feeds:
  - { id: news, url: "${server.url}${feedPath}", backlog: ${backlog}, timeoutMs: 2000 }
destinations:
  - { id: out, platform: console, output: stderr, file: posts.jsonl }
routes:
  - { feed: news, to: [out] }
`);
  const posts = (): Array<{ text: string; link: string | null; title: string }> => {
    const file = path.join(dir, "posts.jsonl");
    return existsSync(file) ? (jsonLines(readFileSync(file, "utf8")) as Array<{ text: string; link: string | null; title: string }>) : [];
  };
  const poll = async (): Promise<{ code: number | null; json: PollJson }> => {
    const r = await runCli(["--config", config, "poll", "--once", "--json"]);
    if (!r.stdout.trim().startsWith("{")) throw new Error(`no JSON from poll (exit ${r.code}): ${r.stderr}`);
    return { code: r.code, json: JSON.parse(r.stdout) as PollJson };
  };
  /** The items table as the store has it (read-only, after the CLI has exited). */
  const storedItems = (): Array<{ item_key: string; link: string; left_at: number | null }> => {
    const db = new Database(path.join(dir, "data/crier.db"), { readonly: true });
    try {
      return db.prepare("SELECT item_key, link, left_at FROM items WHERE feed_id = 'news' ORDER BY item_key").all() as Array<{ item_key: string; link: string; left_at: number | null }>;
    } finally {
      db.close();
    }
  };
  return { posts, poll, storedItems };
}

const SITE = "https://www.example-news.com";
/** A news site's RSS as a CDN or feed proxy serves it: relative item links, the site in the channel. */
function proxiedRss(items: Array<{ n: number; link: string }>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example News</title><link>${SITE}</link><description>News</description>
${items.map((i) => `<item><title>Story ${i.n}</title><link>${i.link}</link><description>Text of story ${i.n}.</description><pubDate>${new Date(Date.UTC(2026, 0, 1, 8, i.n)).toUTCString()}</pubDate></item>`).join("\n")}
</channel></rss>`;
}

describe("relative item links", () => {
  it("resolve against the site, not the proxy serving the feed; items stored under the old resolution are not posted again", async () => {
    const s = setup("/proxy/example-news.xml", 1);
    // The first poll as an earlier Crier made it: it resolved "/content/N" against the feed's URL,
    // so it stored (and posted) the proxy's host. The same rows come from serving those links.
    server.setFeed("/proxy/example-news.xml", proxiedRss([2, 1].map((n) => ({ n, link: `${server.url}/content/${n}` }))));
    const first = await s.poll();
    expect(first.json.feeds[0]).toMatchObject({ status: "parsed", new: 2, queued: 1 });
    expect(s.posts().map((p) => p.link)).toEqual([`${server.url}/content/2`]);
    expect(s.storedItems().map((i) => i.item_key)).toEqual([`link:${server.url}/content/1`, `link:${server.url}/content/2`]);

    // The feed as it really is (relative links), read by this Crier: nothing new, nothing posted,
    // and the stored items are still in the feed (not marked as having left it).
    server.setFeed("/proxy/example-news.xml", proxiedRss([2, 1].map((n) => ({ n, link: `/content/${n}` }))));
    const second = await s.poll();
    expect(second.code).toBe(0);
    expect(second.json.feeds[0]).toMatchObject({ status: "parsed", new: 0, queued: 0 });
    expect(s.posts()).toHaveLength(1);
    expect(s.storedItems()).toEqual([
      { item_key: `link:${server.url}/content/1`, link: `${server.url}/content/1`, left_at: null },
      { item_key: `link:${server.url}/content/2`, link: `${server.url}/content/2`, left_at: null },
    ]);

    // A new article: posted once, linking to the site.
    server.setFeed("/proxy/example-news.xml", proxiedRss([3, 2, 1].map((n) => ({ n, link: `/content/${n}` }))));
    const third = await s.poll();
    expect(third.json.feeds[0]).toMatchObject({ status: "parsed", new: 1, queued: 1 });
    expect(third.json.deliveries.map((d) => `${d.title}:${d.state}`)).toEqual(["Story 3:sent"]);
    expect(s.posts().map((p) => p.link)).toEqual([`${server.url}/content/2`, `${SITE}/content/3`]);
    expect(s.posts()[1]?.text).toContain(`${SITE}/content/3`);
    expect(s.storedItems().map((i) => i.item_key)).toContain(`link:${SITE}/content/3`);
  });
});

describe("what a feed's items say", () => {
  it("a JSON Feed with version \"1.1\" is read, with the warning in the poll report", async () => {
    const s = setup("/bare-version.json", 1);
    server.setFeed(
      "/bare-version.json",
      JSON.stringify({ version: "1.1", title: "J", home_page_url: "https://j.example.org/", items: [{ id: "j1", url: "/posts/1", title: "JSON story", content_text: "Plain text body." }] }),
    );
    const { code, json } = await s.poll();
    expect(code).toBe(0);
    expect(json.feeds[0]).toMatchObject({ status: "parsed", new: 1, queued: 1 });
    expect(json.feeds[0]?.warnings).toEqual([`"version" is "1.1", not the spec's URL (https://jsonfeed.org/version/1.1): read as JSON Feed 1.1`]);
    expect(s.posts().map((p) => [p.title, p.link])).toEqual([["JSON story", "https://j.example.org/posts/1"]]);
  });

  it("Atom html with unescaped markup is posted whole, base64 content decoded, binary content never posted", async () => {
    const s = setup("/atom.xml", 3);
    const b64 = (text: string): string => Buffer.from(text).toString("base64");
    server.setFeed(
      "/atom.xml",
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><link href="https://a.example.org/"/>
      <entry><id>a1</id><title type="html">Example <b>bold</b> title</title><link href="https://a.example.org/1"/><summary type="html">Example <a href="test.html">test</a></summary><updated>2026-01-01T08:01:00Z</updated></entry>
      <entry><id>a2</id><title>Encoded</title><link href="https://a.example.org/2"/><content type="text/html" mode="base64">${b64("<p>Decoded body text</p>")}</content><updated>2026-01-01T08:02:00Z</updated></entry>
      <entry><id>a3</id><title>Picture</title><link href="https://a.example.org/3"/><content type="image/png">${b64("\u0089PNG binary")}</content><updated>2026-01-01T08:03:00Z</updated></entry>
      </feed>`,
    );
    const { json } = await s.poll();
    expect(json.feeds[0]).toMatchObject({ status: "parsed", new: 3, queued: 3 });
    expect(s.posts().map((p) => p.text)).toEqual([
      "Example bold title\n\nExample test\n\nhttps://a.example.org/1",
      "Encoded\n\nDecoded body text\n\nhttps://a.example.org/2",
      "Picture\n\nhttps://a.example.org/3",
    ]);
  });

  it("a podcast item with only itunes:title and itunes:summary is posted", async () => {
    const s = setup("/podcast.xml", 1);
    server.setFeed(
      "/podcast.xml",
      `<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Pod</title><link>https://pod.example.org/</link>
      <item><itunes:title>Episode 7</itunes:title><itunes:summary>Guests and news.</itunes:summary><guid isPermaLink="false">ep-7</guid><link>https://pod.example.org/7</link></item>
      </channel></rss>`,
    );
    const { json } = await s.poll();
    expect(json.feeds[0]).toMatchObject({ status: "parsed", new: 1, queued: 1 });
    expect(s.posts().map((p) => p.text)).toEqual(["Episode 7\n\nGuests and news.\n\nhttps://pod.example.org/7"]);
  });
});
