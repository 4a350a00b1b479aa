// POST /api/v2/media and `media_ids[]` on POST /api/v1/statuses: rules and negative controls, with
// plain fetch and real images made by sharp.
import { afterEach, describe, expect, it } from "vitest";
import sharp from "sharp";
import { scaled, untilClock } from "../../support/timing.js";
import { imageInfo } from "./image-info.js";
import { DEFAULT_ACCOUNT, startMastodonLoopback, type MastodonLoopback, type MastodonLoopbackOptions } from "./server.js";

let lb: MastodonLoopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});

const OTHER = { id: "2", username: "other", token: "loopback-token-other" };

async function start(opts: MastodonLoopbackOptions = {}): Promise<MastodonLoopback> {
  lb = await startMastodonLoopback({ accounts: [DEFAULT_ACCOUNT, OTHER], ...opts });
  return lb;
}

const image = (width: number, height: number, format: "jpeg" | "png" | "gif" | "webp" = "jpeg") =>
  sharp({ create: { width, height, channels: 3, background: "#3366cc" } }).toFormat(format).toBuffer();

type Answer = { status: number; headers: Headers; body: Record<string, unknown> };

async function upload(bytes: Buffer | null, fields: Record<string, string> = {}, token = DEFAULT_ACCOUNT.token, type = "image/jpeg"): Promise<Answer> {
  const form = new FormData();
  if (bytes) form.append("file", new Blob([bytes], { type }), "a.jpg");
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const res = await fetch(`${lb?.url}/api/v2/media`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function post(params: Record<string, unknown>, token = DEFAULT_ACCOUNT.token, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${lb?.url}/api/v1/statuses`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(params),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe("Mastodon loopback: POST /api/v2/media", () => {
  it("stores a JPEG with its description and answers 200 with a MediaAttachment", async () => {
    const { media, url } = await start();
    const bytes = await image(640, 480);
    const res = await upload(bytes, { description: "A blue square" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: "image", description: "A blue square", meta: { original: { width: 640, height: 480, size: "640x480" } } });
    expect(String(res.body.url)).toMatch(new RegExp(`^${url}/system/media_attachments/files/original/\\d+\\.jpeg$`));
    expect(media).toHaveLength(1);
    expect(media[0]?.bytes.equals(bytes)).toBe(true);
    expect(media[0]).toMatchObject({ id: res.body.id, accountId: "1", mimeType: "image/jpeg", statusId: null });
  });

  it.each<[string, () => Promise<Buffer | null>, string, MastodonLoopbackOptions?]>([
    ["no file", async () => null, "Validation failed: File can't be blank"],
    ["text declared as image/jpeg", async () => Buffer.from("not an image at all"), "Validation failed: File content type is invalid, File is invalid"],
    ["over image_size_limit", () => image(64, 64, "png"), "Validation failed: File file size must be less than 100 Bytes", { imageSizeLimit: 100 }],
    ["over image_matrix_limit", () => image(200, 100), "200x100 images are not supported", { imageMatrixLimit: 19_999 }],
    ["a GIF over 1280x720", () => image(1281, 720, "gif"), "1281x720 images are not supported"],
  ])("refuses %s with 422, storing nothing", async (_name, make, error, opts) => {
    const { media } = await start(opts);
    expect(await upload(await make())).toMatchObject({ status: 422, body: { error } });
    expect(media).toHaveLength(0);
  });

  it("a description of 1500 characters is taken, 1501 refused", async () => {
    await start();
    const bytes = await image(10, 10);
    expect((await upload(bytes, { description: "é".repeat(1500) })).status).toBe(200);
    expect(await upload(bytes, { description: "é".repeat(1501) })).toMatchObject({ status: 422, body: { error: "Validation failed: Description is too long (maximum is 1500 characters)" } });
  });

  it("needs a valid token with write or write:media", async () => {
    await start({ accounts: [{ ...DEFAULT_ACCOUNT, scopes: ["write:statuses", "read"] }, { ...OTHER, scopes: ["write:media"] }] });
    const bytes = await image(10, 10);
    expect(await upload(bytes, {}, "nope")).toMatchObject({ status: 401, body: { error: "The access token is invalid" } });
    expect(await upload(bytes)).toMatchObject({ status: 403, body: { error: "This action is outside the authorized scopes" } });
    expect((await upload(bytes, {}, OTHER.token)).status).toBe(200);
  });

  it("429 when the upload budget is spent", async () => {
    await start({ mediaLimit: { limit: 1, windowMs: 30 * 60_000 } });
    const bytes = await image(10, 10);
    expect((await upload(bytes)).status).toBe(200);
    const res = await upload(bytes);
    expect(res).toMatchObject({ status: 429, body: { error: "Too many requests" } });
    expect(res.headers.get("x-ratelimit-limit")).toBe("1");
  });

  it("the upload budget counts before the scope check, as rack-attack's throttle runs before the controller", async () => {
    await start({ accounts: [{ ...DEFAULT_ACCOUNT, scopes: ["write:statuses"] }], mediaLimit: { limit: 1, windowMs: 30 * 60_000 } });
    const bytes = await image(10, 10);
    const refused = await upload(bytes);
    expect(refused).toMatchObject({ status: 403, body: { error: "This action is outside the authorized scopes" } });
    expect([refused.headers.get("x-ratelimit-limit"), refused.headers.get("x-ratelimit-remaining")]).toEqual(["1", "0"]);
    expect(await upload(bytes)).toMatchObject({ status: 429, body: { error: "Too many requests" } });
  });

  it("while processing: 202 with url null, and a status cannot attach it until it is done", async () => {
    // Long enough (scaled) that the early post below surely comes while the upload is processing.
    const { media } = await start({ mediaProcessingMs: scaled(300) });
    const res = await upload(await image(10, 10));
    expect(res).toMatchObject({ status: 202, body: { url: null } });
    expect(await post({ status: "early", media_ids: [res.body.id] })).toMatchObject({
      status: 422, body: { error: "Cannot attach files that have not finished processing. Try again in a moment!" },
    });
    await untilClock(media[0]?.readyAt ?? 0); // the server's own record of when processing ends
    expect((await post({ status: "later", media_ids: [res.body.id] })).status).toBe(200);
  });

  it.each([
    ["jpeg", "image/jpeg"],
    ["png", "image/png"],
    ["gif", "image/gif"],
    ["webp", "image/webp"],
  ] as const)("reads %s sizes from the header", async (format, mime) => {
    expect(imageInfo(await image(321, 123, format))).toEqual({ mime, width: 321, height: 123 });
  });
});

describe("Mastodon loopback: media_ids[] on POST /api/v1/statuses", () => {
  it("attaches the caller's upload: the status carries the MediaAttachment, the media its status", async () => {
    const { media, statuses } = await start();
    const up = await upload(await image(32, 32), { description: "alt" });
    const res = await post({ status: "with a picture", media_ids: [up.body.id] });
    expect(res.status).toBe(200);
    expect(res.body.media_attachments).toEqual([up.body]);
    expect(statuses[0]).toMatchObject({ id: res.body.id, mediaIds: [up.body.id] });
    expect(media[0]?.statusId).toBe(res.body.id);
  });

  it("with media, the text may be blank; form-encoded media_ids[] work too", async () => {
    await start();
    const up = await upload(await image(8, 8));
    const form = new URLSearchParams([["media_ids[]", String(up.body.id)]]);
    const res = await fetch(`${lb?.url}/api/v1/statuses`, { method: "POST", headers: { authorization: `Bearer ${DEFAULT_ACCOUNT.token}`, "content-type": "application/x-www-form-urlencoded" }, body: form });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { media_attachments: unknown[] }).media_attachments).toHaveLength(1);
  });

  it("422 for media that is unknown, someone else's or already attached; nothing is posted", async () => {
    const { statuses } = await start();
    const mine = await upload(await image(8, 8));
    const theirs = await upload(await image(8, 8), {}, OTHER.token);
    const notFound = (ids: string) => ({ status: 422, body: { error: `Media ${ids} not found or already attached to another post` } });
    expect(await post({ status: "x", media_ids: ["123"] })).toMatchObject(notFound("123"));
    expect(await post({ status: "x", media_ids: [theirs.body.id] })).toMatchObject(notFound(String(theirs.body.id)));
    expect(statuses).toHaveLength(0);
    expect((await post({ status: "first", media_ids: [mine.body.id] })).status).toBe(200);
    expect(await post({ status: "second", media_ids: [mine.body.id] })).toMatchObject(notFound(String(mine.body.id)));
    expect(await post({ status: "x", media_ids: ["1", "2", "3", "4", "5"] })).toMatchObject({ status: 422, body: { error: "Cannot attach more than 4 files" } });
    expect(statuses).toHaveLength(1);
  });

  it("a repeated Idempotency-Key returns the first status before the media is looked at", async () => {
    const { statuses } = await start();
    const up = await upload(await image(8, 8));
    const headers = { "idempotency-key": "crier-1-1" };
    const first = await post({ status: "once", media_ids: [up.body.id] }, DEFAULT_ACCOUNT.token, headers);
    const again = await post({ status: "once", media_ids: ["999"] }, DEFAULT_ACCOUNT.token, headers);
    expect(again).toMatchObject({ status: 200, body: { id: first.body.id, media_attachments: [{ id: up.body.id }] } });
    expect(statuses).toHaveLength(1);
  });
});
