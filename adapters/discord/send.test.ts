import { createServer } from "node:net";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { scaled, waitFor } from "../../test/support/timing.js";
import type { Connection, SendContext } from "../../src/core/index.js";
import { TRICKY_ITEMS } from "../../test/contract/tricky-items.js";
import { DEFAULT_WEBHOOK, startDiscordLoopback, webhookUrlOf, type DiscordLoopback, type DiscordLoopbackOptions } from "../../test/loopback/discord-api/server.js";
import { discordConfig } from "./config.js";
import { discordAdapter } from "./index.js";
import type { DiscordPayload } from "./render.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const THREAD = DEFAULT_WEBHOOK.threadIds?.[0] ?? "";
const item = { ...TRICKY_ITEMS[0]![1], title: "Снег в Алматы & <горы> 🏔️", summary: "@everyone: roads closed <@&165511591545143296>." };
const session = { load: async () => null, save: async () => undefined, clear: async () => undefined };

async function loopback(opts: DiscordLoopbackOptions = {}): Promise<DiscordLoopback> {
  const lb = await startDiscordLoopback(opts);
  cleanup.push(() => lb.close());
  return lb;
}

function cfgFor(lb: DiscordLoopback | string, over: Record<string, unknown> = {}) {
  return discordConfig.parse({ webhookUrl: webhookUrlOf(DEFAULT_WEBHOOK), apiBase: typeof lb === "string" ? lb : lb.apiBase, ...over });
}

async function connect(lb: DiscordLoopback | string, over: Record<string, unknown> = {}, timeoutMs = 5_000): Promise<Connection<DiscordPayload>> {
  const conn = await discordAdapter.connect(cfgFor(lb, over), { timeoutMs, logger: pino({ level: "silent" }), baseDir: ".", session });
  cleanup.push(() => conn.close());
  return conn;
}

const render = (lb: DiscordLoopback, over: Record<string, unknown> = {}, template = "{title}") => {
  const cfg = cfgFor(lb, over);
  return discordAdapter.render(item, cfg, discordAdapter.defaultLimits(cfg), { template, maxHashtags: 3, link: item.link }).payload;
};
const ctx = (signal: AbortSignal = AbortSignal.timeout(10_000)): SendContext => ({ deliveryId: 1, idempotencyKey: "d1", queuedAt: 0, signal });

/** Resolves to the error a promise rejects with and what classify makes of it. */
async function failure(promise: Promise<unknown>) {
  const err: unknown = await promise.then(() => expect.fail("expected a failure"), (e: unknown) => e);
  return { err, classified: discordAdapter.classify(err) };
}

