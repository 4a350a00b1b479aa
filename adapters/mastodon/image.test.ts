// Native images on Mastodon: real JPEGs (sharp), fitted by the core's fitImage to the adapter's
// ImageLimits, uploaded through masto to the loopback (POST /api/v2/media) and named in media_ids[].
import { afterEach, describe, expect, it } from "vitest";
import pino from "pino";
import sharp from "sharp";
import type { AttachedImage, Connection, SendContext } from "../../src/core/index.js";
import { fitImage } from "../../src/delivery/fit-image.js";
import { graphemes } from "../../src/text/graphemes.js";
import { DEFAULT_ACCOUNT, startMastodonLoopback, type MastodonLoopback, type MastodonLoopbackOptions } from "../../test/loopback/mastodon-api/server.js";
import { mastodonAdapter, type MastodonPayload } from "./index.js";
import { descriptionFor, MASTODON_IMAGE_LIMITS, MASTODON_MAX_DESCRIPTION } from "./media.js";

let lb: MastodonLoopback | undefined;
let conn: Connection<MastodonPayload> | undefined;
afterEach(async () => {
  await conn?.close();
  await lb?.close();
  conn = lb = undefined;
});

async function open(lbOpts: MastodonLoopbackOptions = {}) {
  lb = await startMastodonLoopback(lbOpts);
  const cfg = mastodonAdapter.config.parse({ instance: lb.url, accessToken: DEFAULT_ACCOUNT.token });
  const session = { load: async () => null, save: async () => undefined, clear: async () => undefined };
  conn = await mastodonAdapter.connect(cfg, { timeoutMs: 5_000, logger: pino({ level: "silent" }), baseDir: ".", session });
  return { lb, conn };
}

/** A real photo-like JPEG, fitted to Mastodon's limits as the core does before `send`. */
async function fitted(width: number, height: number, alt = "A harbour at dusk"): Promise<AttachedImage> {
  const noise = { type: "gaussian" as const, mean: 120, sigma: width * height > 1e6 ? 4 : 40 }; // keeps the big one quick to encode
  const bytes = await sharp({ create: { width, height, channels: 3, background: "#808080", noise } }).jpeg({ quality: 90 }).toBuffer();
  return fitImage({ bytes, format: "jpeg", width, height, url: "https://example.com/a.jpg", alt }, MASTODON_IMAGE_LIMITS);
}

const ctx = (image?: AttachedImage, key = "crier-1700000000000-1"): SendContext => ({ deliveryId: 1, idempotencyKey: key, queuedAt: 1_700_000_000_000, signal: AbortSignal.timeout(10_000), image });
const payload = (status = "News with a picture https://example.com/a"): MastodonPayload => ({ status, visibility: "public" });
const posts = (l: MastodonLoopback) => l.requests.filter((r) => r.method === "POST" && r.path === "/api/v1/statuses");

