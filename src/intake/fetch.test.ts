import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cacheMaxAgeMs, websubHeaderLinks } from "./fetch.js";

describe("cacheMaxAgeMs", () => {
  it.each([
    [null, null],
    ["max-age=300", 300_000],
    ["public, max-age=60, must-revalidate", 60_000],
    ['max-age="120"', 120_000],
    ["MAX-AGE=5", 5_000],
    ["no-cache, max-age=300", null],
    ["no-store", null],
    ["max-age=abc", null],
    ["s-maxage=300", null],
  ])("%s -> %s", (header, expected) => expect(cacheMaxAgeMs(header)).toBe(expected));
});

describe("websubHeaderLinks (RFC 8288 Link headers)", () => {
  const base = "https://news.example.org/feed/";
  it("finds hub and self, resolved against the request URL, in one header or several", () => {
    expect(websubHeaderLinks('<https://hub.example/>; rel="hub", </feed/>; rel="self"', base)).toEqual({ hubs: ["https://hub.example/"], self: "https://news.example.org/feed/" });
    expect(websubHeaderLinks(['<https://a.example/hub>; rel=hub', '<https://b.example/hub>; rel="hub"'], base)).toEqual({
      hubs: ["https://a.example/hub", "https://b.example/hub"],
      self: null,
    });
    expect(websubHeaderLinks('<https://hub.example/>; rel="self hub"', base)).toEqual({ hubs: ["https://hub.example/"], self: "https://hub.example/" });
  });
  it("ignores other relations, absent headers and malformed ones", () => {
    expect(websubHeaderLinks('<https://news.example.org/>; rel="alternate"', base)).toBeNull();
    expect(websubHeaderLinks(undefined, base)).toBeNull();
    expect(websubHeaderLinks("this is not a link header", base)).toBeNull();
  });
});

