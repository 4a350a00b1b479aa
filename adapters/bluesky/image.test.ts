// The article's image as the link card's thumbnail, against a real, offline PDS: real JPEGs (sharp)
// fitted by the core's fitImage, uploaded with uploadBlob, read back with getRecord and getBlob.
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import type { AttachedImage, Connection, SendContext } from "../../src/core/index.js";
import { fitImage } from "../../src/delivery/fit-image.js";
import { startBlueskyPds, type BlueskyPds, type FaultAction, type PdsRequest } from "../../test/loopback/bluesky-pds/server.js";
import { ARTICLE, testDeps } from "./fixtures/support.js";
import { blueskyAdapter, type BlueskyConfig, type BlueskyPayload } from "./index.js";
import { BLUESKY_IMAGE_LIMITS } from "./thumb.js";
import { deliveryTid } from "./tid.js";

let pds: BlueskyPds;
let fault: ((r: PdsRequest) => FaultAction | undefined) | undefined;
let conn: Connection<BlueskyPayload>;
let cfg: BlueskyConfig;
let nextId = 1;

beforeAll(async () => {
  pds = await startBlueskyPds({ fault: (r) => fault?.(r) });
  cfg = blueskyAdapter.config.parse({ service: pds.url, handle: pds.handle, appPassword: pds.password });
  conn = await blueskyAdapter.connect(cfg, testDeps());
});
afterEach(() => void (fault = undefined));
afterAll(async () => {
  await conn?.close();
  await pds?.close();
});

async function jpeg(width: number, height: number, sigma = 30): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 120, sigma } } }).jpeg({ quality: 95 }).toBuffer();
}

/** A photo-like JPEG fitted to the card thumbnail's limits, as the core does before `send`. */
async function fitted(width: number, height: number): Promise<AttachedImage> {
  return fitImage({ bytes: await jpeg(width, height), format: "jpeg", width, height, url: "https://example.com/a.jpg", alt: "A harbour" }, BLUESKY_IMAGE_LIMITS);
}

const ctx = (image?: AttachedImage): SendContext => ({ deliveryId: nextId++, idempotencyKey: "k", queuedAt: Date.now(), signal: AbortSignal.timeout(15_000), image });
const rendered = (withImage = true) =>
  blueskyAdapter.render(ARTICLE, cfg, conn.limits, { template: blueskyAdapter.defaultTemplate, maxHashtags: 3, link: ARTICLE.link, ...(withImage ? { image: { url: "https://example.com/a.jpg", alt: "A harbour" } } : {}) });

/** CIDv1, raw codec, sha2-256 multihash, base32: the CID a PDS gives these bytes. */
function rawCid(bytes: Buffer): string {
  const cid = Buffer.concat([Buffer.from([0x01, 0x55, 0x12, 0x20]), createHash("sha256").update(bytes).digest()]);
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let bits = 0, value = 0, out = "b";
  for (const byte of cid) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) out += alphabet[(value >>> (bits -= 5)) & 31];
  }
  return bits > 0 ? out + alphabet[(value << (5 - bits)) & 31] : out;
}

interface StoredThumb { $type?: string; ref: { toString(): string; $link?: string }; mimeType: string; size: number }
async function stored(uri: string) {
  const post = await pds.getPost(uri.split("/").pop() ?? "");
  const external = (post?.value.embed as { external?: Record<string, unknown> } | undefined)?.external ?? {};
  const thumb = external.thumb as StoredThumb | undefined;
  return { post, external, thumb, cid: thumb ? (thumb.ref.$link ?? thumb.ref.toString()) : undefined };
}

