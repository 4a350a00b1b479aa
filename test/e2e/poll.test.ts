/**
 * End to end through the built CLI: a loopback feed server, a real SQLite file, the console
 * destination writing JSON lines that the test reads back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems, type TestItem } from "../support/rss.js";
import { jsonLines, runCli, writeConfig } from "../support/cli.js";

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer({ gzip: true });
});
afterAll(async () => server.close());

interface Setup {
  dir: string;
  config: string;
  posts: (dest?: string) => Array<Record<string, unknown>>;
  poll: (...extra: string[]) => Promise<{ code: number | null; json: PollJson; stderr: string }>;
}
interface PollJson {
  feeds: Array<{ feedId: string; status: string; via?: string; new?: number; queued?: number; skipped?: number; error?: string }>;
  deliveries: Array<{ deliveryId: number; feedId: string; destinationId: string; state: string; title: string }>;
  wouldPost: Array<{ destinationId: string; preview?: string }>;
}

function setup(feeds: Array<{ id: string; path: string; backlog?: number }>, routes: Array<{ feed: string; to: string[] }>, destinations = ["out-a", "out-b"]): Setup {
  const yaml = `
storage: { path: data/crier.db }
logLevel: info
feeds:
${feeds.map((f) => `  - { id: ${f.id}, url: "${server.url}${f.path}", backlog: ${f.backlog ?? 0}, timeoutMs: 2000, maxBytes: 1000000 }`).join("\n")}
destinations:
${destinations.map((d) => `  - { id: ${d}, platform: console, output: stderr, file: posts-${d}.jsonl }`).join("\n")}
routes:
${routes.map((r) => `  - { feed: ${r.feed}, to: [${r.to.join(", ")}] }`).join("\n")}
`;
  const { dir, config } = writeConfig(yaml);
  const posts = (dest = destinations[0] ?? ""): Array<Record<string, unknown>> => {
    const file = path.join(dir, `posts-${dest}.jsonl`);
    return existsSync(file) ? jsonLines(readFileSync(file, "utf8")) : [];
  };
  const poll = async (...extra: string[]) => {
    const r = await runCli(["--config", config, "poll", "--once", "--json", ...extra]);
    if (!r.stdout.trim().startsWith("{")) throw new Error(`no JSON from poll (exit ${r.code}): ${r.stderr}`);
    return { code: r.code, json: JSON.parse(r.stdout) as PollJson, stderr: r.stderr };
  };
  return { dir, config, posts, poll };
}

describe("crier poll --once", () => {
  it("posts each new item exactly once per destination, across runs", async () => {
    let items: TestItem[] = newsItems(6);
    server.setFeed("/main.xml", buildRss(items));
    const s = setup([{ id: "main", path: "/main.xml", backlog: 2 }], [{ feed: "main", to: ["out-a", "out-b"] }]);

    // First run: backlog 2 -> the newest two go out, oldest first; the other four are recorded.
    const first = await s.poll();
    expect(first.code).toBe(0);
    expect(first.json.feeds[0]).toMatchObject({ feedId: "main", status: "parsed", new: 6, queued: 4, skipped: 8 });
    for (const dest of ["out-a", "out-b"]) {
      expect(s.posts(dest).map((p) => p.link)).toEqual(["https://news.example.org/2026/11/story-5/", "https://news.example.org/2026/11/story-6/"]);
    }
    expect(String(s.posts()[0]?.text)).toContain("Story 5: council’s plan & the river <update>");

    // Second run: 304, nothing parsed, nothing posted.
    const second = await s.poll();
    expect(second.json.feeds[0]).toMatchObject({ status: "not-modified", via: "304" });
    expect(second.json.deliveries).toEqual([]);
    expect(server.hits.filter((h) => h.path === "/main.xml").at(-1)?.status).toBe(304);

    // A new article is published: posted once to each destination.
    items = [...newsItems(1, { start: 7 }), ...items];
    server.setFeed("/main.xml", buildRss(items));
    const third = await s.poll();
    expect(third.json.feeds[0]).toMatchObject({ status: "parsed", new: 1, queued: 2 });
    expect(third.json.deliveries.map((d) => d.state)).toEqual(["sent", "sent"]);
    expect(s.posts("out-a").map((p) => p.link).at(-1)).toBe("https://news.example.org/2026/11/story-7/");

    // The guid of an old item changes (a CMS migration): not posted again.
    const changed = items.map((i, k) => (k === 3 ? { ...i, guid: `urn:uuid:changed-${k}` } : i));
    server.setFeed("/main.xml", buildRss(changed));
    const fourth = await s.poll();
    expect(fourth.json.feeds[0]).toMatchObject({ status: "parsed", new: 0, queued: 0 });
    expect(s.posts("out-a")).toHaveLength(3);
    expect(s.posts("out-b")).toHaveLength(3);

    // The delivery log agrees with what was received.
    const list = await runCli(["--config", s.config, "deliveries", "--json", "--state", "sent"]);
    const sent = JSON.parse(list.stdout) as Array<{ destinationId: string; remoteId: string; link: string }>;
    expect(sent).toHaveLength(6);
    for (const dest of ["out-a", "out-b"]) {
      const received = s.posts(dest).map((p) => p.remoteId).sort();
      expect(sent.filter((d) => d.destinationId === dest).map((d) => d.remoteId).sort()).toEqual(received);
    }
  });

  it("holds a flood until the operator accepts it, and seeds a newly routed destination without backfill", async () => {
    server.setFeed("/flood.xml", buildRss(newsItems(4)));
    const s = setup([{ id: "flood", path: "/flood.xml" }], [{ feed: "flood", to: ["out-a"] }]);
    expect((await s.poll()).json.feeds[0]).toMatchObject({ status: "parsed", new: 4, queued: 0 });

    // The site moves domain: every link and guid changes at once.
    server.setFeed("/flood.xml", buildRss(newsItems(8, { host: "https://new.example.net" })));
    const held = await s.poll();
    expect(held.code).toBe(3);
    expect(held.json.feeds[0]?.status).toBe("held");
    expect(held.json.feeds[0]?.error).toContain("crier feed accept flood");
    expect((await s.poll()).json.feeds[0]?.status).toBe("held");
    expect(s.posts()).toEqual([]);

    const accept = await runCli(["--config", s.config, "feed", "accept", "flood"]);
    expect(accept.code).toBe(0);
    const after = await s.poll();
    expect(after.json.feeds[0]).toMatchObject({ status: "parsed", new: 8, queued: 0 });
    expect(s.posts()).toEqual([]);

    // Route the feed to a second destination too: seeded with what is there, nothing posted.
    const yaml = readFileSync(s.config, "utf8").replace("to: [out-a]", "to: [out-a, out-b]");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(s.config, yaml);
    const routed = await s.poll();
    expect(routed.json.feeds[0]).toMatchObject({ status: "parsed", queued: 0, skipped: 8 });
    expect(s.posts("out-b")).toEqual([]);

    // The next article reaches both.
    server.setFeed("/flood.xml", buildRss(newsItems(9, { host: "https://new.example.net" })));
    const next = await s.poll();
    expect(next.json.deliveries.map((d) => `${d.destinationId}:${d.state}`).sort()).toEqual(["out-a:sent", "out-b:sent"]);
  });

  it("sends one link to a destination once even when two feeds carry it", async () => {
    server.setFeed("/all.xml", buildRss(newsItems(2)));
    server.setFeed("/politics.xml", buildRss(newsItems(1, { start: 2 }).map((i) => ({ ...i, guid: "politics-2" }))));
    const s = setup(
      [{ id: "all", path: "/all.xml" }, { id: "politics", path: "/politics.xml" }],
      [{ feed: "all", to: ["out-a"] }, { feed: "politics", to: ["out-a"] }],
    );
    await s.poll();
    const story = newsItems(1, { start: 3 });
    server.setFeed("/all.xml", buildRss([...story, ...newsItems(2)]));
    server.setFeed("/politics.xml", buildRss([...story.map((i) => ({ ...i, guid: "politics-3", link: `${i.link}?utm_source=politics#top` })), ...newsItems(1, { start: 2 })]));
    const run = await s.poll();
    // Both feeds are polled side by side: whichever queues the article first posts it, the other is skipped.
    expect(s.posts().map((p) => String(p.link).replace(/#top$/, ""))).toEqual(["https://news.example.org/2026/11/story-3/"]);
    const skipped = await runCli(["--config", s.config, "deliveries", "--json", "--state", "skipped"]);
    const rows = JSON.parse(skipped.stdout) as Array<{ reason: string }>;
    expect(rows.filter((r) => /already delivered to this destination/.test(r.reason))).toHaveLength(1);
    expect(run.json.deliveries.filter((d) => d.state === "sent")).toHaveLength(1);
  });

  it("reports each broken feed by name while the healthy feed still posts", async () => {
    server.setFeed("/good.xml", buildRss(newsItems(1)));
    server.setMode("/err500.xml", { kind: "status", status: 500 });
    server.setMode("/malformed.xml", { kind: "raw", body: "<rss><channel><item><title>broken" });
    server.setMode("/notfeed.xml", { kind: "raw", body: "<html><body>hello</body></html>", contentType: "text/html" });
    server.setMode("/huge.xml", { kind: "huge", bytes: 3_000_000 });
    server.setMode("/loop.xml", { kind: "redirect-loop" });
    server.setMode("/hang.xml", { kind: "hang" });
    const s = setup(
      [
        { id: "good", path: "/good.xml", backlog: 1 },
        { id: "err500", path: "/err500.xml" },
        { id: "malformed", path: "/malformed.xml" },
        { id: "notfeed", path: "/notfeed.xml" },
        { id: "huge", path: "/huge.xml" },
        { id: "loop", path: "/loop.xml" },
        { id: "hang", path: "/hang.xml" },
      ],
      ["good", "err500", "malformed", "notfeed", "huge", "loop", "hang"].map((f) => ({ feed: f, to: ["out-a"] })),
    );
    const yaml = readFileSync(s.config, "utf8").replace(/\n$/, "") + "\n";
    const { writeFileSync } = await import("node:fs");
    writeFileSync(s.config, yaml.replace("feeds:\n", `feeds:\n  - { id: refused, url: "http://127.0.0.1:9/feed.xml" }\n`).replace("routes:\n", "routes:\n  - { feed: refused, to: [out-a] }\n"));
    const r = await s.poll();
    expect(r.code).toBe(3);
    const byId = Object.fromEntries(r.json.feeds.map((f) => [f.feedId, f]));
    expect(byId.good).toMatchObject({ status: "parsed", queued: 1 });
    expect(s.posts()).toHaveLength(1);
    const errors: Record<string, RegExp> = {
      err500: /HTTP 500/,
      malformed: /malformed XML|Unclosed|unexpected/i,
      notfeed: /not an RSS, RDF, Atom or JSON feed/,
      huge: /over the 1000000-byte limit/,
      loop: /redirects/,
      hang: /within 2000 ms/,
      refused: /connection refused/,
    };
    for (const [id, pattern] of Object.entries(errors)) {
      expect(byId[id]?.status, id).toBe("error");
      expect(byId[id]?.error, id).toMatch(new RegExp(`feed "${id}"`));
      expect(byId[id]?.error, id).toMatch(pattern);
    }
  });

  it("--dry-run writes nothing and shows what would be posted", async () => {
    server.setFeed("/dry.xml", buildRss(newsItems(3)));
    const s = setup([{ id: "dry", path: "/dry.xml", backlog: 2 }], [{ feed: "dry", to: ["out-a"] }]);
    const r = await s.poll("--dry-run");
    expect(r.json.feeds[0]).toMatchObject({ status: "parsed", queued: 2 });
    expect(r.json.wouldPost.map((w) => w.preview?.split("\n")[0])).toHaveLength(2);
    expect(existsSync(path.join(s.dir, "data/crier.db"))).toBe(false);
    expect(s.posts()).toEqual([]);
    // A real run afterwards still posts them: the dry run consumed nothing.
    const real = await s.poll();
    expect(real.json.deliveries).toHaveLength(2);
    const dbSize = statSync(path.join(s.dir, "data/crier.db")).size;
    await s.poll("--dry-run");
    expect(statSync(path.join(s.dir, "data/crier.db")).size).toBe(dbSize);
  });

  it("applies route filters (recorded as skipped with the rule), UTM tags and the hashtag table", async () => {
    const items = newsItems(3).map((i, k) => ({ ...i, categories: k === 1 ? ["Sponsored"] : ["Local news", "Uncategorized"] }));
    server.setFeed("/filtered.xml", buildRss(items));
    const { config, dir } = writeConfig(`
storage: { path: data/crier.db }
feeds:
  - { id: filtered, url: "${server.url}/filtered.xml", backlog: 3 }
destinations:
  - id: out
    platform: console
    output: stderr
    file: posts.jsonl
    utm: { source: telegram, campaign: "{feed}-daily" }
    hashtagMap: { "Local news": "Riverside" }
    hashtagIgnore: [Uncategorized]
routes:
  - feed: filtered
    to: [out]
    filter: { exclude: { categories: [sponsored] } }
`);
    const r = await runCli(["--config", config, "poll", "--once", "--json"]);
    expect(r.code).toBe(0);
    const posts = jsonLines(readFileSync(path.join(dir, "posts.jsonl"), "utf8"));
    expect(posts).toHaveLength(2);
    for (const p of posts) {
      expect(String(p.link)).toMatch(/\/\?utm_source=telegram&utm_medium=social&utm_campaign=filtered-daily$/);
      expect(String(p.text)).toContain("#Riverside");
      expect(String(p.text)).not.toContain("#Uncategorized");
    }
    const skipped = JSON.parse((await runCli(["--config", config, "deliveries", "--json", "--state", "skipped"])).stdout) as Array<{ reason: string; title: string }>;
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.reason).toBe('filtered: exclude category "sponsored"');
    // The tagged link is not the identity: the stored normalised link has no utm_*.
    const sent = JSON.parse((await runCli(["--config", config, "deliveries", "--json", "--state", "sent"])).stdout) as Array<{ normLink: string }>;
    for (const row of sent) expect(row.normLink).not.toContain("utm_");
  });
});