describe("fetchFeed over HTTP (loopback)", async () => {
  const http = await import("node:http");
  const zlib = await import("node:zlib");
  const { afterAll, beforeAll } = await import("vitest");
  const { fetchFeed, closeFetchPool } = await import("./fetch.js");
  const XML = `<rss version="2.0"><channel><title>Ünïcode</title>${"<item><title>x</title></item>".repeat(200)}</channel></rss>`;
  let base = "";
  let server: import("node:http").Server;
  const seen: string[] = []; // request targets of /seen/…, as the server got them
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const path = req.url ?? "/";
      if (path.startsWith("/seen/")) seen.push(path);
      const redirect = /^\/hop\/(\d+)$/.exec(path);
      if (redirect) {
        const n = Number(redirect[1]);
        return void res.writeHead(n === 0 ? 200 : 301, n === 0 ? { "content-type": "application/rss+xml" } : { location: `/hop/${n - 1}` }).end(n === 0 ? XML : "");
      }
      if (path === "/abs-redirect") return void res.writeHead(302, { location: `${base}/plain` }).end();
      if (path === "/moved-308") return void res.writeHead(308, { location: "/hop/1" }).end(); // 308 then 301: moved
      if (path === "/moved-then-302") return void res.writeHead(301, { location: "/abs-redirect" }).end(); // 301 then 302: not for good
      if (path === "/ftp-redirect") return void res.writeHead(302, { location: "ftp://example.org/feed" }).end();
      if (path === "/gzip") return void res.writeHead(200, { "content-encoding": "gzip" }).end(zlib.gzipSync(XML));
      if (path === "/br") return void res.writeHead(200, { "content-encoding": "br" }).end(zlib.brotliCompressSync(XML));
      if (path === "/deflate") return void res.writeHead(200, { "content-encoding": "deflate" }).end(zlib.deflateSync(XML));
      if (path === "/bomb") return void res.writeHead(200, { "content-encoding": "gzip" }).end(zlib.gzipSync(Buffer.alloc(5_000_000, 32)));
      if (path === "/bad-gzip") return void res.writeHead(200, { "content-encoding": "gzip" }).end("not gzip at all");
      if (path === "/compress") return void res.writeHead(200, { "content-encoding": "compress" }).end("x");
      return void res.writeHead(200, { "content-type": "application/rss+xml" }).end(XML);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as import("node:net").AddressInfo).port}`;
  });
  afterAll(async () => {
    await closeFetchPool();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const get = (path: string, over: Partial<Parameters<typeof fetchFeed>[0]> = {}) =>
    fetchFeed({ source: { kind: "http", url: `${base}${path}` }, etag: null, lastModified: null, timeoutMs: 5000, maxBytes: 1_000_000, maxRedirects: 5, userAgent: "t", ...over });

  it.each(["/gzip", "/br", "/deflate", "/plain"])("decodes %s to the same bytes", async (path) => {
    const result = await get(path);
    expect(result.status).toBe("fetched");
    if (result.status === "fetched") expect(result.body.toString("utf8")).toBe(XML);
  });
  it("hashes a body so that the same bytes give the same hash poll after poll, compressed or not", async () => {
    const hashes = await Promise.all(["/gzip", "/gzip", "/br", "/plain", "/plain"].map(async (path) => {
      const result = await get(path);
      return result.status === "fetched" ? result.bodyHash : null;
    }));
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes[1]).toBe(hashes[0]);
    // A compressed body is hashed as sent, under its encoding: never equal to a plain body's hash.
    expect(new Set([hashes[0], hashes[2], hashes[3]]).size).toBe(3);
    // A plain body's hash is the one stored before (sha256 of the body): an upgrade parses nothing again.
    expect(hashes[3]).toBe(createHash("sha256").update(XML).digest("hex"));
    expect(hashes[4]).toBe(hashes[3]);
  });
  it("asks for the feed URL's path and query as written (WordPress ?feed=rss2), poll after poll, per feed", async () => {
    // The split of a feed URL into origin and path is kept per source object: each must keep its own.
    const wp = { kind: "http" as const, url: `${base}/seen/?feed=rss2&cat=3#comments` };
    const other = { kind: "http" as const, url: `${base}/seen/news/feed/` };
    // Written in a form undici normalises (an upper-case scheme, a space): asked for as normalised.
    const loose = { kind: "http" as const, url: `HTTP${base.slice(4)}/seen/my feed/` };
    for (const source of [wp, other, loose, wp, other, loose]) expect((await get("", { source })).status).toBe("fetched");
    expect(seen).toEqual(["/seen/?feed=rss2&cat=3", "/seen/news/feed/", "/seen/my%20feed/", "/seen/?feed=rss2&cat=3", "/seen/news/feed/", "/seen/my%20feed/"]);
    await expect(get("", { source: { kind: "http", url: "http://[bad" } })).rejects.toThrow(/Invalid URL/);
  });
  it("follows relative and absolute redirects up to the limit, reporting the final URL", async () => {
    const five = await get("/hop/5");
    expect(five.status === "fetched" && five.url).toBe(`${base}/hop/0`);
    const abs = await get("/abs-redirect");
    expect(abs.status === "fetched" && abs.url).toBe(`${base}/plain`);
    await expect(get("/hop/6")).rejects.toThrow(/HTTP 301: more than 5 redirects/);
    await expect(get("/hop/1", { maxRedirects: 0 })).rejects.toThrow(/more than 0 redirects/);
    await expect(get("/ftp-redirect")).rejects.toThrow(/non-HTTP URL/);
  });
  it("says where a feed has moved when every redirect on the way was permanent (301/308), and only then", async () => {
    const moved = await get("/moved-308");
    expect(moved.movedTo).toBe(`${base}/hop/0`);
    expect((await get("/hop/2")).movedTo).toBe(`${base}/hop/0`);
    expect((await get("/moved-then-302")).movedTo).toBeNull();
    expect((await get("/abs-redirect")).movedTo).toBeNull();
    expect((await get("/plain")).movedTo).toBeNull();
  });
  it("caps the decoded size (a gzip bomb stops at maxBytes), and names bad or unknown encodings", async () => {
    await expect(get("/bomb")).rejects.toThrow(/over the 1000000-byte limit/);
    await expect(get("/bad-gzip")).rejects.toThrow(/gzip body could not be decompressed/);
    await expect(get("/compress")).rejects.toThrow(/unsupported Content-Encoding "compress"/);
  });
});

