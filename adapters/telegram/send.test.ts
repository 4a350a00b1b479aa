// Real sends through the adapter (connect, then send) to the loopback Bot API server on 127.0.0.1,
// and one to the third-party emulator telegram-test-api.
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { scaled, waitFor } from "../../test/support/timing.js";
import type { Connection, FeedItem, Rendered, SendContext } from "../../src/core/index.js";
import { startTelegramLoopback, type FaultAction, type LoopbackChat, type TelegramLoopback } from "../../test/loopback/telegram-bot-api/server.js";
import { closedPort } from "../../test/loopback/harness.js";
import { startTelegramTestApi, type TelegramTestApi } from "../../test/loopback/telegram-bot-api/third-party.js";
import { telegramConfig } from "./config.js";
import { telegramAdapter } from "./index.js";
import { TELEGRAM_DEFAULT_TEMPLATE, type TelegramMessagePayload, type TelegramPayload } from "./render.js";
import { apiRoot } from "./open.js";
import { postUrl } from "./send.js";

const TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
const CHANNEL: LoopbackChat = { id: -1001234567890, type: "channel", username: "crier_test", title: "Crier Test" };
const PRIVATE_CHANNEL: LoopbackChat = { id: -1009876543210, type: "channel", title: "Private" };
const USER: LoopbackChat = { id: 777, type: "private", username: "someone" };
const LINK = "https://news.example.kz/2024/05/snow?id=42&lang=ru";

const item: FeedItem = {
  feedId: "news", guid: "g1", link: LINK, title: "Снег в Алматы & <горы> 🏔️", summary: "Первый снег выпал ночью. 👨‍👩‍👧",
  author: null, categories: [], imageUrl: null, publishedAt: null,
};

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

async function loopback(opts: { rateLimitPerMinute?: number; fault?: (method: string) => FaultAction | undefined } = {}): Promise<TelegramLoopback> {
  const srv = await startTelegramLoopback({
    tokens: [TOKEN],
    chats: [CHANNEL, PRIVATE_CHANNEL, USER],
    ...(opts.rateLimitPerMinute === undefined ? {} : { rateLimitPerMinute: opts.rateLimitPerMinute }),
    ...(opts.fault ? { onRequest: (req) => opts.fault?.(req.method) } : {}),
  });
  cleanup.push(() => srv.close());
  return srv;
}

async function connect(fields: Record<string, unknown>, timeoutMs = 10_000): Promise<Connection<TelegramPayload>> {
  const cfg = telegramConfig.parse({ botToken: TOKEN, chatId: CHANNEL.id, ...fields });
  const session = { load: async () => null, save: async () => {}, clear: async () => {} }; // unused: bot tokens need no session
  const conn = await telegramAdapter.connect(cfg, { timeoutMs, logger: pino({ level: "silent" }), baseDir: ".", session });
  cleanup.push(() => conn.close());
  return conn;
}

function render(fields: Record<string, unknown>): Rendered<TelegramMessagePayload> {
  const cfg = telegramConfig.parse({ botToken: TOKEN, chatId: CHANNEL.id, ...fields });
  const out = telegramAdapter.render(item, cfg, telegramAdapter.defaultLimits(cfg), { template: TELEGRAM_DEFAULT_TEMPLATE, maxHashtags: 3, link: LINK });
  if (out.payload.kind !== "message") throw new Error("without an image the post is a text message");
  return { ...out, payload: out.payload };
}

const ctx = (signal: AbortSignal = new AbortController().signal): SendContext => ({ deliveryId: 1, idempotencyKey: "d1", queuedAt: 0, signal });

/** Sends and returns what classify makes of the failure. */
async function failure(conn: Connection<TelegramPayload>, payload: TelegramPayload, signal?: AbortSignal) {
  const err: unknown = await conn.send(payload, ctx(signal)).then(() => expect.fail("the send should have failed"), (e: unknown) => e);
  return { err, classified: telegramAdapter.classify(err) };
}

