import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { scaled, waitFor } from "../../test/support/timing.js";
import type { Connection, FeedItem, HttpError, SendContext } from "../../src/core/index.js";
import { startSlackLoopback, type SlackLoopback, type SlackLoopbackOptions } from "../../test/loopback/slack-api/server.js";
import { slackConfig } from "./config.js";
import { testDeps } from "./fixtures/replay.js";
import { slackAdapter } from "./index.js";
import type { SlackPayload } from "./render.js";

const LINK = "https://news.example.org/2026/05/snow?a=1&b=2";
const ITEM: FeedItem = {
  feedId: "news", guid: "g", link: LINK, title: "Snow in Almaty & <mountains> | 🏔️", summary: "Fresh snow.", author: null,
  categories: ["Weather"], imageUrl: null, publishedAt: null,
};

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function loopback(opts: SlackLoopbackOptions = {}): Promise<SlackLoopback> {
  const lb = await startSlackLoopback(opts);
  cleanup.push(() => lb.close());
  return lb;
}

const botFields = (lb: SlackLoopback, over: Record<string, unknown> = {}) => ({ botToken: lb.bot.token, channel: "C0NEWS0001", apiBase: lb.apiBase, ...over });
const hookFields = (lb: SlackLoopback, i = 0, over: Record<string, unknown> = {}) => ({ webhookUrl: lb.webhookUrl(lb.webhooks[i]), webhookBase: lb.url, ...over });

async function open(fields: Record<string, unknown>, timeoutMs = 5_000) {
  const cfg = slackConfig.parse(fields);
  const conn = await slackAdapter.connect(cfg, testDeps(timeoutMs));
  cleanup.push(() => conn.close());
  const rendered = slackAdapter.render(ITEM, cfg, conn.limits, { template: slackAdapter.defaultTemplate, maxHashtags: 3, link: LINK });
  return { conn, rendered, payload: rendered.payload };
}

const ctx = (signal: AbortSignal = AbortSignal.timeout(5_000)): SendContext => ({ deliveryId: 7, idempotencyKey: "crier-7", queuedAt: 0, signal });

async function failure(conn: Connection<SlackPayload>, payload: SlackPayload, signal?: AbortSignal) {
  const err: unknown = await conn.send(payload, ctx(signal)).then(() => expect.fail("the send should have failed"), (e: unknown) => e);
  return { err, result: slackAdapter.classify(err) };
}

