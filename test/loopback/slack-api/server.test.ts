import { afterEach, describe, expect, it } from "vitest";
import { scaled, waitFor } from "../../support/timing.js";
import { DEFAULT_BOT, startSlackLoopback, type SlackLoopback, type SlackLoopbackOptions } from "./server.js";

const open: SlackLoopback[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((lb) => lb.close()));
});

async function start(opts: SlackLoopbackOptions = {}): Promise<SlackLoopback> {
  const lb = await startSlackLoopback(opts);
  open.push(lb);
  return lb;
}

const section = (text: string) => [{ type: "section", text: { type: "mrkdwn", text } }];

async function api(lb: SlackLoopback, method: string, body: unknown, token: string | null = DEFAULT_BOT.token) {
  const res = await fetch(`${lb.apiBase}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), json: (await res.json()) as Record<string, unknown> };
}

async function hook(lb: SlackLoopback, path: string, body: string, contentType = "application/json") {
  const res = await fetch(`${lb.url}${path}`, { method: "POST", headers: { "content-type": contentType }, body });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), text: await res.text() };
}

const hookPath = (lb: SlackLoopback, i = 0) => new URL(lb.webhookUrl(lb.webhooks[i])).pathname;

describe("Slack loopback: Web API", () => {
  it("chat.postMessage stores the message and answers {ok, channel, ts, message}", async () => {
    const lb = await start();
    const r = await api(lb, "chat.postMessage", { channel: "#news", text: "hi", blocks: section("*hi*"), unfurl_links: false });
    expect(r).toMatchObject({ status: 200, json: { ok: true, channel: "C0NEWS0001", message: { text: "hi", bot_id: DEFAULT_BOT.botId } } });
    expect(String(r.json.ts)).toMatch(/^\d{10}\.\d{6}$/);
    expect(lb.messages).toEqual([expect.objectContaining({ channel: "C0NEWS0001", ts: r.json.ts, text: "hi", unfurlLinks: false, via: "chat.postMessage" })]);
  });

  it.each<[string, unknown, string | null, string]>([
    ["no token", { channel: "C0NEWS0001", text: "x" }, null, "not_authed"],
    ["a wrong token", { channel: "C0NEWS0001", text: "x" }, "xoxb-wrong", "invalid_auth"],
    ["an unknown channel", { channel: "C0NOSUCH00", text: "x" }, DEFAULT_BOT.token, "channel_not_found"],
    ["no channel", { text: "x" }, DEFAULT_BOT.token, "channel_not_found"],
    ["an archived channel", { channel: "C0ARCHIVED", text: "x" }, DEFAULT_BOT.token, "is_archived"],
    ["a channel the bot is not in", { channel: "C0NOTMEMBR", text: "x" }, DEFAULT_BOT.token, "not_in_channel"],
    ["neither text nor blocks", { channel: "C0NEWS0001" }, DEFAULT_BOT.token, "no_text"],
    ["blank text, empty blocks", { channel: "C0NEWS0001", text: "  ", blocks: [] }, DEFAULT_BOT.token, "no_text"],
  ])("chat.postMessage with %s → 200 {ok:false, error:%j}", async (_name, body, token, error) => {
    const lb = await start();
    expect(await api(lb, "chat.postMessage", body, token)).toMatchObject({ status: 200, json: { ok: false, error } });
    expect(lb.messages).toHaveLength(0);
  });

  it("refuses a section text over 3,000 characters with invalid_blocks and a JSON pointer", async () => {
    const lb = await start();
    const r = await api(lb, "chat.postMessage", { channel: "C0NEWS0001", text: "x", blocks: section("a".repeat(3001)) });
    expect(r.json).toMatchObject({ ok: false, error: "invalid_blocks", errors: ["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"] });
    expect(lb.messages).toHaveLength(0);
  });

  it("counts characters as code points: 3,000 emoji (6,000 UTF-16 units) pass", async () => {
    const lb = await start();
    expect((await api(lb, "chat.postMessage", { channel: "C0NEWS0001", text: "x", blocks: section("😀".repeat(3000)) })).json.ok).toBe(true);
  });

  it.each<[string, unknown]>([
    ["an unknown block type", [{ type: "video" }]],
    ["an empty section text", section("")],
    ["a plain_text header over 150", [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }]],
    ["51 blocks", Array.from({ length: 51 }, () => ({ type: "divider" }))],
  ])("invalid_blocks for %s", async (_name, blocks) => {
    const lb = await start();
    expect((await api(lb, "chat.postMessage", { channel: "C0NEWS0001", text: "x", blocks })).json.error).toBe("invalid_blocks");
  });

  it("truncates text over 40,000 characters and warns message_truncated", async () => {
    const lb = await start();
    const r = await api(lb, "chat.postMessage", { channel: "C0NEWS0001", text: "y".repeat(40_001) });
    expect(r.json).toMatchObject({ ok: true, response_metadata: { warnings: ["message_truncated"] } });
    expect(lb.messages[0]?.text).toHaveLength(40_000);
  });

  it("429 ratelimited with Retry-After once the channel's window is used", async () => {
    const lb = await start({ rateLimit: { limit: 1, windowMs: 30_000 } });
    await api(lb, "chat.postMessage", { channel: "C0NEWS0001", text: "1" });
    const r = await api(lb, "chat.postMessage", { channel: "C0NEWS0001", text: "2" });
    expect(r).toMatchObject({ status: 429, json: { ok: false, error: "ratelimited" } });
    expect(Number(r.retryAfter)).toBeGreaterThan(25);
    expect(lb.messages).toHaveLength(1);
  });

  it("chat.getPermalink, chat.delete, auth.test", async () => {
    const lb = await start();
    const { json } = await api(lb, "chat.postMessage", { channel: "C0NEWS0001", text: "x" });
    const ts = String(json.ts);
    const link = await fetch(`${lb.apiBase}/chat.getPermalink?channel=C0NEWS0001&message_ts=${ts}`, { headers: { authorization: `Bearer ${DEFAULT_BOT.token}` } });
    expect(await link.json()).toEqual({ ok: true, channel: "C0NEWS0001", permalink: `https://crier-loopback.slack.com/archives/C0NEWS0001/p${ts.replace(".", "")}` });
    expect((await api(lb, "chat.delete", { channel: "C0NEWS0001", ts })).json).toEqual({ ok: true, channel: "C0NEWS0001", ts });
    expect(lb.messages[0]?.deleted).toBe(true);
    expect((await api(lb, "chat.delete", { channel: "C0NEWS0001", ts })).json.error).toBe("message_not_found");
    expect((await api(lb, "chat.getPermalink", { channel: "C0NEWS0001", message_ts: ts })).json.error).toBe("message_not_found");
    expect((await api(lb, "auth.test", {})).json).toMatchObject({ ok: true, user: "crier", team: "Crier Loopback", user_id: "U0CRIERBOT", url: "https://crier-loopback.slack.com/" });
    expect((await api(lb, "auth.test", {}, "xoxb-nope")).json.error).toBe("invalid_auth");
  });

  it("an unknown method → 404 unknown_method; a token in a JSON body is not accepted", async () => {
    const lb = await start();
    expect(await api(lb, "chat.postMessages", {})).toMatchObject({ status: 404, json: { error: "unknown_method" } });
    expect((await api(lb, "auth.test", { token: DEFAULT_BOT.token }, null)).json.error).toBe("not_authed");
  });
});

