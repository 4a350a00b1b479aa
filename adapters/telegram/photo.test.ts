// Photos through the adapter to the loopback Bot API (test/loopback/telegram-bot-api), which parses
// the multipart upload, checks #sendphoto's limits and stores what it accepts.
import { pino } from "pino";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../../test/support/timing.js";
import type { AttachedImage, Connection, FeedItem, SendContext } from "../../src/core/index.js";
import { fitImage } from "../../src/delivery/fit-image.js";
import { startTelegramLoopback, type FaultAction, type LoopbackChat, type TelegramLoopback } from "../../test/loopback/telegram-bot-api/server.js";
import { telegramConfig } from "./config.js";
import { TELEGRAM_IMAGE_LIMITS, telegramAdapter } from "./index.js";
import { TELEGRAM_DEFAULT_TEMPLATE, type TelegramPayload } from "./render.js";

const TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
const CHANNEL: LoopbackChat = { id: -1001234567890, type: "channel", username: "crier_test", title: "Crier Test" };
const LINK = "https://news.example.kz/2024/05/snow?id=42&lang=ru";
const item = (over: Partial<FeedItem> = {}): FeedItem => ({
  feedId: "news", guid: "g1", link: LINK, title: "Снег в Алматы & <горы> 🏔️", summary: "Первый снег выпал ночью.", author: null, categories: [], imageUrl: null, publishedAt: null, ...over,
});
const LONG = { summary: "Синоптики обещают похолодание и снег в горах. ".repeat(120) };

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

async function setup(fields: Record<string, unknown> = {}, fault?: (method: string) => FaultAction | undefined) {
  const srv: TelegramLoopback = await startTelegramLoopback({ tokens: [TOKEN], chats: [CHANNEL], ...(fault ? { onRequest: (req) => fault(req.method) } : {}) });
  cleanup.push(() => srv.close());
  const cfg = telegramConfig.parse({ botToken: TOKEN, chatId: "@crier_test", apiBase: srv.url, ...fields });
  const session = { load: async () => null, save: async () => {}, clear: async () => {} };
  const conn: Connection<TelegramPayload> = await telegramAdapter.connect(cfg, { timeoutMs: 10_000, logger: pino({ level: "silent" }), baseDir: ".", session });
  cleanup.push(() => conn.close());
  const render = (over: Partial<FeedItem> = {}, img: AttachedImage | undefined = undefined) =>
    telegramAdapter.render(item(over), cfg, conn.limits, { template: TELEGRAM_DEFAULT_TEMPLATE, maxHashtags: 3, link: LINK, image: img && { url: img.url, alt: img.alt } });
  return { srv, conn, render };
}

const jpeg = async (width = 800, height = 600): Promise<AttachedImage> => ({
  bytes: await sharp({ create: { width, height, channels: 3, background: "#3a6" } }).jpeg().toBuffer(),
  mime: "image/jpeg", width, height, alt: "Snow", url: "https://news.example.kz/snow.jpg",
});
const ctx = (image?: AttachedImage, signal: AbortSignal = AbortSignal.timeout(10_000)): SendContext => ({ deliveryId: 1, idempotencyKey: "d1", queuedAt: 0, signal, image });