describe("bot mode (chat.postMessage) against the loopback", () => {
  it("posts the rendered article: every field, and returns channel/ts with the permalink", async () => {
    const lb = await loopback();
    const { conn, payload } = await open(botFields(lb, { unfurlLinks: false }));
    const sent = await conn.send(payload, ctx());
    const message = lb.messages[0]!;
    expect(sent).toEqual({ remoteId: `C0NEWS0001/${message.ts}`, remoteUrl: `https://crier-loopback.slack.com/archives/C0NEWS0001/p${message.ts.replace(".", "")}` });
    const post = lb.requests.find((r) => r.apiMethod === "chat.postMessage")!;
    expect(post.method).toBe("POST");
    expect(post.headers.authorization).toBe(`Bearer ${lb.bot.token}`);
    expect(post.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(post.json).toEqual({ channel: "C0NEWS0001", text: payload.text, blocks: payload.blocks, unfurl_links: false });
    expect(message).toMatchObject({ text: payload.text, blocks: payload.blocks, unfurlLinks: false, via: "chat.postMessage" });
    expect(payload.text).toBe("*<https://news.example.org/2026/05/snow?a=1&amp;b=2|Snow in Almaty &amp; &lt;mountains&gt; | 🏔️>*\nFresh snow.\n#Weather");
    expect(lb.requests.find((r) => r.apiMethod === "chat.getPermalink")).toMatchObject({ method: "GET", query: { channel: "C0NEWS0001", message_ts: message.ts } });
  });

  it("an apiBase with a trailing slash still calls <apiBase>/<method>", async () => {
    const lb = await loopback();
    const { conn, payload } = await open(botFields(lb, { apiBase: `${lb.apiBase}/` }));
    await conn.send(payload, ctx());
    expect(lb.requests.map((r) => r.path)).toEqual(["/api/chat.postMessage", "/api/chat.getPermalink"]);
  });

  it("a channel given by name is recorded by its ID", async () => {
    const lb = await loopback();
    const { conn, payload } = await open(botFields(lb, { channel: "#news" }));
    expect((await conn.send(payload, ctx())).remoteId).toMatch(/^C0NEWS0001\/\d+\.\d{6}$/);
  });

  it("a failing chat.getPermalink does not fail the send: remoteUrl null", async () => {
    const lb = await loopback({ onRequest: (r) => (r.apiMethod === "chat.getPermalink" ? { kind: "status", status: 200, body: { ok: false, error: "internal_error" } } : undefined) });
    const { conn, payload } = await open(botFields(lb));
    expect(await conn.send(payload, ctx())).toMatchObject({ remoteId: expect.stringMatching(/^C0NEWS0001\//), remoteUrl: null });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ["an archived channel", { channel: "C0ARCHIVED" }, "destination-broken", "chat.postMessage: 200 is_archived"],
    ["a channel the bot is not in", { channel: "C0NOTMEMBR" }, "destination-broken", "chat.postMessage: 200 not_in_channel"],
    ["an unknown channel", { channel: "C0NOSUCH00" }, "destination-broken", "chat.postMessage: 200 channel_not_found"],
    ["a wrong token", { botToken: "xoxb-9-wrongtokenvalue" }, "auth", "chat.postMessage: 200 invalid_auth"],
  ])("%s → %s", async (_name, over, kind, detail) => {
    const lb = await loopback();
    const { conn, payload } = await open(botFields(lb, over));
    const { result } = await failure(conn, payload);
    expect(result).toMatchObject({ kind, detail });
    expect(JSON.stringify(result)).not.toContain("wrongtokenvalue");
    expect(lb.messages).toHaveLength(0);
  });

  it("a section over 3,000 characters (bypassing render) → rejected, invalid_blocks", async () => {
    const lb = await loopback();
    const { conn, payload } = await open(botFields(lb));
    const long: SlackPayload = { ...payload, blocks: [{ type: "section", text: { type: "mrkdwn", text: "a".repeat(3001) } }] };
    expect((await failure(conn, long)).result).toMatchObject({ kind: "rejected", detail: expect.stringContaining("must be less than 3001 characters") });
  });

  it("429 → rate-limited, waiting Retry-After", async () => {
    const lb = await loopback({ rateLimit: { limit: 1, windowMs: 20_000 } });
    const { conn, payload } = await open(botFields(lb));
    await conn.send(payload, ctx());
    const { err, result } = await failure(conn, payload);
    const retryAfter = Number((err as HttpError).headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(15);
    expect(result).toMatchObject({ kind: "rate-limited", waitMs: retryAfter * 1000, scope: "destination" });
  });

  it("check() names the bot and workspace; a wrong token is auth", async () => {
    const lb = await loopback();
    expect(await (await open(botFields(lb))).conn.check(AbortSignal.timeout(5_000))).toBe("@crier in Crier Loopback (https://crier-loopback.slack.com/)");
    const bad = (await open(botFields(lb, { botToken: "xoxb-9-nope" }))).conn;
    const err = await bad.check(AbortSignal.timeout(5_000)).catch((e: unknown) => e);
    expect(slackAdapter.classify(err).kind).toBe("auth");
  });

  it("delete() removes the post with chat.delete; a webhook id is refused clearly", async () => {
    const lb = await loopback();
    const { conn, payload } = await open(botFields(lb));
    const sent = await conn.send(payload, ctx());
    await conn.delete!(sent.remoteId, AbortSignal.timeout(5_000));
    expect(lb.messages[0]!.deleted).toBe(true);
    expect(lb.requests.at(-1)?.json).toEqual({ channel: "C0NEWS0001", ts: lb.messages[0]!.ts });
    await expect(conn.delete!("webhook:crier-7", AbortSignal.timeout(5_000))).rejects.toThrow(/incoming webhook/);
  });
});

describe("webhook mode against the loopback", () => {
  it("posts the payload to the webhook path under webhookBase; no id comes back", async () => {
    const lb = await loopback();
    const { conn, payload } = await open(hookFields(lb));
    expect(await conn.send(payload, ctx())).toEqual({ remoteId: "webhook:crier-7", remoteUrl: null });
    const req = lb.requests[0]!;
    expect(req).toMatchObject({ method: "POST", surface: "webhook", path: new URL(lb.webhookUrl()).pathname, json: payload });
    expect(req.headers.authorization).toBeUndefined();
    expect(lb.messages[0]).toMatchObject({ channel: "C0NEWS0001", text: payload.text, via: "webhook" });
  });

  it.each<[string, (lb: SlackLoopback) => Record<string, unknown>, string, string]>([
    ["an archived channel", (lb) => hookFields(lb, 1), "destination-broken", "webhook: 410 channel_is_archived"],
    ["a wrong secret", (lb) => ({ ...hookFields(lb), webhookUrl: lb.webhookUrl().replace(/[^/]+$/, "wrongsecretvalue") }), "auth", "webhook: 403 invalid_token"],
    ["a removed webhook", (lb) => ({ ...hookFields(lb), webhookUrl: "https://hooks.slack.com/services/T0LOOPBACK/B0GONE0000/abc" }), "destination-broken", "webhook: 404 no_service"],
  ])("%s → %s", async (_name, fields, kind, detail) => {
    const lb = await loopback();
    const { conn, payload } = await open(fields(lb));
    const { result } = await failure(conn, payload);
    expect(result).toMatchObject({ kind, detail });
    expect(JSON.stringify(result)).not.toMatch(/secret|wrongsecretvalue/);
  });

  it("429 → rate-limited with the wait", async () => {
    const lb = await loopback({ onRequest: () => ({ kind: "status", status: 429, body: "rate_limited", headers: { "retry-after": "42" } }) });
    const { conn, payload } = await open(hookFields(lb));
    expect((await failure(conn, payload)).result).toMatchObject({ kind: "rate-limited", waitMs: 42_000 });
  });

  it("check() describes the webhook without sending anything or showing its secret; no delete", async () => {
    const lb = await loopback();
    const { conn } = await open(hookFields(lb));
    const who = await conn.check(AbortSignal.timeout(5_000));
    expect(who).toMatch(/^incoming webhook B0HOOKNEWS of workspace T0LOOPBACK \(not verified/);
    expect(who).not.toContain(lb.webhooks[0]!.secret);
    expect(lb.requests).toHaveLength(0);
    expect(conn.delete).toBeUndefined();
  });
});

describe("transport failures", () => {
  it.each([["bot", botFields], ["webhook", (lb: SlackLoopback) => hookFields(lb)]] as const)("%s: a hanging send aborted by ctx.signal → unknown-outcome, promptly", async (_mode, fields) => {
    const lb = await loopback({ onRequest: () => ({ kind: "hang-after" }) });
    const { conn, payload } = await open(fields(lb));
    const abort = new AbortController();
    const sending = failure(conn, payload, abort.signal);
    await waitFor(() => lb.messages.length === 1, 5_000, "the message to be taken (its answer then hangs)");
    const started = Date.now();
    abort.abort();
    const { result } = await sending;
    expect(result.kind).toBe("unknown-outcome");
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
    expect(lb.messages).toHaveLength(1); // it was posted: a blind retry would double-post
  });

  // The destination's timeoutMs reaches a send as the core's signal (deliver.ts:
  // `AbortSignal.timeout(timeoutMs)`), the only bound: the adapter adds no timeout of its own.
  it("the core's send timeout bounds a hanging send → unknown-outcome, said as a timeout", async () => {
    const lb = await loopback({ onRequest: () => ({ kind: "hang-after" }) });
    const { conn, payload } = await open(botFields(lb));
    const started = Date.now();
    const { result } = await failure(conn, payload, AbortSignal.timeout(200));
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
    expect(result).toMatchObject({ kind: "unknown-outcome", message: expect.stringMatching(/^the send timed out after it may have reached Slack/), detail: expect.stringMatching(/timeout/i) });
  });

  it("a connection dropped after Slack stored the post → unknown-outcome", async () => {
    const lb = await loopback({ onRequest: () => ({ kind: "destroy-after" }) });
    const { conn, payload } = await open(hookFields(lb));
    expect((await failure(conn, payload)).result).toMatchObject({ kind: "unknown-outcome", detail: expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET)/) });
    expect(lb.messages).toHaveLength(1);
  });

  it("a 5xx → unknown-outcome", async () => {
    const lb = await loopback({ onRequest: () => ({ kind: "status", status: 502, body: "<html>bad gateway</html>" }) });
    const { conn, payload } = await open(botFields(lb));
    expect((await failure(conn, payload)).result.kind).toBe("unknown-outcome");
  });

  it("nothing listening → transient", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    const { conn, payload } = await open({ botToken: "xoxb-1-x", channel: "C0NEWS0001", apiBase: `http://127.0.0.1:${port}/api` });
    expect((await failure(conn, payload)).result).toMatchObject({ kind: "transient", detail: expect.stringMatching(/^ECONNREFUSED: /) });
  });
});
