import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import type { FeedItem } from "../core/feed-item.js";
import { imagesSchema, feedSchema } from "../config/schema.js";
import type { Feed } from "../config/load.js";
import { MediaFetcher } from "./media.js";
import { fitImage } from "./fit-image.js";
import { makeJpeg, startImageServer, type ImageServer } from "../../test/support/image-server.js";

let server: ImageServer;
let big: Buffer;
beforeAll(async () => {
  big = await makeJpeg(3000, 2000);
  server = await startImageServer({
    "/photo.jpg": { type: "image/jpeg", body: big },
    "/liar.jpg": { type: "image/jpeg", body: "<html>not an image</html>" },
    "/moved.jpg": { redirect: "/photo.jpg" },
    "/article": { type: "text/html", body: `<html><head><meta property="og:image" content="/photo.jpg"></head><body><img src="/other.jpg"></body></html>` },
    "/twitter-only": { type: "text/html", body: `<html><head><meta name="twitter:image" content="/photo.jpg"></head></html>` },
    "/no-image-page": { type: "text/html", body: "<html><head><title>x</title></head></html>" },
  });
});
afterAll(async () => server.close());

const item = (over: Partial<FeedItem>): FeedItem => ({
  feedId: "f", guid: "1", link: null, title: "A title", summary: "", author: null, categories: [], imageUrl: null, publishedAt: null, ...over,
});
const feed = (image: Record<string, unknown> = {}): Feed =>
  ({ ...feedSchema().parse({ id: "f", url: "x.xml", image }), source: { kind: "file", path: "x.xml" } }) as Feed;
const fetcher = (allowPrivateAddresses: boolean) => new MediaFetcher(imagesSchema().parse({ timeoutMs: 3000 }), "crier-test", { allowPrivateAddresses });

describe("MediaFetcher", () => {
  it("downloads the feed's image once per item, however many destinations ask", async () => {
    const m = fetcher(true);
    const it1 = item({ imageUrl: `${server.url}/photo.jpg`, imageAlt: "The harbour" });
    const before = server.hits.filter((h) => h === "/photo.jpg").length;
    const [a, b] = await Promise.all([m.imageFor(it1, "k1", feed()), m.imageFor(it1, "k1", feed())]);
    expect(a).toEqual(b);
    expect(a.ok && a.image).toMatchObject({ format: "jpeg", width: 3000, height: 2000, alt: "The harbour" });
    expect(server.hits.filter((h) => h === "/photo.jpg").length - before).toBe(1);
    await m.close();
  });

  it.each([
    ["og:image of the article page", "/article"],
    ["twitter:image of the article page", "/twitter-only"],
  ])("falls back to the %s", async (_n, page) => {
    const m = fetcher(true);
    const r = await m.imageFor(item({ link: `${server.url}${page}` }), page, feed());
    expect(r.ok && r.image.url).toBe(`${server.url}/photo.jpg`);
    expect(r.ok && r.image.alt).toBe("A title"); // no alt in the feed: the title
    await m.close();
  });

  it("uses the feed's fallback image last, and follows redirects", async () => {
    const m = fetcher(true);
    const r = await m.imageFor(item({ link: `${server.url}/no-image-page` }), "k", feed({ fallbackUrl: `${server.url}/moved.jpg` }));
    expect(r.ok && r.image.url).toBe(`${server.url}/photo.jpg`);
    await m.close();
  });

  it.each([
    ["a non-image behind an image URL", "/liar.jpg", /not an image/],
    ["a missing file", "/gone.jpg", /HTTP 404/],
  ])("refuses %s with a clear reason", async (_n, path, reason) => {
    const m = fetcher(true);
    const r = await m.imageFor(item({ imageUrl: `${server.url}${path}` }), path, feed({ fromArticlePage: false }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
    await m.close();
  });

  it("refuses private and loopback addresses unless the config allows them", async () => {
    const m = fetcher(false);
    const port = new URL(server.url).port;
    const hits = server.hits.length;
    for (const url of [
      `${server.url}/photo.jpg`,
      "http://localhost:9/x.jpg",
      "http://[::1]/x.jpg",
      "http://169.254.169.254/latest/meta-data",
      // IPv6 forms that carry a private IPv4 address
      `http://[::127.0.0.1]:${port}/photo.jpg`,
      `http://[::ffff:127.0.0.1]:${port}/photo.jpg`,
      "http://[::169.254.169.254]/latest/meta-data",
      "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
      `http://[2002:7f00:1::]:${port}/photo.jpg`,
    ]) {
      const r = await m.imageFor(item({ imageUrl: url }), url, feed({ fromArticlePage: false }));
      expect(r.ok, url).toBe(false);
      if (!r.ok) expect(r.reason, url).toMatch(/refused: .*private address/);
    }
    expect(server.hits.length).toBe(hits);
    const file = await m.imageFor(item({ imageUrl: "file:///etc/passwd" }), "file", feed({ fromArticlePage: false }));
    expect(!file.ok && file.reason).toMatch(/refused: file: URLs are not fetched/);
    await m.close();
  });
});

describe("fitImage", () => {
  it("resizes and re-encodes an oversized image below the platform's limits, keeping the aspect ratio", async () => {
    const src = { bytes: big, format: "jpeg", width: 3000, height: 2000, url: "u", alt: "a" };
    const out = await fitImage(src, { maxBytes: 150_000, maxWidth: 1200, maxHeight: 1200, formats: ["jpeg", "png"] });
    const meta = await sharp(out.bytes).metadata();
    expect(out.bytes.length).toBeLessThanOrEqual(150_000);
    expect(meta.format).toBe("jpeg");
    expect(meta.width).toBeLessThanOrEqual(1200);
    expect(Math.abs((meta.width ?? 0) / (meta.height ?? 1) - 1.5)).toBeLessThan(0.01);
    expect(out).toMatchObject({ mime: "image/jpeg", width: meta.width, height: meta.height, alt: "a" });
  });

  it("keeps an image that already fits, byte for byte", async () => {
    const small = await makeJpeg(400, 300);
    const out = await fitImage({ bytes: small, format: "jpeg", width: 400, height: 300, url: "u", alt: "a" }, { maxBytes: 5_000_000, maxWidth: 4096, maxHeight: 4096, formats: ["jpeg"] });
    expect(out.bytes.equals(small)).toBe(true);
  });

  it("converts a format the platform does not take (PNG with alpha to JPEG on white)", async () => {
    const png = await sharp({ create: { width: 50, height: 50, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const out = await fitImage({ bytes: png, format: "png", width: 50, height: 50, url: "u", alt: "a" }, { maxBytes: 1_000_000, maxWidth: 100, maxHeight: 100, formats: ["jpeg"] });
    expect(out.mime).toBe("image/jpeg");
    const { data } = await sharp(out.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(240); // transparent became white
  });
});
