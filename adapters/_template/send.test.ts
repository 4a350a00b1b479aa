// send and classify together, against the loopback: what each failure really throws, end to end.
// COPYING: keep the rows; a real adapter imports its server from test/loopback/<platform>/.
import { afterEach, describe, expect, it } from "vitest";
import { scaled, waitFor } from "../../test/support/timing.js";
import type { DeliveryErrorKind, SendContext } from "../../src/core/index.js";
import { exampleConfig } from "./config.js";
import { testDeps } from "./fixtures/replay.js";
import { exampleAdapter } from "./index.js";
import { startExampleLoopback, type ExampleLoopbackOptions } from "./loopback.js";
import { closedPort } from "../../test/loopback/harness.js";

const TOKEN = "ex-token-0123456789abcdef";
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function open(over: Partial<ExampleLoopbackOptions> = {}, cfgOver: Record<string, unknown> = {}) {
  const lb = await startExampleLoopback({ accounts: [{ token: TOKEN, handle: "crier" }], channels: ["news"], ...over });
  cleanup.push(() => lb.close());
  const cfg = exampleConfig.parse({ token: TOKEN, channel: "news", apiBase: lb.url, ...cfgOver });
  const conn = await exampleAdapter.connect(cfg, testDeps());
  cleanup.push(() => conn.close());
  return { lb, conn };
}

const ctx = (signal: AbortSignal = AbortSignal.timeout(5_000)): SendContext => ({ deliveryId: 1, idempotencyKey: "crier-1", queuedAt: 0, signal });

async function kindOf(promise: Promise<unknown>): Promise<DeliveryErrorKind> {
  try {
    await promise;
  } catch (err) {
    return exampleAdapter.classify(err).kind;
  }
  throw new Error("expected the send to fail");
}

describe("example adapter against its loopback", () => {
  it("posts and returns the id and URL; check() names the account", async () => {
    const { lb, conn } = await open();
    const sent = await conn.send({ channel: "news", text: "hello" }, ctx());
    expect(sent).toEqual({ remoteId: lb.posts[0]?.id, remoteUrl: `https://example.com/news/posts/${lb.posts[0]?.id}` });
    expect(lb.requests[0]).toMatchObject({ method: "POST", path: "/v1/posts", json: { channel: "news", text: "hello" } });
    expect(lb.requests[0]?.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, "content-type": "application/json" });
    expect(await conn.check(AbortSignal.timeout(5_000))).toBe("@crier");
  });

  it("declares no delete, no idempotency and no images: nothing it does not do", () => {
    expect(exampleAdapter.capabilities).toEqual({ idempotentSend: false, images: false, delete: false });
    expect(exampleAdapter.secrets).toEqual(["token"]);
  });

  it.each<[string, Partial<ExampleLoopbackOptions>, Record<string, unknown>, string, DeliveryErrorKind]>([
    ["a wrong token", {}, { token: "ex-wrong-token-0000000000" }, "hi", "auth"],
    ["an unknown channel", {}, { channel: "sports" }, "hi", "destination-broken"],
    ["a text over 500 code points", {}, {}, "👍🏽".repeat(251), "rejected"],
    ["a 502 from a proxy", { onRequest: () => ({ kind: "status", status: 502, body: "<html>Bad gateway</html>" }) }, {}, "hi", "unknown-outcome"],
  ])("%s → %s", async (_name, lbOver, cfgOver, text, kind) => {
    const { lb, conn } = await open(lbOver, cfgOver);
    const channel = typeof cfgOver.channel === "string" ? cfgOver.channel : "news";
    expect(await kindOf(conn.send({ channel, text }, ctx()))).toBe(kind);
    expect(lb.posts).toHaveLength(0);
  });

  it("the same text twice → duplicate", async () => {
    const { conn } = await open();
    await conn.send({ channel: "news", text: "once" }, ctx());
    expect(await kindOf(conn.send({ channel: "news", text: "once" }, ctx()))).toBe("duplicate");
  });

  it("over the rate limit → rate-limited for Retry-After", async () => {
    const { conn } = await open({ rateLimit: { posts: 1, windowMs: 30_000 } });
    await conn.send({ channel: "news", text: "first" }, ctx());
    const result = await conn.send({ channel: "news", text: "second" }, ctx()).catch((err: unknown) => exampleAdapter.classify(err));
    expect(result).toMatchObject({ kind: "rate-limited", scope: "account" });
    expect((result as { waitMs: number }).waitMs).toBeGreaterThan(25_000);
  });

  it("the answer lost after the post was stored → unknown-outcome", async () => {
    const { lb, conn } = await open({ onRequest: () => ({ kind: "destroy-after" }) });
    expect(await kindOf(conn.send({ channel: "news", text: "maybe" }, ctx()))).toBe("unknown-outcome");
    expect(lb.posts.map((p) => p.text)).toEqual(["maybe"]);
  });

  it("a hanging send is ended by ctx.signal → unknown-outcome", async () => {
    const { lb, conn } = await open({ onRequest: () => ({ kind: "hang-after" }) });
    const controller = new AbortController();
    const sending = kindOf(conn.send({ channel: "news", text: "hangs" }, ctx(controller.signal)));
    await waitFor(() => lb.posts.length === 1, 5_000, "the post to be taken (its answer then hangs)");
    controller.abort();
    expect(await sending).toBe("unknown-outcome");
  });

  // The destination's timeoutMs reaches a send as the core's signal (deliver.ts:
  // `AbortSignal.timeout(timeoutMs)`), the only bound: the adapter adds no timeout of its own.
  it("a hanging send ends at the core's send timeout → unknown-outcome, said as a timeout", async () => {
    const { lb, conn } = await open({ onRequest: () => ({ kind: "hang-after" }) });
    const started = Date.now();
    const result = await conn.send({ channel: "news", text: "slow" }, ctx(AbortSignal.timeout(200))).catch((err: unknown) => exampleAdapter.classify(err));
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
    expect(result).toMatchObject({ kind: "unknown-outcome", message: expect.stringMatching(/timed out after it may have reached Example/) });
    expect(lb.posts.map((p) => p.text)).toEqual(["slow"]);
  });

  it("nothing listening → transient", async () => {
    const cfg = exampleConfig.parse({ token: TOKEN, channel: "news", apiBase: `http://127.0.0.1:${await closedPort()}` });
    const conn = await exampleAdapter.connect(cfg, testDeps());
    cleanup.push(() => conn.close());
    expect(await kindOf(conn.send({ channel: "news", text: "nobody home" }, ctx()))).toBe("transient");
  });

  it("a 2xx without an id → unknown-outcome (the post probably exists)", async () => {
    const { conn } = await open({ onRequest: (r) => (r.path === "/v1/posts" ? { kind: "status", status: 201, body: { url: "https://example.com/news/posts/1" } } : undefined) });
    const result = await conn.send({ channel: "news", text: "no id" }, ctx()).catch((err: unknown) => exampleAdapter.classify(err));
    expect(result).toMatchObject({ kind: "unknown-outcome", message: expect.stringMatching(/answer was unreadable; the post probably exists/) });
  });
});