describe("fetchFeed's connections and cost per answer (loopback)", async () => {
  const http = await import("node:http");
  const { createHook } = await import("node:async_hooks");
  const { afterAll, beforeAll } = await import("vitest");
  const { fetchFeed, closeFetchPool } = await import("./fetch.js");
  let base = "";
  let server: import("node:http").Server;
  let opened = 0;
  let closed = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === "/feed") return void res.writeHead(304, { etag: '"v1"' }).end();
      if (req.url === "/gone") return void res.writeHead(404, { "content-type": "text/html" }).end("<p>no such feed</p>".repeat(200));
      if (req.url === "/old") return void res.writeHead(301, { location: "/feed", "content-type": "text/html" }).end("<a href=/feed>moved</a>");
      if (req.url === "/huge") return void res.writeHead(200, { "content-length": "5000000" }).end(Buffer.alloc(5_000_000, 32));
      return void res.writeHead(200, { "content-type": "application/rss+xml" }).end("<rss><channel><title>t</title></channel></rss>");
    });
    server.keepAliveTimeout = 60_000;
    server.on("connection", (socket) => {
      opened++;
      socket.on("close", () => closed++);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as import("node:net").AddressInfo).port}`;
    feed = source("/feed");
  });
  afterAll(async () => {
    await closeFetchPool();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const source = (path: string) => ({ kind: "http" as const, url: `${base}${path}` });
  let feed: ReturnType<typeof source>; // one source object for every poll of the feed, as the config gives
  const get = (src: ReturnType<typeof source>, etag: string | null = null) =>
    fetchFeed({ source: src, etag, lastModified: null, timeoutMs: 5000, maxBytes: 1_000_000, maxRedirects: 5, userAgent: "t" });

  it("polls one origin over kept-alive connections: 304s, a redirect's and an error's bodies read and dropped, a 200; no connection per poll", async () => {
    await closeFetchPool();
    // Warm: undici's pool opens a second connection for a request sent while the first one's
    // previous answer is still being wrapped up (at most `connectionsPerHost`), then reuses them.
    for (let k = 0; k < 3; k++) await get(feed, '"v1"');
    opened = 0;
    closed = 0;
    for (let k = 0; k < 20; k++) expect((await get(feed, '"v1"')).status).toBe("not-modified");
    await expect(get(source("/gone"))).rejects.toThrow(/HTTP 404 from 127\.0\.0\.1/);
    expect(await get(source("/old"), '"v1"')).toMatchObject({ status: "not-modified", movedTo: `${base}/feed` });
    expect((await get(source("/plain"))).status).toBe("fetched");
    expect((await get(feed, '"v1"')).status).toBe("not-modified");
    expect({ opened, closed }).toEqual({ opened: 0, closed: 0 });
    // A body refused for its declared size is not read: that connection is closed.
    await expect(get(source("/huge"))).rejects.toThrow(/body of 5000000 bytes is over the 1000000-byte limit/);
    const deadline = Date.now() + 5_000;
    while (closed < 1 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(1);
    expect((await get(feed, '"v1"')).status).toBe("not-modified");
  });

  it("takes a 304 as it comes: no response stream or request resource, few promises and ticks", async () => {
    await get(feed, '"v1"'); // a warm connection, as between polls
    const made: Record<string, number> = {};
    const hook = createHook({ init: (_id, type) => void (made[type] = (made[type] ?? 0) + 1) });
    const polls = 50;
    hook.enable();
    try {
      for (let k = 0; k < polls; k++) await get(feed, '"v1"');
    } finally {
      hook.disable();
    }
    // undici's `request` made, per 304: an UNDICI_REQUEST resource, a body stream to dump (6 more
    // ticks), 6 promises; measured on Node 20: now none, 12 ticks (the socket's), 4 promises. The
    // bounds leave room for the test runner's own work in this process meanwhile.
    expect(made.UNDICI_REQUEST ?? 0).toBe(0);
    expect((made.PROMISE ?? 0) / polls).toBeLessThanOrEqual(5);
    expect((made.TickObject ?? 0) / polls).toBeLessThanOrEqual(14);
  });
});