describe("Slack loopback: incoming webhooks", () => {
  it("posts to the webhook's channel and answers 200 ok", async () => {
    const lb = await start();
    const r = await hook(lb, hookPath(lb), JSON.stringify({ text: "hi", blocks: section("hi"), channel: "#elsewhere" }));
    expect(r).toMatchObject({ status: 200, text: "ok" });
    expect(lb.messages).toEqual([expect.objectContaining({ channel: "C0NEWS0001", text: "hi", via: "webhook" })]);
    expect(lb.requests[0]).toMatchObject({ surface: "webhook", method: "POST" });
  });

  it.each<[string, (lb: SlackLoopback) => string, string, number, string]>([
    ["a wrong secret", (lb) => hookPath(lb).replace(/[^/]+$/, "wrongsecret"), '{"text":"x"}', 403, "invalid_token"],
    ["an unknown webhook", () => "/services/T0LOOPBACK/B0NOSUCH00/secret", '{"text":"x"}', 404, "no_service"],
    ["invalid JSON", (lb) => hookPath(lb), "{not json", 400, "invalid_payload"],
    ["neither text nor blocks", (lb) => hookPath(lb), "{}", 400, "no_text"],
    ["a section text over 3,000", (lb) => hookPath(lb), JSON.stringify({ text: "x", blocks: section("b".repeat(3001)) }), 400, "invalid_blocks"],
    ["an archived channel", (lb) => hookPath(lb, 1), '{"text":"x"}', 410, "channel_is_archived"],
  ])("%s → %i %s", async (_name, path, body, status, text) => {
    const lb = await start();
    expect(await hook(lb, path(lb), body)).toMatchObject({ status, text });
    expect(lb.messages).toHaveLength(0);
  });

  it("a disabled webhook → 404 no_service; a form-encoded payload works", async () => {
    const lb = await start();
    lb.webhooks[0]!.disabled = true;
    expect(await hook(lb, hookPath(lb), '{"text":"x"}')).toMatchObject({ status: 404, text: "no_service" });
    lb.webhooks[0]!.disabled = false;
    const form = new URLSearchParams({ payload: JSON.stringify({ text: "form" }) }).toString();
    expect(await hook(lb, hookPath(lb), form, "application/x-www-form-urlencoded")).toMatchObject({ status: 200, text: "ok" });
  });

  it("429 with Retry-After, shared with chat.postMessage on the same channel", async () => {
    const lb = await start({ rateLimit: { limit: 1, windowMs: 10_000 } });
    await api(lb, "chat.postMessage", { channel: "C0NEWS0001", text: "1" });
    const r = await hook(lb, hookPath(lb), '{"text":"2"}');
    expect(r).toMatchObject({ status: 429, text: "rate_limited" });
    expect(Number(r.retryAfter)).toBeGreaterThan(0);
  });
});

