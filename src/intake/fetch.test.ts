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
    for (const source of [wp, other, wp, other]) expect((await get("", { source })).status).toBe("fetched");
    expect(seen).toEqual(["/seen/?feed=rss2&cat=3", "/seen/news/feed/", "/seen/?feed=rss2&cat=3", "/seen/news/feed/"]);
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
