import { afterEach, describe, expect, it } from "vitest";
import { untilClock } from "../../support/timing.js";
import { DISCORD_SNOWFLAKE, snowflakeTime } from "../harness-ids.js";
import { DEFAULT_WEBHOOK, startDiscordLoopback, type DiscordLoopback, type DiscordLoopbackOptions } from "./server.js";
import { call, execute } from "./testing.js";

let lb: DiscordLoopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});
async function start(opts: DiscordLoopbackOptions = {}): Promise<DiscordLoopback> {
  lb = await startDiscordLoopback(opts);
  return lb;
}

describe("Execute Webhook", () => {
  it("wait=true returns the message object: snowflake id, channel_id, content, embeds, timestamp", async () => {
    const l = await start();
    const before = Date.now();
    const embed = { title: "  A story  ", url: "https://example.org/a", description: "Body", timestamp: "2026-11-26T17:40:00.000Z", color: 0x5865f2, footer: { text: "Desk" } };
    const r = await execute(l, { content: "hello", embeds: [embed], username: "Crier" });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/json");
    const m = r.body;
    expect(m.id).toMatch(/^\d{17,20}$/);
    expect(snowflakeTime(m.id, DISCORD_SNOWFLAKE)).toBeGreaterThanOrEqual(before - 1);
    expect(m).toMatchObject({
      type: 0, channel_id: DEFAULT_WEBHOOK.channelId, content: "hello", webhook_id: DEFAULT_WEBHOOK.id,
      author: { bot: true, id: DEFAULT_WEBHOOK.id, username: "Crier" }, mention_everyone: false, edited_timestamp: null,
    });
    expect(m.embeds).toEqual([{ ...embed, title: "A story", type: "rich" }]);
    expect(Date.parse(m.timestamp)).toBeGreaterThanOrEqual(before - 1000);
    expect(m.guild_id).toBeUndefined(); // REST message objects carry no guild id
    expect(l.messages).toHaveLength(1);
    expect(l.requests[0]).toMatchObject({ method: "POST", version: 10, webhookId: DEFAULT_WEBHOOK.id, query: { wait: "true" }, ignoredFields: [] });
  });

  it("wait=false (the default) answers 204 with no body; the message is still posted", async () => {
    const l = await start();
    for (const query of [{}, { wait: "false" }, { wait: "0" }] as Array<Record<string, string>>) {
      const r = await call(l, { method: "POST", json: { content: "quiet" }, query });
      expect(r.status).toBe(204);
      expect(r.body).toBeNull();
    }
    expect(l.messages).toHaveLength(3);
  });

  it("accepts the boolean spellings True/true/1 (#boolean-query-strings)", async () => {
    const l = await start();
    for (const wait of ["True", "true", "1"]) expect((await call(l, { method: "POST", json: { content: "x" }, query: { wait } })).status).toBe(200);
  });

  it("works on the unversioned /api path and older versions too", async () => {
    const l = await start();
    expect((await execute(l, { content: "a" }, { prefix: "/api" })).status).toBe(200);
    expect((await execute(l, { content: "b" }, { prefix: "/api/v9" })).status).toBe(200);
    expect(l.requests.map((r) => r.version)).toEqual([null, 9]);
  });

  it("thread_id posts into that thread", async () => {
    const l = await start();
    const threadId = DEFAULT_WEBHOOK.threadIds?.[0] ?? "";
    const r = await execute(l, { content: "in thread" }, { query: { thread_id: threadId } });
    expect(r.body.channel_id).toBe(threadId);
  });

  it("computes mentions from content: allowed_mentions { parse: [] } pings nobody", async () => {
    const l = await start();
    const content = "@everyone @here <@&165511591545143296> <@80351110224678912>";
    const silent = await execute(l, { content, allowed_mentions: { parse: [] } });
    expect(silent.body).toMatchObject({ mention_everyone: false, mentions: [], mention_roles: [] });
    const loud = await execute(l, { content });
    expect(loud.body).toMatchObject({ mention_everyone: true, mention_roles: ["165511591545143296"] });
    expect(loud.body.mentions.map((u: { id: string }) => u.id)).toEqual(["80351110224678912"]);
    const listed = await execute(l, { content, allowed_mentions: { parse: [], roles: ["165511591545143296"] } });
    expect(listed.body).toMatchObject({ mention_everyone: false, mention_roles: ["165511591545143296"], mentions: [] });
    const inEmbed = await execute(l, { embeds: [{ description: "@everyone" }] });
    expect(inEmbed.body.mention_everyone).toBe(false);
  });

  it("counts limits in code points: 2000 emoji flags are 4000 code points", async () => {
    const l = await start();
    expect((await execute(l, { content: "😀".repeat(2000) })).status).toBe(200); // 4000 UTF-16 units, 2000 code points
    expect((await execute(l, { content: "🇰🇿".repeat(1001) })).status).toBe(400); // 2002 code points
  });

  it("stores embeds[].image as sent, for http, https and attachment URLs (#embed-object-embed-image-structure)", async () => {
    const l = await start();
    const urls = ["https://cdn.example.org/a.jpg?w=1200&h=630", "http://example.org/b.png", "attachment://c.png"];
    for (const url of urls) {
      const r = await execute(l, { embeds: [{ title: "t", image: { url } }] });
      expect(r.status).toBe(200);
      expect(r.body.embeds[0].image).toEqual({ url });
    }
    expect(l.messages.map((m) => m.embeds[0]?.image)).toEqual(urls.map((url) => ({ url })));
  });

  it("lists body keys the docs do not have (Discord ignores them)", async () => {
    const l = await start();
    expect((await execute(l, { content: "x", thread_id: "1" })).status).toBe(200);
    expect(l.requests[0]?.ignoredFields).toEqual(["thread_id"]);
  });
});

