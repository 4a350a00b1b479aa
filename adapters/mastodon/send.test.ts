// Real sends through the adapter (masto) to the loopback Mastodon API (test/loopback/mastodon-api).
import { afterEach, describe, expect, it } from "vitest";
import { scaled, waitFor } from "../../test/support/timing.js";
import pino from "pino";
import type { Connection, FeedItem, SendContext } from "../../src/core/index.js";
import { DEFAULT_ACCOUNT, startMastodonLoopback, type MastodonLoopback, type MastodonLoopbackOptions } from "../../test/loopback/mastodon-api/server.js";
import { mastodonAdapter, type MastodonPayload } from "./index.js";
import { idempotencyKeyFor } from "./send.js";

let lb: MastodonLoopback | undefined;
let conn: Connection<MastodonPayload> | undefined;
afterEach(async () => {
  await conn?.close();
  await lb?.close();
  conn = lb = undefined;
});

const session = { load: async () => null, save: async () => undefined, clear: async () => undefined };

async function open(lbOpts: MastodonLoopbackOptions = {}, over: Record<string, unknown> = {}, timeoutMs = 5_000) {
  await conn?.close();
  await lb?.close();
  lb = await startMastodonLoopback(lbOpts);
  const cfg = mastodonAdapter.config.parse({ instance: lb.url, accessToken: DEFAULT_ACCOUNT.token, ...over });
  conn = await mastodonAdapter.connect(cfg, { timeoutMs, logger: pino({ level: "silent" }), baseDir: ".", session });
  return { lb, conn, cfg };
}

const ctx = (key = "crier-1700000000000-1", signal: AbortSignal = AbortSignal.timeout(10_000)): SendContext => ({ deliveryId: 1, idempotencyKey: key, queuedAt: 1_700_000_000_000, signal });
const payload = (status: string): MastodonPayload => ({ status, visibility: "public" });

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    return { err, result: mastodonAdapter.classify(err) };
  }
  throw new Error("expected the call to fail");
}

const item: FeedItem = {
  feedId: "news", guid: "g1", link: "https://example.com/a/1?x=1&y=2", title: "AT&T <3 “quotes” Қазақстан 東京 👩‍👩‍👧",
  summary: "Summary with https://other.example.org/page and @alice@mastodon.social. ".repeat(30), author: null,
  categories: ["Local news"], imageUrl: null, publishedAt: null,
};

