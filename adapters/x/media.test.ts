// Images on X, end to end against the loopback X API (test/loopback/x-api): media upload v2, alt
// text through POST /2/media/metadata, then POST /2/tweets with media.media_ids.
import pino from "pino";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { scaled, waitFor } from "../../test/support/timing.js";
import type { AttachedImage, Connection, SendContext } from "../../src/core/index.js";
import { fitImage } from "../../src/delivery/fit-image.js";
import { startXLoopback, type XLoopback, type XLoopbackOptions } from "../../test/loopback/x-api/server.js";
import { ALICE, CONSUMER, baseOptions } from "../../test/loopback/x-api/testing.js";
import { xAdapter, type XPayload } from "./index.js";
import { altTextFor, X_IMAGE_LIMITS } from "./media.js";

let lb: XLoopback | undefined;
let conn: Connection<XPayload> | undefined;
afterEach(async () => {
  await conn?.close();
  await lb?.close();
  conn = lb = undefined;
});

async function open(lbOpts: Partial<XLoopbackOptions> = {}) {
  lb = await startXLoopback(baseOptions(lbOpts));
  const cfg = xAdapter.config.parse({
    appKey: CONSUMER.key, appSecret: CONSUMER.secret, accessToken: ALICE.accessToken, accessSecret: ALICE.accessSecret, apiBase: lb.url, username: "alice",
  });
  const session = { load: async () => null, save: async () => undefined, clear: async () => undefined };
  conn = await xAdapter.connect(cfg, { timeoutMs: 10_000, logger: pino({ level: "silent" }), baseDir: ".", session });
  return { lb, conn };
}

const jpeg = (width = 800, height = 600) => sharp({ create: { width, height, channels: 3, background: "#3a6" } }).jpeg().toBuffer();
const image = (bytes: Buffer, over: Partial<AttachedImage> = {}): AttachedImage => ({
  bytes, mime: "image/jpeg", width: 800, height: 600, alt: "Snow on the Alatau ridge", url: "https://news.example/snow.jpg", ...over,
});
const ctx = (img: AttachedImage | undefined, signal: AbortSignal = AbortSignal.timeout(15_000)): SendContext => ({ deliveryId: 1, idempotencyKey: "k1", queuedAt: 0, signal, image: img });
const paths = (l: XLoopback) => l.requests.map((r) => `${r.method} ${r.path.replace(/upload\/\d+\//, "upload/:id/")}`);

async function failure(promise: Promise<unknown>) {
  const err = await promise.then(() => expect.fail("the send should have failed"), (e: unknown) => e);
  return xAdapter.classify(err);
}