describe("telegram adapter against the loopback Bot API", () => {
  it("posts the rendered article: every sendMessage field, and the text followers see", async () => {
    const srv = await loopback();
    const fields = { apiBase: srv.url, chatId: "@crier_test" };
    const rendered = render(fields);
    const sent = await (await connect(fields)).send(rendered.payload, ctx());

    expect(sent).toEqual({ remoteId: "1", remoteUrl: "https://t.me/crier_test/1" });
    expect(srv.requests).toHaveLength(1);
    const req = srv.requests[0]!;
    expect(req.method).toBe("sendMessage");
    expect(req.token).toBe(TOKEN);
    expect(req.params.chat_id).toBe("@crier_test");
    expect(req.params.parse_mode).toBe("HTML");
    expect(req.params.text).toBe(rendered.payload.text);
    expect(req.params.link_preview_options).toEqual({ is_disabled: false, url: LINK });
    expect(req.params.disable_notification).toBe(false);
    const stored = srv.messages[0]!;
    expect(stored.chatId).toBe(CHANNEL.id);
    expect(stored.text).toBe(rendered.preview);
    expect(stored.text).toContain("Снег в Алматы & <горы> 🏔️");
    expect(stored.text).toContain(LINK);
    expect(stored.entities).toContainEqual({ type: "bold", offset: 0, length: "Снег в Алматы & <горы> 🏔️".length });
  });

  it("links a private channel post as t.me/c/<id without -100>/<message id>", async () => {
    const srv = await loopback();
    const fields = { apiBase: srv.url, chatId: PRIVATE_CHANNEL.id, linkPreview: false, disableNotification: true };
    const sent = await (await connect(fields)).send(render(fields).payload, ctx());
    expect(sent.remoteUrl).toBe("https://t.me/c/9876543210/1");
    expect(srv.requests[0]!.params).toMatchObject({ link_preview_options: { is_disabled: true }, disable_notification: true });
  });

  it("gives no URL for a private chat", async () => {
    const srv = await loopback();
    const fields = { apiBase: srv.url, chatId: USER.id };
    expect((await (await connect(fields)).send(render(fields).payload, ctx())).remoteUrl).toBeNull();
  });

  it("check() names the bot; delete() removes the post", async () => {
    const srv = await loopback();
    const fields = { apiBase: srv.url };
    const conn = await connect(fields);
    expect(await conn.check(new AbortController().signal)).toBe("@loopback_123456_bot");
    const sent = await conn.send(render(fields).payload, ctx());
    await conn.delete!(sent.remoteId, new AbortController().signal);
    expect(srv.messages[0]!.deleted).toBe(true);
  });

  it("a wrong token is auth", async () => {
    const srv = await loopback();
    const conn = await connect({ apiBase: srv.url, botToken: "999:WRONG" });
    const { classified } = await failure(conn, render({ apiBase: srv.url }).payload);
    expect(classified.kind).toBe("auth");
    expect(JSON.stringify(classified)).not.toContain("WRONG");
  });

  it("an unknown chat is destination-broken", async () => {
    const srv = await loopback();
    const fields = { apiBase: srv.url, chatId: -100555 };
    const { classified } = await failure(await connect(fields), render(fields).payload);
    expect(classified).toMatchObject({ kind: "destination-broken", detail: "400 Bad Request: chat not found" });
  });

  it("flood control is rate-limited, waiting retry_after", async () => {
    const srv = await loopback({ rateLimitPerMinute: 1 });
    const fields = { apiBase: srv.url };
    const conn = await connect(fields);
    await conn.send(render(fields).payload, ctx());
    const { err, classified } = await failure(conn, render(fields).payload);
    const retryAfter = (err as { parameters?: { retry_after?: number } }).parameters?.retry_after;
    expect(retryAfter).toBeGreaterThan(0);
    expect(classified).toMatchObject({ kind: "rate-limited", waitMs: retryAfter! * 1000, scope: "destination" });
  });

  it("a connection lost after Telegram accepted the post is unknown-outcome", async () => {
    const srv = await loopback({ fault: (method) => (method === "sendMessage" ? { kind: "destroy-after" } : undefined) });
    const fields = { apiBase: srv.url };
    const { classified } = await failure(await connect(fields), render(fields).payload);
    expect(classified.kind).toBe("unknown-outcome");
    expect(srv.messages).toHaveLength(1); // it was posted: a blind retry would double-post
  });

  it("a closed port is transient (the request never left)", async () => {
    const fields = { apiBase: `http://127.0.0.1:${await closedPort()}` };
    const { classified } = await failure(await connect(fields), render(fields).payload);
    expect(classified).toMatchObject({ kind: "transient", message: "cannot reach the Telegram Bot API (ECONNREFUSED); nothing was posted" });
  });

  it("the core's signal aborts a hanging send (shutdown): unknown-outcome, promptly, worded as a cancel", async () => {
    const srv = await loopback({ fault: (method) => (method === "sendMessage" ? { kind: "hang-after" } : undefined) });
    const fields = { apiBase: srv.url };
    const abort = new AbortController();
    const sending = failure(await connect(fields), render(fields).payload, abort.signal);
    await waitFor(() => srv.messages.length === 1, 5_000, "the message to be taken (its answer then hangs)");
    const started = Date.now();
    abort.abort();
    const { classified } = await sending;
    expect(Date.now() - started).toBeLessThan(scaled(5_000));
    expect(classified.kind).toBe("unknown-outcome");
    expect(classified.message).toMatch(/^the send was cancelled \(shutdown\) after it may have reached the Telegram Bot API/);
    expect(srv.messages).toHaveLength(1);
  });

  // The core sends with AbortSignal.timeout(timeoutMs) (src/delivery/deliver.ts): that signal alone
  // bounds the send, and its TimeoutError reaches the operator as a timeout, not a cancel.
  it("the send timeout the core sets ends a hanging send: unknown-outcome, worded as a timeout", async () => {
    const srv = await loopback({ fault: (method) => (method === "sendMessage" ? { kind: "hang-after" } : undefined) });
    const fields = { apiBase: srv.url };
    const started = Date.now();
    const { classified } = await failure(await connect(fields), render(fields).payload, AbortSignal.timeout(300));
    expect(Date.now() - started).toBeLessThan(scaled(5_000));
    expect(classified).toMatchObject({ kind: "unknown-outcome", message: expect.stringMatching(/^the send timed out after it may have reached the Telegram Bot API; the post may or may not exist/) });
  });
});

