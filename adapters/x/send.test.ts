// A real send through the adapter to the loopback X API (test/loopback/x-api), which verifies the
// OAuth 1.0a signature against https://api.x.com and stores what it accepts.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { scaled, waitFor } from "../../test/support/timing.js";
import pino from "pino";
import type { Connection, FeedItem } from "../../src/core/index.js";
import { startXLoopback, type XLoopback, type XLoopbackOptions } from "../../test/loopback/x-api/server.js";
import { ALICE, CONSUMER, baseOptions } from "../../test/loopback/x-api/testing.js";
import { xAdapter, type XPayload } from "./index.js";

let lb: XLoopback | undefined;
let conn: Connection<XPayload> | undefined;
afterEach(async () => {
  await conn?.close();
  await lb?.close();
  conn = lb = undefined;
});

const item: FeedItem = {
  feedId: "news", guid: "g1", link: "https://example.com/a/1?x=1&y=2", title: "AT&T <3 “quotes” Қазақстан 東京 👩‍👩‍👧",
  summary: "Summary with https://other.example.org/page and more. ".repeat(10), author: null,
  categories: ["Local news"], imageUrl: null, publishedAt: null,
};

async function open(over: Record<string, unknown> = {}, lbOpts: Partial<XLoopbackOptions> = {}, timeoutMs = 5_000) {
  await conn?.close();
  await lb?.close();
  lb = await startXLoopback(baseOptions(lbOpts));
  const cfg = xAdapter.config.parse({
    appKey: CONSUMER.key, appSecret: CONSUMER.secret, accessToken: ALICE.accessToken, accessSecret: ALICE.accessSecret,
    apiBase: lb.url, username: "alice", ...over,
  });
  conn = await xAdapter.connect(cfg, { timeoutMs, logger: pino({ level: "silent" }), baseDir: ".", session: { load: async () => null, save: async () => undefined, clear: async () => undefined } });
  return { lb, conn, cfg };
}

const ctx = (signal: AbortSignal = AbortSignal.timeout(10_000)) => ({ deliveryId: 1, idempotencyKey: "k1", queuedAt: 0, signal });

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return { err, result: xAdapter.classify(err) };
  }
  throw new Error("expected the call to fail");
}

