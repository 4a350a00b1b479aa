// Negative controls and rules of the Mastodon loopback, with plain fetch (no client library).
import { afterEach, describe, expect, it } from "vitest";
import { scaled, untilClock, waitFor } from "../../support/timing.js";
import { statusLength } from "./length.js";
import { DEFAULT_ACCOUNT, startMastodonLoopback, type FaultAction, type MastodonLoopback, type MastodonLoopbackOptions } from "./server.js";

let lb: MastodonLoopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});

async function start(opts: MastodonLoopbackOptions = {}): Promise<MastodonLoopback> {
  lb = await startMastodonLoopback(opts);
  return lb;
}

const auth = (token = DEFAULT_ACCOUNT.token) => ({ authorization: `Bearer ${token}` });

async function call(path: string, init: { method?: string; headers?: Record<string, string>; json?: unknown; form?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...auth(), ...init.headers };
  let body: string | undefined;
  if (init.json !== undefined) (headers["content-type"] = "application/json"), (body = JSON.stringify(init.json));
  if (init.form) (headers["content-type"] = "application/x-www-form-urlencoded"), (body = new URLSearchParams(init.form).toString());
  const res = await fetch(`${lb?.url}${path}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe("Mastodon loopback", () => {
  it("GET /api/v2/instance announces the configured limits, without a token", async () => {
    await start({ maxCharacters: 1000, charactersReservedPerUrl: 30, domain: "news.example" });
    const res = await call("/api/v2/instance", { headers: { authorization: "" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ domain: "news.example", configuration: { statuses: { max_characters: 1000, characters_reserved_per_url: 30 } } });
  });

  it("a wrong token is refused with 401 and nothing is posted", async () => {
    const { statuses } = await start();
    const res = await call("/api/v1/statuses", { headers: auth("nope"), json: { status: "hi" } });
    expect(res).toMatchObject({ status: 401, body: { error: "The access token is invalid" } });
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="Doorkeeper"/);
    expect(statuses).toHaveLength(0);
  });

  it("a token without write:statuses gets 403 outside the authorized scopes", async () => {
    await start({ accounts: [{ ...DEFAULT_ACCOUNT, scopes: ["read"] }] });
    const res = await call("/api/v1/statuses", { json: { status: "hi" } });
    expect(res).toMatchObject({ status: 403, body: { error: "This action is outside the authorized scopes" } });
    expect((await call("/api/v1/accounts/verify_credentials")).status).toBe(200);
  });

  it("a missing or blank status is 422 Text can't be blank", async () => {
    await start();
    expect(await call("/api/v1/statuses", { json: { visibility: "public" } })).toMatchObject({ status: 422, body: { error: "Validation failed: Text can't be blank" } });
    expect((await call("/api/v1/statuses", { form: { status: "   " } })).status).toBe(422);
  });

  it("over-limit text is 422 with the instance's limit, counted as Mastodon counts", async () => {
    const { statuses } = await start({ maxCharacters: 100 });
    const over = await call("/api/v1/statuses", { json: { status: "a".repeat(101) } });
    expect(over).toMatchObject({ status: 422, body: { error: "Validation failed: Text character limit of 100 exceeded" } });
    // 77 letters + a space + a 200-character URL counting 23 = 101 > 100; 76 letters fit exactly.
    const url = `https://example.com/${"p".repeat(180)}`;
    expect((await call("/api/v1/statuses", { json: { status: `${"a".repeat(77)} ${url}` } })).status).toBe(422);
    expect((await call("/api/v1/statuses", { json: { status: `${"a".repeat(76)} ${url}` } })).status).toBe(200);
    // the content warning counts too
    expect((await call("/api/v1/statuses", { json: { status: "b".repeat(60), spoiler_text: "c".repeat(41) } })).status).toBe(422);
    expect(statuses).toHaveLength(1);
  });

  it.each<[string, string, string, number]>([
    ["URL counts 23", "see https://example.com/a/very/long/path/that/goes/on", "", 27],
    ["remote mention counts its local part", "hi @alice@mastodon.social!", "", 10],
    ["graphemes", "👩‍👩‍👧‍👦🇰🇿", "", 2],
    ["URL without protocol counts in full", "example.com/path", "", 16],
    ["trailing punctuation is not part of the URL", "https://example.com/a.", "", 24],
    ["spoiler joins the text", "abc", "CW", 5],
  ])("counting: %s", (_n, text, spoiler, expected) => {
    expect(statusLength(text, spoiler)).toBe(expected);
  });

  it("a repeated Idempotency-Key returns the first status and creates nothing", async () => {
    const { statuses } = await start();
    const headers = { "idempotency-key": "crier-1-1" };
    const first = await call("/api/v1/statuses", { headers, json: { status: "first" } });
    const again = await call("/api/v1/statuses", { headers, json: { status: "something else" } });
    expect(first.status).toBe(200);
    expect(again).toMatchObject({ status: 200, body: { id: first.body.id, content: "<p>first</p>" } });
    expect(statuses).toHaveLength(1);
    const other = await call("/api/v1/statuses", { headers: { "idempotency-key": "crier-1-2" }, json: { status: "first" } });
    expect(other.body.id).not.toBe(first.body.id);
    expect(statuses).toHaveLength(2);
  });

  it("an Idempotency-Key expires after the TTL, and a deleted status is no duplicate", async () => {
    const { statuses } = await start({ idempotencyTtlMs: 50 });
    const headers = { "idempotency-key": "k" };
    const first = await call("/api/v1/statuses", { headers, json: { status: "x" } });
    await untilClock((statuses[0]?.createdAt ?? 0) + 50); // the key's TTL runs from the status's creation
    const later = await call("/api/v1/statuses", { headers, json: { status: "x" } });
    expect(later.body.id).not.toBe(first.body.id);
    await call(`/api/v1/statuses/${String(later.body.id)}`, { method: "DELETE" });
    const afterDelete = await call("/api/v1/statuses", { headers, json: { status: "x" } });
    expect(afterDelete.body.id).not.toBe(later.body.id);
    expect(statuses.filter((s) => !s.deleted)).toHaveLength(2);
  });

  it("stores form parameters and answers a Status entity with url and account", async () => {
    const { statuses, url } = await start();
    const res = await call("/api/v1/statuses", { form: { status: "a < b & c", visibility: "unlisted", language: "en", spoiler_text: "cw" } });
    expect(res.body).toMatchObject({ visibility: "unlisted", language: "en", spoiler_text: "cw", sensitive: true, content: "<p>a &lt; b &amp; c</p>", url: `${url}/@crier/${String(res.body.id)}`, account: { acct: "crier" } });
    expect(statuses[0]).toMatchObject({ text: "a < b & c", visibility: "unlisted", language: "en", spoilerText: "cw" });
  });

  it("DELETE removes an own status with its source text; unknown ids are 404", async () => {
    await start();
    const posted = await call("/api/v1/statuses", { json: { status: "bye" } });
    const del = await call(`/api/v1/statuses/${String(posted.body.id)}`, { method: "DELETE" });
    expect(del).toMatchObject({ status: 200, body: { id: posted.body.id, text: "bye" } });
    expect(await call(`/api/v1/statuses/${String(posted.body.id)}`, { method: "DELETE" })).toMatchObject({ status: 404, body: { error: "Record not found" } });
  });

  it("429 Too many requests with X-RateLimit-* when the statuses budget is spent", async () => {
    await start({ statusLimit: { limit: 1, windowMs: 3_600_000 } });
    const ok = await call("/api/v1/statuses", { json: { status: "one" } });
    expect(ok.headers.get("x-ratelimit-remaining")).toBe("0");
    const res = await call("/api/v1/statuses", { json: { status: "two" } });
    expect(res).toMatchObject({ status: 429, body: { error: "Too many requests" } });
    expect(res.headers.get("x-ratelimit-limit")).toBe("1");
    expect(res.headers.get("x-ratelimit-reset")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(Date.parse(res.headers.get("x-ratelimit-reset") ?? "") % 3_600_000).toBe(0);
  });

  it("verify_credentials answers the account with source", async () => {
    await start();
    expect((await call("/api/v1/accounts/verify_credentials")).body).toMatchObject({ id: "1", username: "crier", acct: "crier", source: { privacy: "public" } });
  });

  it("fault hooks: status, destroy-before, destroy-after (stored), delay", async () => {
    const actions: FaultAction[] = [
      { kind: "status", status: 503, body: { error: "down" } },
      { kind: "destroy-before" },
      { kind: "destroy-after" },
      { kind: "delay", ms: 20 },
    ];
    const { statuses } = await start({ onRequest: () => actions.shift() });
    expect((await call("/api/v1/statuses", { json: { status: "a" } })).status).toBe(503);
    await expect(call("/api/v1/statuses", { json: { status: "b" } })).rejects.toThrow();
    await expect(call("/api/v1/statuses", { json: { status: "c" } })).rejects.toThrow();
    expect((await call("/api/v1/statuses", { json: { status: "d" } })).status).toBe(200);
    expect(statuses.map((s) => s.text)).toEqual(["c", "d"]);
  });

  it("a fault injected through the harness still sees the account: destroy-after stores the status", async () => {
    const server = await start();
    server.harness.inject({ kind: "destroy-after" }, { match: (r) => r.path === "/api/v1/statuses" });
    await expect(call("/api/v1/statuses", { json: { status: "lost answer" } })).rejects.toThrow();
    expect(server.statuses).toMatchObject([{ accountId: "1", text: "lost answer" }]);
    expect(server.requests[0]).toMatchObject({ accountId: "1", method: "POST" });
  });

  it("the headers name the limit closest to running out: the API budget when it is nearer than the statuses one", async () => {
    await start({ apiLimit: { limit: 3, windowMs: 300_000 }, statusLimit: { limit: 10, windowMs: 3_600_000 } });
    const first = await call("/api/v1/statuses", { json: { status: "one" } });
    expect([first.headers.get("x-ratelimit-limit"), first.headers.get("x-ratelimit-remaining")]).toEqual(["3", "2"]);
    const blank = await call("/api/v1/statuses", { json: { status: " " } });
    expect([blank.status, blank.headers.get("x-ratelimit-remaining")]).toEqual([422, "1"]);
    await call("/api/v1/accounts/verify_credentials");
    const limited = await call("/api/v1/statuses", { json: { status: "four" } });
    expect(limited).toMatchObject({ status: 429, body: { error: "Too many requests" } });
    expect(Date.parse(limited.headers.get("x-ratelimit-reset") ?? "") % 300_000).toBe(0);
    expect((await call("/api/v1/statuses", { json: { status: "five" }, headers: { authorization: "" } })).status).toBe(401);
  });

  it("close() ends a hanging request promptly", async () => {
    const server = await start({ onRequest: () => ({ kind: "hang-after" }) });
    const pending = call("/api/v1/statuses", { json: { status: "hang" } }).catch((e: unknown) => e);
    await waitFor(() => server.requests.length > 0, 5_000, "the request to arrive");
    const started = Date.now();
    await server.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(scaled(1000));
    expect(server.statuses).toHaveLength(1);
  });
});