describe("Slack loopback: faults and close", () => {
  it("status replaces the answer; destroy-after stores then drops the connection", async () => {
    const lb = await start({ onRequest: (r) => (r.apiMethod === "auth.test" ? { kind: "status", status: 503, body: "down" } : { kind: "destroy-after" }) });
    expect((await fetch(`${lb.apiBase}/auth.test`, { method: "POST" })).status).toBe(503);
    await expect(api(lb, "chat.postMessage", { channel: "C0NEWS0001", text: "x" })).rejects.toThrow();
    expect(lb.messages).toHaveLength(1);
  });

  it("destroy-before stores nothing; close() ends a hanging request promptly", async () => {
    const lb = await start({ onRequest: (r) => (r.path.startsWith("/services/") ? { kind: "destroy-before" } : { kind: "hang-after" }) });
    await expect(hook(lb, hookPath(lb), '{"text":"x"}')).rejects.toThrow();
    expect(lb.messages).toHaveLength(0);
    const pending = api(lb, "chat.postMessage", { channel: "C0NEWS0001", text: "x" }).catch((e: unknown) => e);
    await waitFor(() => lb.messages.length === 1, 5_000, "the message to be stored before the answer hangs");
    const started = Date.now();
    await lb.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(scaled(1_000));
    expect(lb.messages).toHaveLength(1);
  });

  it("delay answers late", async () => {
    const lb = await start({ onRequest: () => ({ kind: "delay", ms: 150 }) });
    const started = Date.now();
    expect((await api(lb, "auth.test", {})).json.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