describe("x adapter against the loopback X API", () => {
  it("posts the rendered text, signed for api.x.com, and returns the post URL", async () => {
    const { lb, conn, cfg } = await open();
    const rendered = xAdapter.render(item, cfg, conn.limits, { template: xAdapter.defaultTemplate, maxHashtags: 3, link: item.link });
    const sent = await conn.send(rendered.payload, ctx());
    expect(lb.tweets).toHaveLength(1);
    expect(lb.tweets[0]).toMatchObject({ id: sent.remoteId, userId: ALICE.id, text: rendered.payload.text });
    expect(lb.requests[0]).toMatchObject({ method: "POST", path: "/2/tweets", userId: ALICE.id, json: { text: rendered.payload.text } });
    expect(lb.requests[0]?.authError).toBeUndefined();
    expect(sent.remoteUrl).toBe(`https://x.com/alice/status/${sent.remoteId}`);
  });

  it("without a username, links the handle-less URL", async () => {
    const { conn } = await open({ username: undefined });
    const sent = await conn.send({ text: "no handle" }, ctx());
    expect(sent.remoteUrl).toBe(`https://x.com/i/web/status/${sent.remoteId}`);
  });

  it("a wrong secret is refused (401) → auth", async () => {
    const { lb, conn } = await open({ accessSecret: "wrong" });
    const { result } = await failure(conn.send({ text: "hi" }, ctx()));
    expect(result.kind).toBe("auth");
    expect(lb.requests[0]?.authError).toBe("signature mismatch");
    expect(lb.tweets).toHaveLength(0);
  });

  it("the same text twice → duplicate", async () => {
    const { conn } = await open();
    await conn.send({ text: "once only" }, ctx());
    expect((await failure(conn.send({ text: "once only" }, ctx()))).result.kind).toBe("duplicate");
  });

  it("429 on the 15-minute window → rate-limited until x-rate-limit-reset", async () => {
    const { conn } = await open({}, { rateLimit: { limit: 1, windowMs: 60_000 } });
    await conn.send({ text: "first" }, ctx());
    const { err, result } = await failure(conn.send({ text: "second" }, ctx()));
    const headers = (err as { headers: Record<string, string> }).headers;
    const retryAt = Number(headers["x-rate-limit-reset"]) * 1000;
    expect(result).toMatchObject({ kind: "rate-limited", retryAt, waitMs: retryAt - Date.parse(headers.date ?? "") });
    expect(result.waitMs).toBeGreaterThan(0);
    expect(result.waitMs).toBeLessThanOrEqual(61_000);
  });

  it("429 on the per-user 24-hour cap → waits for x-user-limit-24hour-reset", async () => {
    const { conn } = await open({}, { userDayLimit: 1 });
    await conn.send({ text: "first" }, ctx());
    const { err, result } = await failure(conn.send({ text: "second" }, ctx()));
    const headers = (err as { headers: Record<string, string> }).headers;
    expect(result).toMatchObject({ kind: "rate-limited", retryAt: Number(headers["x-user-limit-24hour-reset"]) * 1000 });
    expect(result.waitMs).toBeGreaterThan(23 * 3_600_000);
  });

  it("connection dropped after X stored the post → unknown-outcome", async () => {
    const { lb, conn } = await open({}, { onRequest: () => ({ kind: "destroy-after" }) });
    const { result } = await failure(conn.send({ text: "maybe" }, ctx()));
    expect(result).toMatchObject({ kind: "unknown-outcome", detail: expect.stringMatching(/ECONNRESET|Socket closed/) });
    expect(lb.tweets.map((t) => t.text)).toEqual(["maybe"]);
  });

  it("nothing listening → transient", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const { conn } = await open({ apiBase: `http://127.0.0.1:${port}` });
    const { result } = await failure(conn.send({ text: "nobody home" }, ctx()));
    expect(result).toMatchObject({ kind: "transient", detail: expect.stringMatching(/^ECONNREFUSED: /) });
  });

  it("a hanging send is aborted by ctx.signal → unknown-outcome", async () => {
    const { lb, conn } = await open({}, { onRequest: () => ({ kind: "hang-after" }) });
    const controller = new AbortController();
    const sending = failure(conn.send({ text: "hangs" }, ctx(controller.signal)));
    await waitFor(() => lb.tweets.length === 1, 5_000, "the tweet to be taken (its answer then hangs)");
    const started = Date.now();
    controller.abort();
    const { result } = await sending;
    expect(result).toMatchObject({ kind: "unknown-outcome", message: expect.stringMatching(/^the send was cancelled \(shutdown\) after it may have reached X; /), detail: expect.stringMatching(/aborted/i) });
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
    expect(lb.tweets).toHaveLength(1);
  });

  it("a hanging send ends when the core's send timeout fires (ctx.signal, nothing else) → unknown-outcome", async () => {
    const { lb, conn } = await open({}, { onRequest: () => ({ kind: "hang-after" }) });
    const started = Date.now();
    const { result } = await failure(conn.send({ text: "slow" }, ctx(AbortSignal.timeout(200))));
    expect(result).toMatchObject({ kind: "unknown-outcome", message: expect.stringMatching(/^the send timed out after it may have reached X; .*no idempotency key/) });
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
    expect(lb.tweets).toHaveLength(1);
  });

  it("check() names the account; a configured username that differs is an error", async () => {
    const { conn } = await open();
    expect(await conn.check(AbortSignal.timeout(5_000))).toBe("@alice");
    const other = await open({ username: "@bob" });
    await expect(other.conn.check(AbortSignal.timeout(5_000))).rejects.toThrow(/belongs to @alice/);
  });

  it("delete() removes a sent post", async () => {
    const { lb, conn } = await open();
    const sent = await conn.send({ text: "to delete" }, ctx());
    await conn.delete?.(sent.remoteId, AbortSignal.timeout(5_000));
    expect(lb.tweets[0]).toMatchObject({ id: sent.remoteId, deleted: true });
    expect(lb.requests.at(-1)).toMatchObject({ method: "DELETE", path: `/2/tweets/${sent.remoteId}`, userId: ALICE.id });
  });
});