describe("x adapter: images", () => {
  it("uploads the photo, sets its alt text and posts with media.media_ids", async () => {
    const { lb, conn } = await open();
    const img = image(await jpeg());
    const sent = await conn.send({ text: "Snow in Almaty https://news.example/a" }, ctx(img));
    expect(sent.note).toBeUndefined();
    expect(paths(lb)).toEqual([
      "POST /2/media/upload/initialize", "POST /2/media/upload/:id/append", "POST /2/media/upload/:id/finalize", "POST /2/media/metadata", "POST /2/tweets",
    ]);
    const media = lb.media[0]!;
    expect(media).toMatchObject({ userId: ALICE.id, mediaType: "image/jpeg", finalized: true, altText: img.alt });
    expect(media.bytes.equals(img.bytes)).toBe(true);
    expect(lb.requests[0]?.json).toMatchObject({ media_type: "image/jpeg", total_bytes: img.bytes.length, media_category: "tweet_image" });
    expect(lb.tweets[0]).toMatchObject({ id: sent.remoteId, text: "Snow in Almaty https://news.example/a", mediaIds: [media.id] });
    expect(lb.requests.at(-1)?.json).toEqual({ text: "Snow in Almaty https://news.example/a", media: { media_ids: [media.id] } });
  });

  it("a large photo, fitted by the core to X's limits, arrives intact in several segments", async () => {
    // Noise compresses badly: wider than 4096 and still over 1 MB (twitter-api-v2's segment size) once fitted.
    const noise = await sharp({ create: { width: 4800, height: 2000, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 20 } } }).jpeg({ quality: 90 }).toBuffer();
    const fitted = await fitImage({ bytes: noise, format: "jpeg", width: 4800, height: 2000, url: "https://news.example/big.jpg", alt: "Noise" }, X_IMAGE_LIMITS);
    expect(fitted.bytes.length).toBeLessThanOrEqual(X_IMAGE_LIMITS.maxBytes);
    expect(Math.max(fitted.width, fitted.height)).toBeLessThanOrEqual(4096);
    expect(fitted.bytes.length).toBeGreaterThan(1024 * 1024);
    const { lb, conn } = await open();
    await conn.send({ text: "big picture" }, ctx(fitted));
    expect(lb.media[0]?.bytes.equals(fitted.bytes)).toBe(true);
    expect(paths(lb).filter((p) => p.endsWith("/append")).length).toBe(Math.ceil(fitted.bytes.length / (1024 * 1024)));
    expect(lb.tweets[0]?.mediaIds).toEqual([lb.media[0]?.id]);
  }, 30_000);

  it("without ctx.image the post is text only, as before", async () => {
    const { lb, conn } = await open();
    await conn.send({ text: "no picture" }, ctx(undefined));
    expect(paths(lb)).toEqual(["POST /2/tweets"]);
    expect(lb.requests[0]?.json).toEqual({ text: "no picture" });
  });

  // A refused image throws before the post, classified "rejected" at the image stage: the core
  // then sends the post without it (test/e2e/image-failures.test.ts).
  it("an image X refuses (over 5 MB) → nothing posted; rejected at the image stage, with X's words", async () => {
    const { lb, conn } = await open();
    expect(await failure(conn.send({ text: "too big a picture" }, ctx(image(Buffer.alloc(5 * 1024 * 1024 + 1, 1)))))).toMatchObject({
      kind: "rejected", stage: "image", message: "X refused the image", detail: expect.stringMatching(/^400 Invalid Request: .*File size exceeds 5242880 bytes\.$/),
    });
    expect(lb.tweets).toHaveLength(0);
  });

  it("a refused finalize → nothing posted; rejected at the image stage", async () => {
    const refuse = { kind: "status" as const, status: 400, body: { errors: [{ message: "InvalidMedia" }], title: "Invalid Request", detail: "One or more parameters to your request was invalid.", type: "https://api.twitter.com/2/problems/invalid-request" } };
    const { lb, conn } = await open({ onRequest: (r) => (r.path.endsWith("/finalize") ? refuse : undefined) });
    expect(await failure(conn.send({ text: "unprocessable" }, ctx(image(await jpeg()))))).toEqual({
      kind: "rejected", stage: "image", message: "X refused the image", detail: "400 Invalid Request: One or more parameters to your request was invalid.: InvalidMedia",
    });
    expect(lb.tweets).toHaveLength(0);
  });

  it("a type X does not take → refused without a request", async () => {
    const { lb, conn } = await open();
    expect(await failure(conn.send({ text: "tiff" }, ctx(image(await jpeg(), { mime: "image/tiff" }))))).toMatchObject({ kind: "rejected", stage: "image", detail: "image/tiff is not an image type X takes" });
    expect(lb.requests).toHaveLength(0);
  });

  it("alt text refused → posted with the image, note says so", async () => {
    const { lb, conn } = await open();
    const sent = await conn.send({ text: "long alt" }, ctx(image(await jpeg(), { alt: "" })));
    expect(sent.note).toBeUndefined(); // no alt text: no metadata call at all
    expect(paths(lb)).not.toContain("POST /2/media/metadata");
    const other = await open({ onRequest: (r) => (r.path === "/2/media/metadata" ? { kind: "status", status: 400, body: { title: "Invalid Request", detail: "bad alt", type: "about:blank" } } : undefined) });
    const noted = await other.conn.send({ text: "refused alt" }, ctx(image(await jpeg())));
    expect(noted.note).toBe("alt text refused by X: 400 Invalid Request: bad alt");
    expect(other.lb.tweets[0]?.mediaIds).toEqual([other.lb.media[0]?.id]);
  });

  it.each<[string, Partial<XLoopbackOptions>["onRequest"], string, "image" | undefined]>([
    ["connection dropped during append", (r) => (r.path.endsWith("/append") ? { kind: "destroy-before" } : undefined), "transient", "image"],
    ["reset after initialize was processed", (r) => (r.path.endsWith("/initialize") ? { kind: "destroy-after" } : undefined), "transient", "image"],
    ["503 on finalize", (r) => (r.path.endsWith("/finalize") ? { kind: "status", status: 503, body: { title: "Service Unavailable" } } : undefined), "transient", "image"],
    ["500 on initialize", (r) => (r.path.endsWith("/initialize") ? { kind: "status", status: 500, body: { title: "Internal Server Error" } } : undefined), "transient", "image"],
    ["reset on the alt text", (r) => (r.path === "/2/media/metadata" ? { kind: "destroy-before" } : undefined), "transient", "image"],
    ["401 on initialize", (r) => (r.path.endsWith("/initialize") ? { kind: "status", status: 401, body: { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" } } : undefined), "auth", undefined],
    ["429 on append", (r) => (r.path.endsWith("/append") ? { kind: "status", status: 429, body: { title: "Too Many Requests" }, headers: { "x-rate-limit-limit": "5", "x-rate-limit-remaining": "0", "x-rate-limit-reset": String(Math.floor(Date.now() / 1000) + 60) } } : undefined), "rate-limited", undefined],
  ])("%s → throws before posting, classified %s (stage %s)", async (_name, onRequest, kind, stage) => {
    const { lb, conn } = await open({ onRequest });
    const result = await failure(conn.send({ text: "never posted" }, ctx(image(await jpeg()))));
    expect(result.kind).toBe(kind);
    expect(result.stage).toBe(stage);
    expect(lb.tweets).toHaveLength(0);
  });

  it("ctx.signal aborts a hanging upload → transient at the image stage (nothing was posted)", async () => {
    const { lb, conn } = await open({ onRequest: (r) => (r.path.endsWith("/append") ? { kind: "hang-after" } : undefined) });
    const abort = new AbortController();
    const sending = failure(conn.send({ text: "aborted" }, ctx(image(await jpeg()), abort.signal)));
    await waitFor(() => lb.requests.some((r) => r.path.endsWith("/append")), 5_000, "the upload's APPEND to arrive (its answer then hangs)");
    const started = Date.now();
    abort.abort();
    const result = await sending;
    expect(result).toMatchObject({ kind: "transient", stage: "image", message: "uploading the image to X failed" });
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
    expect(lb.tweets).toHaveLength(0);
  });

  it("declares its image limits", () => {
    expect(xAdapter.capabilities.images).toBe(true);
    expect(xAdapter.imageLimits).toEqual({ maxBytes: 5_242_880, maxWidth: 4096, maxHeight: 4096, formats: ["jpeg", "png", "webp", "gif"] });
  });
});

describe("altTextFor", () => {
  it.each<[string, string, number]>([
    ["short text stays", "A cat", 5],
    ["trimmed", "  A cat \n", 5],
    ["1000 ASCII characters stay", "a".repeat(1000), 1000],
    ["1001 are cut", "word ".repeat(300), 1000],
    ["emoji counted as code points", "👩‍👩‍👧‍👦".repeat(300), 1000],
  ])("%s", (_name, alt, max) => {
    const text = altTextFor(alt);
    expect(Array.from(text).length).toBeLessThanOrEqual(max);
    expect(text.length).toBeGreaterThan(0);
  });
});