describe("other webhook routes", () => {
  it("GET /webhooks/{id}/{token} returns the webhook object without a user", async () => {
    const l = await start();
    const r = await call(l);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      application_id: null, avatar: null, channel_id: DEFAULT_WEBHOOK.channelId, guild_id: DEFAULT_WEBHOOK.guildId,
      id: DEFAULT_WEBHOOK.id, name: DEFAULT_WEBHOOK.name, type: 1, token: DEFAULT_WEBHOOK.token,
    });
  });

  it("GET and DELETE a message: 200, then 204, then 404 Unknown Message", async () => {
    const l = await start();
    const id = (await execute(l, { content: "bye" })).body.id as string;
    expect((await call(l, { suffix: `/messages/${id}` })).body).toMatchObject({ id, content: "bye" });
    const del = await call(l, { method: "DELETE", suffix: `/messages/${id}` });
    expect(del.status).toBe(204);
    expect(l.messages[0]?.deleted).toBe(true);
    const again = await call(l, { method: "DELETE", suffix: `/messages/${id}` });
    expect(again).toMatchObject({ status: 404, body: { message: "Unknown Message", code: 10008 } });
  });

  it("a message in a thread is deleted with its thread_id", async () => {
    const l = await start();
    const threadId = DEFAULT_WEBHOOK.threadIds?.[0] ?? "";
    const id = (await execute(l, { content: "t" }, { query: { thread_id: threadId } })).body.id as string;
    expect((await call(l, { method: "DELETE", suffix: `/messages/${id}` })).status).toBe(404);
    expect((await call(l, { method: "DELETE", suffix: `/messages/${id}`, query: { thread_id: threadId } })).status).toBe(204);
  });
});

describe("rate limits", () => {
  it("every webhook answer carries the X-RateLimit-* headers", async () => {
    const l = await start({ rateLimit: { limit: 5, windowMs: 2_000 } });
    const r = await execute(l, { content: "x" });
    expect(r.headers.get("x-ratelimit-limit")).toBe("5");
    expect(r.headers.get("x-ratelimit-remaining")).toBe("4");
    expect(Number(r.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    expect(Number(r.headers.get("x-ratelimit-reset-after"))).toBeGreaterThan(0);
    expect(Number(r.headers.get("x-ratelimit-reset-after"))).toBeLessThanOrEqual(2);
    expect(r.headers.get("x-ratelimit-bucket")).toMatch(/^[0-9a-f]{32}$/);
  });

  it("over the limit: 429 with retry_after in seconds, global false, Retry-After; nothing posted", async () => {
    const l = await start({ rateLimit: { limit: 1, windowMs: 500 } });
    await execute(l, { content: "first" });
    const r = await execute(l, { content: "second" });
    expect(r.status).toBe(429);
    expect(r.body).toEqual({ message: "You are being rate limited.", retry_after: expect.any(Number), global: false });
    expect(r.body.retry_after).toBeGreaterThan(0);
    expect(r.body.retry_after).toBeLessThanOrEqual(0.5);
    expect(r.headers.get("retry-after")).toBe("1");
    expect(r.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(r.headers.get("x-ratelimit-scope")).toBe("user");
    expect(l.messages.map((m) => m.content)).toEqual(["first"]);
    // The window ends when the server says (x-ratelimit-reset, epoch seconds to the millisecond).
    await untilClock(Number(r.headers.get("x-ratelimit-reset")) * 1000 + 1);
    expect((await execute(l, { content: "third" })).status).toBe(200);
  });

  it("the global limit answers 429 with global: true", async () => {
    const l = await start({ globalRateLimit: { limit: 1, windowMs: 10_000 } });
    await call(l);
    const r = await execute(l, { content: "x" });
    expect(r).toMatchObject({ status: 429, body: { global: true } });
    expect(r.headers.get("x-ratelimit-global")).toBe("true");
    expect(r.headers.get("x-ratelimit-scope")).toBe("global");
  });
});