describe("telegram adapter against telegram-test-api (third-party emulator)", () => {
  let api: TelegramTestApi | undefined;
  it("sends through telegraf to it", async () => {
    api = await startTelegramTestApi();
    cleanup.push(async () => api?.close());
    const fields = { apiBase: api.apiRoot, botToken: api.token, chatId: api.chatId };
    const rendered = render(fields);
    const sent = await (await connect(fields)).send(rendered.payload, ctx());
    expect(sent.remoteId).toMatch(/^\d+$/);
    const messages = await api.sentMessages();
    expect(messages).toHaveLength(1);
    // It stores the raw HTML (it parses no entities), with our fields as sent.
    expect(messages[0]).toMatchObject({ chat_id: api.chatId, text: rendered.payload.text, parse_mode: "HTML" });
  });
});

describe("pure helpers", () => {
  it.each([
    ["https://api.telegram.org", "https://api.telegram.org/"],
    ["http://127.0.0.1:8081", "http://127.0.0.1:8081/"],
    ["http://proxy.local/telegram", "http://proxy.local/telegram/"],
    ["http://proxy.local/telegram/", "http://proxy.local/telegram/"],
  ])("apiRoot(%s)", (base, root) => expect(apiRoot(base)).toBe(root));

  it.each<[string, Parameters<typeof postUrl>[0], number | string, string | null]>([
    ["public channel", { id: -1001, type: "channel", username: "news" }, -1001, "https://t.me/news/7"],
    ["configured @name", { id: -1001, type: "channel" }, "@news", "https://t.me/news/7"],
    ["private channel", { id: -1001234567890, type: "channel" }, -1001234567890, "https://t.me/c/1234567890/7"],
    ["private supergroup", { id: -1009, type: "supergroup" }, -1009, "https://t.me/c/9/7"],
    ["basic group", { id: -4001, type: "group" }, -4001, null],
    ["private chat with a username", { id: 5, type: "private", username: "ann" }, 5, null],
  ])("postUrl: %s", (_label, chat, configured, url) => expect(postUrl(chat, configured, 7)).toBe(url));
});