describe("bluesky adapter: the article's image as the link card's thumbnail", () => {
  it("declares images, with the lexicon's 1,000,000-byte thumb limit", () => {
    expect(blueskyAdapter.capabilities.images).toBe(true);
    expect(blueskyAdapter.imageLimits).toEqual({ maxBytes: 1_000_000, maxWidth: 2000, maxHeight: 2000, formats: ["jpeg", "png"] });
  });

  it("render is unchanged by an image: the card carries title and description, send adds the thumb", () => {
    expect(rendered(true)).toEqual(rendered(false));
  });

  it("uploads the fitted bytes and writes a card whose thumb is that blob: CID, bytes and size match", async () => {
    const image = await fitted(3000, 2000); // ~1.7 MB at the source: the core shrinks it under 1 MB and 2000 px
    expect(image.bytes.length).toBeLessThanOrEqual(1_000_000);
    const r = rendered();
    const sent = await conn.send(r.payload, ctx(image));
    expect(sent.note).toBeUndefined();
    const { post, external, thumb, cid } = await stored(sent.remoteId);
    expect(cid).toBe(rawCid(image.bytes));
    expect(thumb).toMatchObject({ mimeType: "image/jpeg", size: image.bytes.length });
    const served = await pds.getBlob(cid ?? "");
    expect(served.equals(image.bytes)).toBe(true);
    const meta = await sharp(served).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(2000);
    const { thumb: _t, ...card } = external;
    expect(card).toEqual(r.payload.record.embed?.external);
    expect(post?.value.text).toBe(r.payload.record.text);
    expect(await pds.listBlobs()).toContain(cid);
  });

  it("a retry after a dropped answer re-uploads and lands on the same record, thumb and all", async () => {
    const image = await fitted(400, 300);
    const c = ctx(image);
    const uploads = pds.count("com.atproto.repo.uploadBlob");
    fault = (r) => (r.nsid === "com.atproto.repo.createRecord" ? { kind: "destroy-after" } : undefined);
    const err = await conn.send(rendered().payload, c).catch((e: unknown) => e);
    expect(blueskyAdapter.classify(err).kind).toBe("unknown-outcome");
    fault = undefined;
    const sent = await conn.send(rendered().payload, c);
    expect(sent.remoteId.split("/").pop()).toBe(deliveryTid(c.queuedAt, c.deliveryId));
    expect(pds.count("com.atproto.repo.uploadBlob")).toBe(uploads + 2);
    expect((await stored(sent.remoteId)).cid).toBe(rawCid(image.bytes));
    expect((await pds.listPosts()).filter((p) => p.uri === sent.remoteId)).toHaveLength(1);
  });

  // Refused images throw before anything is written, classified "rejected" at the image stage: the
  // core then writes the post without the thumb (test/e2e/image-failures.test.ts).
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail("the send should have failed"), (e: unknown) => blueskyAdapter.classify(e));

  it("an upload the PDS refuses (413 over its blob limit) → nothing written; rejected at the image stage", async () => {
    const huge: AttachedImage = { ...(await fitted(64, 64)), bytes: Buffer.alloc(6 * 1024 * 1024, 0xff) };
    const before = (await pds.listPosts()).length;
    expect(await failure(conn.send(rendered().payload, ctx(huge)))).toEqual({
      kind: "rejected", stage: "image", message: "Bluesky refused the image", detail: "413 PayloadTooLarge: request entity too large",
    });
    expect((await pds.listPosts()).length).toBe(before);
  });

  it("a thumb the record is refused for (over the lexicon's maxSize) → nothing written; rejected at the image stage; the same key takes the post without it", async () => {
    const big: AttachedImage = { ...(await fitted(64, 64)), bytes: await jpeg(1400, 1400, 60) };
    expect(big.bytes.length).toBeGreaterThan(1_000_000);
    const c = ctx(big);
    expect(await failure(conn.send(rendered().payload, c))).toMatchObject({
      kind: "rejected", stage: "image", detail: expect.stringMatching(/^400 InvalidRequest: Invalid app\.bsky\.feed\.post record: blob too big \(maximum 1000000, got \d+\)/),
    });
    const sent = await conn.send(rendered(false).payload, { ...c, image: undefined });
    expect(sent.remoteId.split("/").pop()).toBe(deliveryTid(c.queuedAt, c.deliveryId));
    expect((await stored(sent.remoteId)).thumb).toBeUndefined();
    expect((await pds.listPosts()).filter((p) => p.uri === sent.remoteId)).toHaveLength(1);
  });

  it("a 5xx on the upload → nothing written; transient at the image stage (the core retries the image)", async () => {
    fault = (r) => (r.nsid === "com.atproto.repo.uploadBlob" ? { kind: "status", status: 500, body: { error: "InternalServerError", message: "Internal Server Error" } } : undefined);
    const before = (await pds.listPosts()).length;
    expect(await failure(conn.send(rendered().payload, ctx(await fitted(64, 64))))).toMatchObject({ kind: "transient", stage: "image", message: "uploading the image to Bluesky failed" });
    expect((await pds.listPosts()).length).toBe(before);
  });

  it("a post without a link has no card: nothing is uploaded, and the note says why", async () => {
    const uploads = pds.count("com.atproto.repo.uploadBlob");
    const sent = await conn.send({ record: { $type: "app.bsky.feed.post", text: "no link here" } }, ctx(await fitted(64, 64)));
    expect(sent.note).toMatch(/^image not attached: .*no link card/);
    expect(pds.count("com.atproto.repo.uploadBlob")).toBe(uploads);
    expect((await stored(sent.remoteId)).post?.value.embed).toBeUndefined();
  });

  it("a rate-limited upload fails the send (rate-limited) and writes nothing", async () => {
    const reset = Math.floor(Date.now() / 1000) + 600;
    fault = (r) => (r.nsid === "com.atproto.repo.uploadBlob"
      ? { kind: "status", status: 429, body: { error: "RateLimitExceeded", message: "Rate Limit Exceeded" }, headers: { "ratelimit-reset": String(reset), "ratelimit-remaining": "0", "ratelimit-limit": "1000" } }
      : undefined);
    const before = (await pds.listPosts()).length;
    const err = await conn.send(rendered().payload, ctx(await fitted(64, 64))).catch((e: unknown) => e);
    expect(blueskyAdapter.classify(err)).toMatchObject({ kind: "rate-limited" });
    expect((await pds.listPosts()).length).toBe(before);
  });
});
