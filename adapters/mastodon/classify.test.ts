import { readFileSync } from "node:fs";
import net from "node:net";
import { MastoHttpError, MastoTimeoutError } from "masto";
import { describe, expect, it } from "vitest";
import type { DeliveryErrorKind } from "../../src/core/index.js";
import { DEFAULT_RATE_LIMIT_WAIT_MS } from "./classify.js";
import { mastodonConfig } from "./config.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";
import { mastodonAdapter } from "./index.js";
import { restClient } from "./open.js";
import { mastodonLimits } from "./render.js";
import { sendStatus } from "./send.js";

// The adapter's classify: the server's answers (classify.ts), then the kit's network classifier.
const classifyMastodon = (err: unknown) => mastodonAdapter.classify(err);

describe("classifyMastodon: recorded answers, thrown by masto (or the discovery's JsonClient)", () => {
  it.each<[string, DeliveryErrorKind, RegExp]>([
    ["401-invalid-token", "auth", /^401: The access token is invalid$/],
    ["401-revoked-token", "auth", /^401: The access token was revoked$/],
    ["403-outside-scopes", "auth", /^403: This action is outside the authorized scopes$/],
    ["403-login-disabled", "auth", /^403: Your login is currently disabled$/],
    ["404-record-not-found", "destination-broken", /^404: Record not found$/],
    ["404-not-mastodon-html", "destination-broken", /^404: HTTP 404 from GET \/api\/v2\/instance$/],
    ["422-too-long", "rejected", /^422: Validation failed: Text character limit of 500 exceeded$/],
    ["422-blank", "rejected", /^422: Validation failed: Text can't be blank$/],
    ["503-temporary-problem", "unknown-outcome", /^503: There was a temporary problem/],
    // masto cannot read an HTML error body and loses the status; the outcome is unknown either way.
    ["500-html", "unknown-outcome", /Cannot destructure|unknown encoding/],
    ["502-bad-gateway", "unknown-outcome", /Cannot destructure|unknown encoding/],
  ])("%s → %s", async (name, kind, detail) => {
    const result = classifyMastodon(await errorFor(loadFixture(name)));
    expect(result.kind).toBe(kind);
    expect(result.detail).toMatch(detail);
    expect(result.message.length).toBeGreaterThan(10);
  });

  it.each([
    ["403-outside-scopes", /write:statuses, write:media and read:accounts/],
    ["403-login-disabled", /disabled or suspended/],
    ["401-invalid-token", /Preferences → Development/],
    ["404-not-mastodon-html", /check instance/],
    ["422-too-long", /character limit of 500 exceeded/],
  ])("%s tells the operator what to do", async (name, hint) => {
    expect(classifyMastodon(await errorFor(loadFixture(name))).message).toMatch(hint);
  });

  it.each<[string, string, string]>([
    ["an HTML page", "text/html", "<html><body>Welcome</body></html>"],
    ["a JSON array", "application/json", "[]"],
    ["broken JSON", "application/json", "{\"domain\":"],
  ])("a 200 at GET /api/v2/instance that is no JSON object (%s) → destination-broken", async (_name, type, body) => {
    const err = await errorFor({ request: "GET /api/v2/instance", source: "a website's catch-all page", status: 200, headers: { "content-type": type }, body });
    expect(classifyMastodon(err)).toMatchObject({ kind: "destination-broken", message: expect.stringMatching(/check instance/) });
  });

  it("a JSON 4xx/5xx arrives as MastoHttpError with the response headers readable", async () => {
    const err = await errorFor(loadFixture("429-too-many-requests"));
    expect(err).toBeInstanceOf(MastoHttpError);
    expect((err as MastoHttpError).statusCode).toBe(429);
  });

  it("429 waits until X-RateLimit-Reset (ISO 8601), measured from Date", async () => {
    const result = classifyMastodon(await errorFor(loadFixture("429-too-many-requests")));
    const retryAt = Date.parse("2026-05-13T20:40:00Z");
    expect(result).toMatchObject({ kind: "rate-limited", retryAt, waitMs: 260_000, scope: "account", detail: "429: Too many requests" });
    expect(result.message).toContain("2026-05-13T20:40:00.000Z");
  });

  it("429 with only Retry-After waits that many seconds", async () => {
    const result = classifyMastodon(await errorFor(loadFixture("429-retry-after")));
    expect(result).toMatchObject({ kind: "rate-limited", waitMs: 120_000, scope: "account" });
    expect(result.retryAt).toBeUndefined();
  });

  it("429 without any reset waits the default", () => {
    const err = new MastoHttpError({ statusCode: 429, message: "Too many requests" });
    expect(classifyMastodon(err)).toMatchObject({ kind: "rate-limited", waitMs: DEFAULT_RATE_LIMIT_WAIT_MS });
  });
});

describe("classifyMastodon: network failures", () => {
  const fixture = (name: string) =>
    JSON.parse(readFileSync(new URL(`./fixtures/network/${name}.json`, import.meta.url), "utf8")) as { message: string; cause: { name: string; code: string; message: string } };
  /** A recorded fetch failure rebuilt: TypeError("fetch failed") with the socket error as cause. */
  const networkError = (name: string) => {
    const { message, cause } = fixture(name);
    return new TypeError(message, { cause: Object.assign(new Error(cause.message), { name: cause.name, code: cause.code }) });
  };

  it.each<[string, DeliveryErrorKind]>([
    ["econnrefused", "transient"],
    ["enotfound", "transient"],
    ["connect-timeout", "transient"],
    ["socket-closed", "unknown-outcome"],
  ])("%s → %s", (name, kind) => {
    const result = classifyMastodon(networkError(name));
    expect(result.kind).toBe(kind);
    expect(result.detail).toMatch(new RegExp(`^${fixture(name).cause.code}: `));
  });

  it("a real refused connection through masto → transient", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const cfg = mastodonConfig.parse({ instance: `http://127.0.0.1:${port}`, accessToken: "t" });
    const client = { rest: restClient(cfg), domain: "x", limits: mastodonLimits() };
    const err = await sendStatus(client, { status: "x", visibility: "public" }, { deliveryId: 1, idempotencyKey: "k", queuedAt: 0, signal: AbortSignal.timeout(5_000) }).catch((e: unknown) => e);
    expect(classifyMastodon(err)).toMatchObject({ kind: "transient", detail: expect.stringMatching(/^ECONNREFUSED: /) });
  });

  it("an AggregateError of per-address failures reads the first code", () => {
    const cause = Object.assign(new AggregateError([Object.assign(new Error("connect ECONNREFUSED ::1:443"), { code: "ECONNREFUSED" })]), {});
    expect(classifyMastodon(new TypeError("fetch failed", { cause })).kind).toBe("transient");
  });

  it.each<[string, unknown]>([
    ["masto timeout", new MastoTimeoutError("Request timed out")],
    ["aborted signal", new DOMException("This operation was aborted", "AbortError")],
    ["timed-out signal", new DOMException("The operation was aborted due to timeout", "TimeoutError")],
  ])("%s → unknown-outcome", (_name, err) => {
    expect(classifyMastodon(err).kind).toBe("unknown-outcome");
  });

  it.each([undefined, null, "string", 42, {}, new Error("x"), Object.create(null), { statusCode: "weird" }])("never throws (%#)", (weird) => {
    expect(classifyMastodon(weird).kind).toBe("unknown-outcome");
  });
});
