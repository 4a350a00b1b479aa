// Flood control (429 + retry_after) and the onRequest fault-injection hook.
import { afterEach, describe, expect, it } from "vitest";
import { scaled } from "../../support/timing.js";
import { waitFor } from "../../support/daemon.js";
import { CHANNEL, GROUP, TOKEN, callJson, loopbackPool } from "./helpers.js";
import type { BotApiCall, HarnessFault } from "./server.js";

const pool = loopbackPool();
afterEach(() => pool.closeAll());

const post = (url: string, params: Record<string, unknown>, signal?: AbortSignal) =>
  fetch(`${url}/bot${TOKEN}/sendMessage`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
    ...(signal ? { signal } : {}),
  });

describe("telegram loopback: flood control", () => {
  it("answers 429 with parameters.retry_after once a chat exceeds its per-minute rate", async () => {
    let now = 1_700_000_000_000;
    const srv = await pool.start({ rateLimitPerMinute: 2, now: () => now });
    const send = (chat_id: number) => callJson(srv, "sendMessage", { chat_id, text: "hi" });
    expect((await send(CHANNEL.id)).status).toBe(200);
    now += 20_000;
    expect((await send(CHANNEL.id)).status).toBe(200);
    expect(await send(CHANNEL.id)).toEqual({
      status: 429,
      body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 40", parameters: { retry_after: 40 } },
    });
    expect((await send(GROUP.id)).status).toBe(200); // per chat
    now += 39_500;
    expect((await send(CHANNEL.id)).body.parameters).toEqual({ retry_after: 1 }); // at least 1
    now += 501; // the first post left the rolling 60 s window
    expect((await send(CHANNEL.id)).status).toBe(200);
    expect((await send(CHANNEL.id)).body.parameters?.retry_after).toBe(20);
    expect(srv.messages.filter((m) => m.chatId === CHANNEL.id)).toHaveLength(3);
    expect(srv.messages.map((m) => m.date)).toEqual([1_700_000_000, 1_700_000_020, 1_700_000_020, 1_700_000_060]);
  });
});

describe("telegram loopback: fault injection", () => {
  const start = (fault: (req: BotApiCall) => HarnessFault | undefined | Promise<HarnessFault | undefined>) =>
    pool.start({ onRequest: fault });
  const msg = { chat_id: CHANNEL.id, text: "<b>hello</b>", parse_mode: "HTML" };

  it("status: answers the given response instead, and the post is not accepted", async () => {
    const srv = await start(() => ({ kind: "status", status: 502, body: { ok: false, error_code: 502, description: "Bad Gateway" }, headers: { "X-Test": "1" } }));
    const res = await post(srv.url, msg);
    expect(res.status).toBe(502);
    expect(res.headers.get("x-test")).toBe("1");
    expect(await res.json()).toEqual({ ok: false, error_code: 502, description: "Bad Gateway" });
    expect(srv.messages).toHaveLength(0);
    expect(srv.requests).toHaveLength(1);
  });

  it("destroy-before: the socket dies and nothing is recorded as posted", async () => {
    const srv = await start(() => ({ kind: "destroy-before" }));
    await expect(post(srv.url, msg)).rejects.toThrow();
    expect(srv.messages).toHaveLength(0);
    expect(srv.requests[0]?.params).toMatchObject({ text: "<b>hello</b>" });
  });

  it("destroy-after: the post is accepted, the response is lost", async () => {
    const srv = await start(() => ({ kind: "destroy-after" }));
    await expect(post(srv.url, msg)).rejects.toThrow();
    expect(srv.messages).toHaveLength(1);
    expect(srv.messages[0]).toMatchObject({ text: "hello", entities: [{ type: "bold", offset: 0, length: 5 }] });
  });

  it("hang-after: the post is accepted, no answer ever comes; close() ends it promptly", async () => {
    const srv = await start(() => ({ kind: "hang-after" }));
    const pending = post(srv.url, msg).then(
      () => "answered",
      () => "failed",
    );
    await waitFor(() => srv.messages.length === 1, 2_000, "the post to be accepted");
    // A negative has no event to wait for: 150 ms in which an answer would have come (this server
    // answers in a few ms once the message is stored, as the other tests show).
    const race = await Promise.race([pending, new Promise((r) => setTimeout(() => r("still hanging"), 150))]);
    expect(race).toBe("still hanging");
    const t0 = Date.now();
    await srv.close();
    expect(Date.now() - t0).toBeLessThan(scaled(1000));
    expect(await pending).toBe("failed");
  });

  it("delay: waits, then processes normally; close() during the wait is prompt", async () => {
    const srv = await start((req) => (req.params.text === "slow" ? { kind: "delay", ms: 10_000 } : { kind: "delay", ms: 120 }));
    const t0 = Date.now();
    const res = await post(srv.url, msg);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
    expect(res.status).toBe(200);
    expect(srv.messages).toHaveLength(1);
    const slow = post(srv.url, { chat_id: CHANNEL.id, text: "slow" }).then(
      () => "answered",
      () => "failed",
    );
    await srv.harness.waitForRequest((r) => r.json !== undefined && (r.json as { text?: string }).text === "slow", 2_000);
    const t1 = Date.now();
    await srv.close();
    expect(Date.now() - t1).toBeLessThan(scaled(1000));
    expect(await slow).toBe("failed");
    expect(srv.messages).toHaveLength(1);
  });

  it("a fault can target one attempt: the first try is lost, the retry succeeds", async () => {
    let attempts = 0;
    const srv = await start(async (req) => (req.method === "sendMessage" && ++attempts === 1 ? { kind: "destroy-after" } : undefined));
    await expect(post(srv.url, msg)).rejects.toThrow();
    const retry = await post(srv.url, msg);
    expect(retry.status).toBe(200);
    // The loopback, like Telegram, has no idempotency: the lost-response retry is a duplicate.
    expect(srv.messages.map((m) => m.messageId)).toEqual([1, 2]);
  });
});