describe("discord adapter against the loopback webhook API", () => {
  it("posts the rendered message: every field, ?wait=true, the message link", async () => {
    const lb = await loopback();
    const payload = render(lb, { username: "Crier", color: "#5865F2" });
    const sent = await (await connect(lb)).send(payload, ctx());

    expect(lb.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /api/v10/webhooks/${DEFAULT_WEBHOOK.id}/${DEFAULT_WEBHOOK.token}`,
      `POST /api/v10/webhooks/${DEFAULT_WEBHOOK.id}/${DEFAULT_WEBHOOK.token}`,
    ]);
    const post = lb.requests[1]!;
    expect(post.query).toEqual({ wait: "true" });
    expect(post.headers["content-type"]).toBe("application/json");
    expect(post.json).toEqual(payload);
    expect(post.ignoredFields).toEqual([]);
    const m = lb.messages[0]!;
    expect(m).toMatchObject({ id: sent.remoteId, content: "Снег в Алматы & \\<горы> 🏔️", username: "Crier", mentionEveryone: false, mentionRoles: [] });
    expect(m.embeds[0]).toMatchObject({
      type: "rich", title: "Снег в Алматы & \\<горы> 🏔️", url: item.link, description: "@everyone: roads closed \\<@&165511591545143296>.",
      timestamp: item.publishedAt, color: 0x5865f2, footer: { text: "Desk · contract" },
    });
    expect(sent).toEqual({ remoteId: m.id, remoteUrl: `https://discord.com/channels/${DEFAULT_WEBHOOK.guildId}/${DEFAULT_WEBHOOK.channelId}/${m.id}` });
  });

  it("threadId posts into the thread, links it, and deletes there", async () => {
    const lb = await loopback();
    const conn = await connect(lb, { threadId: THREAD });
    const sent = await conn.send(render(lb), ctx());
    expect(lb.requests[1]?.query).toEqual({ wait: "true", thread_id: THREAD });
    expect(sent.remoteUrl).toBe(`https://discord.com/channels/${DEFAULT_WEBHOOK.guildId}/${THREAD}/${sent.remoteId}`);
    await conn.delete?.(sent.remoteId, AbortSignal.timeout(5_000));
    expect(lb.messages[0]?.deleted).toBe(true);
    expect(lb.requests.at(-1)).toMatchObject({ method: "DELETE", path: `/api/v10/webhooks/${DEFAULT_WEBHOOK.id}/${DEFAULT_WEBHOOK.token}/messages/${sent.remoteId}`, query: { thread_id: THREAD } });
  });

  it("a webhook without a guild gives no message link", async () => {
    const lb = await loopback({ webhooks: [{ ...DEFAULT_WEBHOOK, guildId: null }] });
    expect((await (await connect(lb)).send(render(lb), ctx())).remoteUrl).toBeNull();
  });

  it("check() names the webhook and its channel; delete() removes a post (204)", async () => {
    const lb = await loopback();
    const conn = await connect(lb);
    expect(await conn.check(AbortSignal.timeout(5_000))).toBe(`webhook "test webhook" → channel ${DEFAULT_WEBHOOK.channelId} (guild ${DEFAULT_WEBHOOK.guildId})`);
    const sent = await conn.send(render(lb), ctx());
    await conn.delete?.(sent.remoteId, AbortSignal.timeout(5_000));
    expect(lb.messages[0]?.deleted).toBe(true);
    const again = await failure(conn.delete!(sent.remoteId, AbortSignal.timeout(5_000)));
    expect(again.classified).toMatchObject({ kind: "rejected", detail: "404 code 10008 Unknown Message" });
  });

  it("a webhook deleted in Discord → 404 Unknown Webhook → destination-broken (at connect or send)", async () => {
    const lb = await loopback();
    const conn = await connect(lb);
    lb.deleteWebhook(DEFAULT_WEBHOOK.id);
    const atSend = await failure(conn.send(render(lb), ctx()));
    expect(atSend.classified).toMatchObject({ kind: "destination-broken", detail: "404 code 10015 Unknown Webhook" });
    const atConnect = await failure(connect(lb));
    expect(atConnect.classified.kind).toBe("destination-broken");
    expect(lb.messages).toHaveLength(0);
  });

  it("a wrong token → 401 → auth, and the token is in neither the error nor its classification", async () => {
    const lb = await loopback();
    const secret = "not-the-real-token-but-secret";
    const { err, classified } = await failure(connect(lb, { webhookUrl: `https://discord.com/api/webhooks/${DEFAULT_WEBHOOK.id}/${secret}` }));
    expect(classified).toMatchObject({ kind: "auth", detail: "401 code 50027 Invalid Webhook Token" });
    expect(JSON.stringify({ err, message: (err as Error).message, stack: (err as Error).stack, classified })).not.toContain(secret);
  });

  it("429 → rate-limited, waiting retry_after × 1000 ms", async () => {
    const lb = await loopback({ rateLimit: { limit: 1, windowMs: 30_000 } });
    const conn = await connect(lb);
    await conn.send(render(lb), ctx());
    const { err, classified } = await failure(conn.send(render(lb), ctx()));
    const retryAfter = (err as { body: { retry_after: number } }).body.retry_after;
    expect(retryAfter).toBeGreaterThan(20);
    expect(classified).toMatchObject({ kind: "rate-limited", waitMs: Math.ceil(retryAfter * 1000), scope: "destination" });
    expect(lb.messages).toHaveLength(1);
  });

  it("an over-limit or empty body is refused by Discord → rejected", async () => {
    const lb = await loopback();
    const conn = await connect(lb);
    const long = await failure(conn.send({ embeds: [{ description: "d".repeat(4097) }], allowed_mentions: { parse: [] } }, ctx()));
    expect(long.classified).toMatchObject({ kind: "rejected", detail: "400 code 50035 Invalid Form Body: embeds.0.description: Must be 4096 or fewer in length." });
    const empty = await failure(conn.send({ embeds: [], allowed_mentions: { parse: [] } }, ctx()));
    expect(empty.classified).toMatchObject({ kind: "rejected", detail: "400 code 50006 Cannot send an empty message" });
  });

  it("a 5xx, or a connection lost after Discord posted → unknown-outcome", async () => {
    const lb = await loopback({ onRequest: (r) => (r.method !== "POST" ? undefined : r.json && (r.json as { content?: string }).content === "boom" ? { kind: "status", status: 503, body: { message: "x", code: 130000 } } : { kind: "destroy-after" }) });
    const conn = await connect(lb);
    expect((await failure(conn.send({ content: "boom", embeds: [], allowed_mentions: { parse: [] } }, ctx()))).classified.kind).toBe("unknown-outcome");
    expect((await failure(conn.send(render(lb), ctx()))).classified).toMatchObject({ kind: "unknown-outcome", detail: expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET): /) });
    expect(lb.messages).toHaveLength(1); // posted: a blind retry would double-post
  });

  it("the core's signal aborts a hanging send → unknown-outcome, promptly", async () => {
    const lb = await loopback({ onRequest: (r) => (r.method === "POST" ? { kind: "hang-after" } : undefined) });
    const conn = await connect(lb);
    const abort = new AbortController();
    const sending = failure(conn.send(render(lb), ctx(abort.signal)));
    await waitFor(() => lb.messages.length === 1, 5_000, "the post to be taken (its answer then hangs)");
    const started = Date.now();
    abort.abort();
    const { classified } = await sending;
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
    expect(classified).toMatchObject({ kind: "unknown-outcome", detail: expect.stringMatching(/aborted/) });
    expect(lb.messages).toHaveLength(1);
  });

  // The destination's timeoutMs reaches a send as the core's signal (deliver.ts:
  // `AbortSignal.timeout(timeoutMs)`), the only bound: the adapter adds no timeout of its own.
  it("the core's send timeout bounds a hanging send → unknown-outcome, said as a timeout", async () => {
    const lb = await loopback({ onRequest: (r) => (r.method === "POST" ? { kind: "hang-after" } : undefined) });
    const conn = await connect(lb);
    const started = Date.now();
    const { classified } = await failure(conn.send(render(lb), ctx(AbortSignal.timeout(300))));
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
    expect(classified).toMatchObject({ kind: "unknown-outcome", message: expect.stringMatching(/^the send timed out after it may have reached Discord/) });
    expect(lb.messages).toHaveLength(1);
  });

  it("connect's Get Webhook is bounded by the destination's timeoutMs (connect has no signal)", async () => {
    const lb = await loopback({ onRequest: (r) => (r.method === "GET" ? { kind: "hang-after" } : undefined) });
    const started = Date.now();
    const { classified } = await failure(connect(lb, {}, 300));
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
    expect(classified.kind).toBe("unknown-outcome");
  });

  it("nothing listening → transient", async () => {
    const lb = await loopback();
    const conn = await connect(lb);
    await lb.close();
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => resolve(p));
      });
    });
    expect((await failure(conn.send(render(lb), ctx()))).classified.kind).toBe("transient");
    expect((await failure(connect(`http://127.0.0.1:${port}/api/v10`))).classified).toMatchObject({ kind: "transient", detail: expect.stringMatching(/^ECONNREFUSED: /) });
  });
});