describe("mastodon adapter against the loopback Mastodon API", () => {
  it("posts the rendered status with every field, the Bearer token and the Idempotency-Key", async () => {
    const { lb, conn, cfg } = await open({}, { visibility: "unlisted", language: "en", spoilerText: "News" });
    const rendered = mastodonAdapter.render(item, cfg, conn.limits, { template: mastodonAdapter.defaultTemplate, maxHashtags: 3, link: item.link });
    const sent = await conn.send(rendered.payload, ctx());
    const req = lb.requests.find((r) => r.method === "POST");
    expect(req?.path).toBe("/api/v1/statuses");
    expect(req?.json).toEqual({ status: rendered.payload.status, visibility: "unlisted", language: "en", spoiler_text: "News" });
    expect(req?.headers.authorization).toBe(`Bearer ${DEFAULT_ACCOUNT.token}`);
    expect(req?.headers["idempotency-key"]).toBe("crier-1700000000000-1");
    expect(lb.statuses).toHaveLength(1);
    expect(lb.statuses[0]).toMatchObject({ id: sent.remoteId, text: rendered.payload.status, spoilerText: "News", visibility: "unlisted", language: "en" });
    expect(sent.remoteUrl).toBe(`${lb.url}/@crier/${sent.remoteId}`);
  });

  it("the same ctx sends the same Idempotency-Key: a repeat returns the first status", async () => {
    const { lb, conn } = await open();
    const first = await conn.send(payload("once"), ctx("crier-42-7"));
    const again = await conn.send(payload("once"), ctx("crier-42-7"));
    expect(again).toEqual(first);
    expect(lb.requests.filter((r) => r.method === "POST").map((r) => r.headers["idempotency-key"])).toEqual(["crier-42-7", "crier-42-7"]);
    expect(lb.statuses).toHaveLength(1);
  });

  it("destroy-after, then a retry with the same key → exactly one status", async () => {
    let faults = 1;
    const { lb, conn } = await open({ onRequest: (r) => (r.method === "POST" && faults-- > 0 ? { kind: "destroy-after" } : undefined) });
    const { result } = await failure(conn.send(payload("maybe"), ctx("crier-9-9")));
    // The harness resets the connection (RST), as a crashed server does.
    expect(result).toMatchObject({ kind: "unknown-outcome", detail: expect.stringMatching(/^ECONNRESET: /) });
    expect(lb.statuses).toHaveLength(1);
    const retried = await conn.send(payload("maybe"), ctx("crier-9-9"));
    expect(retried.remoteId).toBe(lb.statuses[0]?.id);
    expect(lb.statuses).toHaveLength(1);
  });

  it("discovers the instance's limits from /api/v2/instance", async () => {
    const { conn, cfg } = await open({ maxCharacters: 1000, charactersReservedPerUrl: 23 });
    expect(conn.limits).toMatchObject({ maxLength: 1000, source: "discovered" });
    expect(conn.limits.unit).toContain("each URL counts 23");
    const rendered = mastodonAdapter.render(item, cfg, conn.limits, { template: mastodonAdapter.defaultTemplate, maxHashtags: 3, link: item.link });
    expect(rendered.length).toBeGreaterThan(500);
    await expect(conn.send(rendered.payload, ctx())).resolves.toMatchObject({ remoteId: expect.any(String) });
  });

  it("a post over the instance's limit is 422 → rejected", async () => {
    const { lb, conn } = await open({ maxCharacters: 50 });
    const { result } = await failure(conn.send(payload("x".repeat(51)), ctx()));
    expect(result).toMatchObject({ kind: "rejected", detail: "422: Validation failed: Text character limit of 50 exceeded" });
    expect(lb.statuses).toHaveLength(0);
  });

  it("a wrong token → auth; a token without write:statuses → auth", async () => {
    const wrong = await open({}, { accessToken: "not-the-token" });
    expect((await failure(wrong.conn.send(payload("hi"), ctx()))).result).toMatchObject({ kind: "auth", detail: "401: The access token is invalid" });
    const readOnly = await open({ accounts: [{ ...DEFAULT_ACCOUNT, scopes: ["read"] }] });
    expect((await failure(readOnly.conn.send(payload("hi"), ctx()))).result.kind).toBe("auth");
    expect(readOnly.lb.statuses).toHaveLength(0);
  });

  it("429 → rate-limited until X-RateLimit-Reset", async () => {
    const { lb, conn } = await open({ statusLimit: { limit: 1, windowMs: 3 * 3_600_000 } });
    await conn.send(payload("first"), ctx("a"));
    const { result } = await failure(conn.send(payload("second"), ctx("b")));
    const reset = Math.ceil(Date.now() / (3 * 3_600_000)) * 3 * 3_600_000;
    expect(result).toMatchObject({ kind: "rate-limited", retryAt: reset, scope: "account" });
    expect(result.waitMs).toBeGreaterThan(0);
    expect(lb.statuses).toHaveLength(1);
  });

  it("a hanging send is aborted by ctx.signal → unknown-outcome", async () => {
    const { lb, conn } = await open({ onRequest: (r) => (r.method === "POST" ? { kind: "hang-after" } : undefined) });
    const controller = new AbortController();
    const sending = failure(conn.send(payload("hangs"), ctx("k", controller.signal)));
    await waitFor(() => lb.statuses.length === 1, 5_000, "the status to be taken (its answer then hangs)");
    const started = Date.now();
    controller.abort();
    const { result } = await sending;
    expect(result.kind).toBe("unknown-outcome");
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
    expect(lb.statuses).toHaveLength(1);
  });

  it("a hanging send ends when the core's send timeout fires (ctx.signal, nothing else) → unknown-outcome", async () => {
    const { lb, conn } = await open({ onRequest: (r) => (r.method === "POST" ? { kind: "hang-after" } : undefined) });
    const started = Date.now();
    const { err, result } = await failure(conn.send(payload("slow"), ctx("k", AbortSignal.timeout(200))));
    expect((err as Error).name).toBe("MastoTimeoutError");
    expect(result).toMatchObject({ kind: "unknown-outcome", message: expect.stringMatching(/^the send timed out after it may have reached the Mastodon server; .*Idempotency-Key/) });
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
    expect(lb.statuses).toHaveLength(1);
  });

  it("connect: a hanging GET /api/v2/instance ends at the connection's timeoutMs → unknown-outcome", async () => {
    lb = await startMastodonLoopback({ onRequest: (r) => (r.path === "/api/v2/instance" ? { kind: "hang-before" } : undefined) });
    const cfg = mastodonAdapter.config.parse({ instance: lb.url, accessToken: DEFAULT_ACCOUNT.token });
    const started = Date.now();
    const err = await mastodonAdapter.connect(cfg, { timeoutMs: 200, logger: pino({ level: "silent" }), baseDir: ".", session }).catch((e: unknown) => e);
    expect(mastodonAdapter.classify(err)).toMatchObject({ kind: "unknown-outcome", message: expect.stringMatching(/timed out/) });
    expect(Date.now() - started).toBeLessThan(scaled(3_000));
  });

  it("connect: no Mastodon API at the address (404) → destination-broken; nothing listening → transient", async () => {
    lb = await startMastodonLoopback({ onRequest: () => ({ kind: "status", status: 404, body: { error: "Record not found" } }) });
    const cfg = mastodonAdapter.config.parse({ instance: lb.url, accessToken: "t" });
    const deps = { timeoutMs: 5_000, logger: pino({ level: "silent" }), baseDir: ".", session };
    const broken = await mastodonAdapter.connect(cfg, deps).catch((e: unknown) => e);
    expect(mastodonAdapter.classify(broken).kind).toBe("destination-broken");
    await lb.close();
    const refused = await mastodonAdapter.connect(cfg, deps).catch((e: unknown) => e);
    expect(mastodonAdapter.classify(refused)).toMatchObject({ kind: "transient", detail: expect.stringMatching(/^ECONNREFUSED: /) });
  });

  it("check() names the account as @acct@domain", async () => {
    const { conn } = await open({ domain: "news.example" });
    expect(await conn.check(AbortSignal.timeout(5_000))).toBe("@crier@news.example");
  });

  it("delete() removes a sent status", async () => {
    const { lb, conn } = await open();
    const sent = await conn.send(payload("to delete"), ctx());
    await conn.delete?.(sent.remoteId, AbortSignal.timeout(5_000));
    expect(lb.statuses[0]).toMatchObject({ id: sent.remoteId, deleted: true });
    expect(lb.requests.at(-1)).toMatchObject({ method: "DELETE", path: `/api/v1/statuses/${sent.remoteId}`, accountId: "1" });
  });

  it.each([
    ["crier-1700000000000-1", "crier-1700000000000-1"],
    ["ключ с пробелом", /^crier-sha256-[0-9a-f]{64}$/],
  ])("idempotencyKeyFor(%j)", (key, expected) => {
    const out = idempotencyKeyFor({ idempotencyKey: key });
    if (typeof expected === "string") expect(out).toBe(expected);
    else expect(out).toMatch(expected);
    expect(idempotencyKeyFor({ idempotencyKey: key })).toBe(out);
  });
});