describe("telegram adapter: photos", () => {
  it("sends the photo as a multipart upload with the post as its caption", async () => {
    const { srv, conn, render } = await setup();
    const img = await jpeg();
    const rendered = render({}, img);
    expect(rendered.payload.kind).toBe("photo");
    const sent = await conn.send(rendered.payload, ctx(img));
    expect(sent).toEqual({ remoteId: "1", remoteUrl: "https://t.me/crier_test/1" });
    const req = srv.requests[0]!;
    expect(req.method).toBe("sendPhoto");
    expect(req.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(req.params).toMatchObject({ chat_id: "@crier_test", parse_mode: "HTML", caption: rendered.payload.kind === "photo" ? rendered.payload.caption : "" });
    expect(req.files.photo?.filename).toBe("image.jpg");
    const stored = srv.messages[0]!;
    expect(stored.photo?.bytes.equals(img.bytes)).toBe(true);
    expect(stored.photo).toMatchObject({ width: 800, height: 600 });
    expect(stored.caption).toBe(rendered.preview);
    expect(stored.caption).toContain(LINK);
    expect(stored.entities).toContainEqual({ type: "bold", offset: 0, length: "Снег в Алматы & <горы> 🏔️".length });
  });

  it("a large image, fitted by the core to the Bot API's limits, arrives intact and is accepted", async () => {
    const png = await sharp({ create: { width: 7000, height: 2400, channels: 3, background: "#468" } }).png().toBuffer();
    const fitted = await fitImage({ bytes: png, format: "png", width: 7000, height: 2400, url: "https://news.example.kz/wide.png", alt: "Wide" }, TELEGRAM_IMAGE_LIMITS);
    expect(fitted.width + fitted.height).toBeLessThanOrEqual(10_000);
    expect(fitted.bytes.length).toBeLessThanOrEqual(10 * 1024 * 1024);
    const { srv, conn, render } = await setup();
    const sent = await conn.send(render({}, fitted).payload, ctx(fitted));
    expect(sent.note).toBeUndefined();
    expect(srv.messages[0]?.photo?.bytes.equals(fitted.bytes)).toBe(true);
    expect(srv.messages[0]?.photo).toMatchObject({ width: fitted.width, height: fitted.height });
  });

  it("short-caption: a long article goes out as the photo with a caption within 1024", async () => {
    const { srv, conn, render } = await setup({ longCaption: "short-caption" });
    const img = await jpeg();
    await conn.send(render(LONG, img).payload, ctx(img));
    const stored = srv.messages[0]!;
    expect(stored.photo).toBeDefined();
    expect(stored.caption!.length).toBeLessThanOrEqual(1024);
    expect(stored.caption).toContain(LINK);
  });

  it("text-with-preview: a long article goes out as a text message with the link preview, note says why", async () => {
    const { srv, conn, render } = await setup({ longCaption: "text-with-preview" });
    const img = await jpeg();
    const sent = await conn.send(render(LONG, img).payload, ctx(img));
    expect(srv.requests.map((r) => r.method)).toEqual(["sendMessage"]);
    const stored = srv.messages[0]!;
    expect(stored.photo).toBeUndefined();
    expect(stored.text!.length).toBeGreaterThan(1024);
    expect(stored.linkPreviewOptions).toEqual({ is_disabled: false, url: LINK });
    expect(sent.note).toMatch(/^image not attached: the post \(\d+ characters\) is longer than a photo caption/);
  });

  // A refused photo throws before anything is posted, classified "rejected" at the image stage: the
  // core then renders and sends the post as a text message (test/e2e/image-failures.test.ts).
  it.each<[string, () => Promise<AttachedImage>, RegExp]>([
    ["sides' ratio over 20", async () => jpeg(4200, 200), /^400 Bad Request: PHOTO_INVALID_DIMENSIONS \(/],
    ["bytes that are no image", async () => ({ ...(await jpeg()), bytes: Buffer.from("not an image at all") }), /^400 Bad Request: IMAGE_PROCESS_FAILED \(/],
  ])("a photo Telegram refuses (%s) → nothing posted; rejected at the image stage", async (_name, make, detail) => {
    const { srv, conn, render } = await setup();
    const img = await make();
    const err = await conn.send(render(LONG, img).payload, ctx(img)).then(() => expect.fail("should fail"), (e: unknown) => e);
    expect(telegramAdapter.classify(err)).toMatchObject({ kind: "rejected", stage: "image", message: "Telegram refused the photo", detail: expect.stringMatching(detail) });
    expect(srv.requests.map((r) => r.method)).toEqual(["sendPhoto"]);
    expect(srv.messages).toHaveLength(0);
  });

  it("a 413 on sendPhoto (upload over the Bot API's limit) → rejected at the image stage", async () => {
    const { srv, conn, render } = await setup({}, (m) => (m === "sendPhoto" ? { kind: "status", status: 413, body: { ok: false, error_code: 413, description: "Request Entity Too Large" } } : undefined));
    const img = await jpeg();
    const err = await conn.send(render({}, img).payload, ctx(img)).then(() => expect.fail("should fail"), (e: unknown) => e);
    expect(telegramAdapter.classify(err)).toMatchObject({ kind: "rejected", stage: "image", detail: "413 Request Entity Too Large (the upload is larger than the Bot API takes)" });
    expect(srv.messages).toHaveLength(0);
  });

  it("a 5xx on sendPhoto is the post's own unknown outcome, not an image failure: the photo is the message", async () => {
    const { conn, render } = await setup({}, (m) => (m === "sendPhoto" ? { kind: "status", status: 500, body: { ok: false, error_code: 500, description: "Internal Server Error" } } : undefined));
    const img = await jpeg();
    const err = await conn.send(render({}, img).payload, ctx(img)).then(() => expect.fail("should fail"), (e: unknown) => e);
    const result = telegramAdapter.classify(err);
    expect(result.kind).toBe("unknown-outcome");
    expect(result.stage).toBeUndefined();
  });

  it("other sendPhoto failures are thrown, not papered over with a text message", async () => {
    const { srv, conn, render } = await setup({}, (m) => (m === "sendPhoto" ? { kind: "status", status: 403, body: { ok: false, error_code: 403, description: "Forbidden: bot was kicked from the channel chat" } } : undefined));
    const img = await jpeg();
    const err = await conn.send(render({}, img).payload, ctx(img)).then(() => expect.fail("should fail"), (e: unknown) => e);
    expect(telegramAdapter.classify(err).kind).toBe("destination-broken");
    expect(srv.requests.map((r) => r.method)).toEqual(["sendPhoto"]);
  });

  it("ctx.signal aborts a hanging sendPhoto → unknown-outcome, no second post", async () => {
    const { srv, conn, render } = await setup({}, (m) => (m === "sendPhoto" ? { kind: "hang-after" } : undefined));
    const img = await jpeg();
    const abort = new AbortController();
    const sending = conn.send(render({}, img).payload, ctx(img, abort.signal)).then(() => expect.fail("should fail"), (e: unknown) => e);
    await waitFor(() => srv.messages.length === 1, 5_000, "the photo to be taken (its answer then hangs)");
    abort.abort();
    const err = await sending;
    expect(telegramAdapter.classify(err).kind).toBe("unknown-outcome");
    expect(srv.messages).toHaveLength(1); // the photo was posted; only the answer was lost
  });

  it("a photo payload without ctx.image sends the text message, with note", async () => {
    const { srv, conn, render } = await setup();
    const sent = await conn.send(render({}, await jpeg()).payload, ctx(undefined));
    expect(srv.requests.map((r) => r.method)).toEqual(["sendMessage"]);
    expect(sent.note).toMatch(/^image not attached/);
  });

  it("declares images with the Bot API's photo limits", () => {
    expect(telegramAdapter.capabilities.images).toBe(true);
    expect(telegramAdapter.imageLimits).toEqual({ maxBytes: 10_485_760, maxWidth: 5000, maxHeight: 5000, formats: ["jpeg", "png", "webp"] });
  });
});