describe("mastodon adapter: native images", () => {
  it("declares images and limits Mastodon documents", () => {
    expect(mastodonAdapter.capabilities.images).toBe(true);
    expect(mastodonAdapter.imageLimits).toEqual({ maxBytes: 10_485_760, maxWidth: 4096, maxHeight: 4096, formats: ["jpeg", "png", "webp"] });
  });

  it("uploads the fitted bytes intact with the alt text, then posts the status with media_ids and the same key", async () => {
    const { lb, conn } = await open();
    const image = await fitted(4400, 1100); // over 4096 wide: the core scales it down
    expect(image.width).toBeLessThanOrEqual(4096);
    const sent = await conn.send(payload(), ctx(image));
    expect(sent.note).toBeUndefined();
    const [media] = lb.media;
    expect(lb.media).toHaveLength(1);
    expect(media?.bytes.equals(image.bytes)).toBe(true);
    expect(media).toMatchObject({ mimeType: "image/jpeg", width: image.width, height: image.height, description: "A harbour at dusk", statusId: sent.remoteId });
    expect(media!.bytes.length).toBeLessThanOrEqual(MASTODON_IMAGE_LIMITS.maxBytes);
    expect(lb.statuses).toEqual([expect.objectContaining({ id: sent.remoteId, mediaIds: [media?.id] })]);
    const upload = lb.requests.find((r) => r.path === "/api/v2/media");
    expect(upload?.headers["idempotency-key"]).toBeUndefined(); // Mastodon keys statuses only
    expect(upload?.multipart?.files.file).toMatchObject({ type: "image/jpeg", filename: "image.jpg" });
    expect(posts(lb)).toHaveLength(1);
    expect(posts(lb)[0]?.json).toMatchObject({ media_ids: [media?.id] });
    expect(posts(lb)[0]?.headers["idempotency-key"]).toBe("crier-1700000000000-1");
  });

  it("a retry after a dropped answer uploads again but the key returns the one status, with the first image", async () => {
    let faults = 1;
    const { lb, conn } = await open({ onRequest: (r) => (r.path === "/api/v1/statuses" && faults-- > 0 ? { kind: "destroy-after" } : undefined) });
    const image = await fitted(800, 600);
    const first = await conn.send(payload(), ctx(image)).catch((e: unknown) => mastodonAdapter.classify(e));
    expect(first).toMatchObject({ kind: "unknown-outcome" });
    const retried = await conn.send(payload(), ctx(image));
    expect(lb.statuses).toHaveLength(1);
    expect(retried.remoteId).toBe(lb.statuses[0]?.id);
    expect(lb.statuses[0]?.mediaIds).toEqual([lb.media[0]?.id]);
    expect(lb.media.map((m) => m.statusId)).toEqual([retried.remoteId, null]); // the second upload is left unattached
  });

  // Refused images throw before anything is posted, classified "rejected" at the image stage: the
  // core then sends the status without it (test/e2e/image-failures.test.ts).
  const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail("the send should have failed"), (e: unknown) => mastodonAdapter.classify(e));

  it("an image the server refuses (422, not an image) → nothing posted; rejected at the image stage", async () => {
    const { lb, conn } = await open();
    const bogus: AttachedImage = { ...(await fitted(64, 64)), bytes: Buffer.from("<html>not a picture</html>") };
    expect(await failure(conn.send(payload(), ctx(bogus)))).toEqual({
      kind: "rejected", stage: "image", message: "Mastodon refused the image", detail: "422 Validation failed: File content type is invalid, File is invalid",
    });
    expect(lb.media).toHaveLength(0);
    expect(posts(lb)).toHaveLength(0);
  });

  it("a token without write:media → refused at the image stage, and the detail says which scope", async () => {
    const { lb, conn } = await open({ accounts: [{ ...DEFAULT_ACCOUNT, scopes: ["write:statuses", "read:accounts"] }] });
    expect(await failure(conn.send(payload(), ctx(await fitted(64, 64))))).toMatchObject({
      kind: "rejected", stage: "image", detail: "403 This action is outside the authorized scopes (the access token needs the write:media scope)",
    });
    expect(lb.statuses).toHaveLength(0);
  });

  it.each<[string, MastodonLoopbackOptions["onRequest"]]>([
    ["500 on the upload", (r) => (r.path === "/api/v2/media" ? { kind: "status", status: 500, body: { error: "Error processing thumbnail for uploaded media" } } : undefined)],
    ["503 page from a proxy", (r) => (r.path === "/api/v2/media" ? { kind: "status", status: 503, body: "<html>Service Unavailable</html>" } : undefined)],
    ["reset during the upload", (r) => (r.path === "/api/v2/media" ? { kind: "destroy-before" } : undefined)],
  ])("%s → nothing posted; transient at the image stage (the core retries the image)", async (_name, onRequest) => {
    const { lb, conn } = await open({ onRequest });
    expect(await failure(conn.send(payload(), ctx(await fitted(64, 64))))).toMatchObject({ kind: "transient", stage: "image", message: "uploading the image to Mastodon failed" });
    expect(posts(lb)).toHaveLength(0);
  });

  it("202 still processing: the id is referenced at once and attached when the server has finished", async () => {
    const { lb, conn } = await open({ mediaProcessingMs: 20, onRequest: (r) => (r.path === "/api/v1/statuses" ? { kind: "delay", ms: 60 } : undefined) });
    const sent = await conn.send(payload(), ctx(await fitted(64, 64)));
    expect(sent.note).toBeUndefined();
    expect(lb.statuses[0]?.mediaIds).toEqual([lb.media[0]?.id]);
    expect(lb.requests.filter((r) => r.path.startsWith("/api/v1/media"))).toHaveLength(0); // no polling
  });

  it("202 and the status refused for it (not finished processing) → nothing posted; rejected at the image stage", async () => {
    const { lb, conn } = await open({ mediaProcessingMs: 60_000 });
    expect(await failure(conn.send(payload(), ctx(await fitted(64, 64))))).toMatchObject({
      kind: "rejected", stage: "image", detail: "422 Cannot attach files that have not finished processing. Try again in a moment!",
    });
    expect(lb.statuses).toHaveLength(0);
    // The core's next send, without the image, goes under the same key: the 422 stored none.
    const sent = await conn.send(payload(), ctx(undefined));
    expect(lb.statuses).toEqual([expect.objectContaining({ id: sent.remoteId, mediaIds: [] })]);
    expect(posts(lb).map((r) => r.headers["idempotency-key"])).toEqual(["crier-1700000000000-1", "crier-1700000000000-1"]);
  });

  it("a 422 about the text: refused at the image stage first, then without the image a plain rejection", async () => {
    const { lb, conn } = await open({ maxCharacters: 10 });
    expect(await failure(conn.send(payload("x".repeat(11)), ctx(await fitted(64, 64))))).toMatchObject({ kind: "rejected", stage: "image" });
    expect(await failure(conn.send(payload("x".repeat(11)), ctx(undefined)))).toEqual({
      kind: "rejected", message: "Mastodon refused the post: Validation failed: Text character limit of 10 exceeded", detail: "422: Validation failed: Text character limit of 10 exceeded",
    });
    expect(posts(lb)).toHaveLength(2);
    expect(lb.statuses).toHaveLength(0);
  });

  it("a bad token or a spent upload budget fails the send (auth, rate-limited) and posts nothing", async () => {
    const bad = await open({ accounts: [{ ...DEFAULT_ACCOUNT, token: "other-token" }] });
    const err = await bad.conn.send(payload(), ctx(await fitted(64, 64))).catch((e: unknown) => e);
    expect(mastodonAdapter.classify(err).kind).toBe("auth");
    expect(bad.lb.statuses).toHaveLength(0);
    await conn?.close();
    await lb?.close();
    const spent = await open({ mediaLimit: { limit: 1, windowMs: 30 * 60_000 } });
    await spent.conn.send(payload(), ctx(await fitted(64, 64), "a"));
    const limited = await spent.conn.send(payload("second"), ctx(await fitted(64, 64), "b")).catch((e: unknown) => e);
    expect(mastodonAdapter.classify(limited)).toMatchObject({ kind: "rate-limited", scope: "account" });
    expect(spent.lb.statuses).toHaveLength(1);
  });

  it("alt text over 1,500 characters is cut to fit; an empty one is left out", async () => {
    const { lb, conn } = await open();
    await conn.send(payload(), ctx(await fitted(64, 64, "Ж ".repeat(1200))));
    await conn.send(payload("two"), ctx(await fitted(64, 64, "  "), "k2"));
    expect(Array.from(lb.media[0]?.description ?? "").length).toBeLessThanOrEqual(MASTODON_MAX_DESCRIPTION);
    expect(lb.media[1]?.description).toBeNull();
    expect(lb.requests.filter((r) => r.path === "/api/v2/media")[1]?.multipart?.fields).not.toHaveProperty("description");
  });

  it.each<[string, string, (out: string) => boolean]>([
    ["short text is kept", "A harbour", (out) => out === "A harbour"],
    ["an emoji family at the cut stays whole", "👩‍👩‍👧‍👦".repeat(400), (out) => graphemes(out).every((g) => g === "👩‍👩‍👧‍👦" || g === "…")],
    ["long Cyrillic is cut with an ellipsis", "Қазақстан ".repeat(200), (out) => out.endsWith("…") && out.startsWith("Қазақстан")],
  ])("descriptionFor: %s", (_n, alt, ok) => {
    const out = descriptionFor(alt);
    expect(ok(out)).toBe(true);
    expect(Array.from(out).length).toBeLessThanOrEqual(MASTODON_MAX_DESCRIPTION);
  });
});
