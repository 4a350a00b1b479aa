import { describe, expect, it } from "vitest";
import { HttpError, ResponseBodyError, readRateLimit, type DeliveryErrorKind } from "../../src/core/index.js";
import { CODES, DEFAULT_RATE_LIMIT_WAIT_MS, classifyDiscord as discordOnly, flattenErrors, redactWebhook } from "./classify.js";
import { errorFor, loadFixture, networkError } from "./fixtures/replay.js";
import { discordAdapter } from "./index.js";

// The adapter's classify: Discord's own answers (classify.ts), then the kit's network classifier.
const classifyDiscord = (err: unknown) => discordAdapter.classify(err);

describe("classifyDiscord: recorded Discord answers, as the adapter's client throws them", () => {
  it.each<[string, DeliveryErrorKind, RegExp]>([
    ["401-invalid-webhook-token", "auth", /^401 code 50027 Invalid Webhook Token$/],
    ["404-unknown-webhook", "destination-broken", /^404 code 10015 Unknown Webhook$/],
    ["404-unknown-channel", "destination-broken", /^404 code 10003 Unknown Channel$/],
    ["403-missing-access", "destination-broken", /^403 code 50001 Missing Access$/],
    ["400-forum-needs-thread", "destination-broken", /^400 code 220001 /],
    ["400-content-too-long", "rejected", /^400 code 50035 Invalid Form Body: content: Must be 2000 or fewer in length\.$/],
    ["400-embed-size-exceeded", "rejected", /^400 code 50035 Invalid Form Body: embeds: Embed size exceeds maximum size of 6000$/],
    ["400-empty-message", "rejected", /^400 code 50006 Cannot send an empty message$/],
    ["500-internal-server-error", "unknown-outcome", /^500 code 0 500: Internal Server Error$/],
    ["502-bad-gateway", "unknown-outcome", /^502$/],
  ])("%s → %s", async (name, kind, detail) => {
    const err = await errorFor(loadFixture(name));
    expect(err).toBeInstanceOf(HttpError);
    const result = classifyDiscord(err);
    expect(result.kind).toBe(kind);
    expect(result.detail).toMatch(detail);
  });

  it.each<[string, number, "destination" | "account"]>([
    ["429-user", 64_570, "destination"],
    ["429-shared", 1_336_570, "destination"],
    ["429-global", 64_570, "account"],
  ])("%s → rate-limited for retry_after × 1000 ms (%d), scope %s", async (name, waitMs, scope) => {
    const result = classifyDiscord(await errorFor(loadFixture(name)));
    expect(result).toMatchObject({ kind: "rate-limited", waitMs, scope });
    expect(result.message).toContain(`${(waitMs / 1000).toFixed(1)} s`);
  });

  it("tells the operator what to do", async () => {
    expect(classifyDiscord(await errorFor(loadFixture("404-unknown-webhook"))).message).toMatch(/create a new one and update webhookUrl/);
    expect(classifyDiscord(await errorFor(loadFixture("401-invalid-webhook-token"))).message).toMatch(/Integrations → Webhooks/);
    expect(classifyDiscord(await errorFor(loadFixture("400-forum-needs-thread"))).message).toMatch(/threadId/);
  });

  it("the fixtures carry the codes classify matches", () => {
    expect((loadFixture("404-unknown-webhook").body as { code: number }).code).toBe(CODES.unknownWebhook);
    expect((loadFixture("401-invalid-webhook-token").body as { code: number }).code).toBe(CODES.invalidWebhookToken);
  });
});

const ROUTE = { method: "POST", route: "/webhooks/{id}/{token}" };
const apiError = (status: number, body: object | null, headers: Record<string, string> = {}) =>
  new HttpError(ROUTE, status, body, headers, readRateLimit(headers, Date.now()));

describe("classifyDiscord: built answers", () => {
  it.each<[string, unknown, DeliveryErrorKind, number?]>([
    ["429 with only X-RateLimit-Reset-After", apiError(429, null, { "x-ratelimit-reset-after": "2.5" }), "rate-limited", 2_500],
    ["429 with only Retry-After", apiError(429, { message: "x" }, { "retry-after": "7" }), "rate-limited", 7_000],
    ["429 with no wait at all", apiError(429, null), "rate-limited", DEFAULT_RATE_LIMIT_WAIT_MS],
    ["429 with a fractional retry_after", apiError(429, { retry_after: 0.5, global: false }), "rate-limited", 500],
    ["404 Unknown Message (delete)", apiError(404, { message: "Unknown Message", code: 10008 }), "rejected"],
    ["a 404 from a wrong apiBase", apiError(404, { message: "404: Not Found", code: 0 }), "destination-broken"],
    ["50027 under another status", apiError(400, { message: "Invalid Webhook Token", code: 50027 }), "auth"],
    ["413 too large", apiError(413, { message: "Request entity too large", code: 40005 }), "rejected"],
    ["a redirect", apiError(301, null), "destination-broken"],
    ["503 overloaded", apiError(503, { message: "API resource is currently overloaded", code: 130000 }), "unknown-outcome"],
    ["an unreadable 200", new ResponseBodyError(ROUTE, 200, "not JSON"), "unknown-outcome"],
    ["a 200 without a message id", new ResponseBodyError(ROUTE, 200, "no message id"), "unknown-outcome"],
  ])("%s → %s", (_name, err, kind, waitMs) => {
    const result = classifyDiscord(err);
    expect(result.kind).toBe(kind);
    if (waitMs !== undefined) expect(result.waitMs).toBe(waitMs);
  });

  it("an unreadable 200 says the post probably exists", () => {
    expect(classifyDiscord(new ResponseBodyError(ROUTE, 200, "not JSON")).message).toBe("Discord accepted the request but its answer was unreadable; the post probably exists");
  });

  it("leaves what is not Discord's answer to the kit (undefined)", () => {
    expect(discordOnly(new TypeError("x is undefined"))).toBeUndefined();
    expect(discordOnly(networkError("connection-refused"))).toBeUndefined();
  });

  it("the global flag may come as a header only", () => {
    expect(classifyDiscord(apiError(429, { retry_after: 1 }, { "x-ratelimit-global": "true" })).scope).toBe("account");
  });
});

describe("classifyDiscord: network failures (recorded undici errors)", () => {
  it.each<[string, DeliveryErrorKind]>([
    ["connection-refused", "transient"],
    ["dns-not-found", "transient"],
    ["dns-try-again", "transient"],
    ["connect-timeout", "transient"],
    ["socket-reset", "unknown-outcome"],
    ["headers-timeout", "unknown-outcome"],
    ["abort", "unknown-outcome"],
    ["timeout", "unknown-outcome"],
  ])("%s → %s", (name, kind) => {
    const result = classifyDiscord(networkError(name));
    expect(result.kind).toBe(kind);
    expect(result.detail?.length).toBeGreaterThan(0);
  });

  it.each<[string, unknown]>([
    ["a happy-eyeballs AggregateError of refusals", new AggregateError([Object.assign(new Error("a"), { code: "ECONNREFUSED" })])],
    ["a wrapped cause", Object.assign(new TypeError("fetch failed"), { cause: { code: "ENOTFOUND" } })],
  ])("%s → transient", (_name, err) => expect(classifyDiscord(err).kind).toBe("transient"));

  it.each([undefined, null, "boom", 42, {}, Object.create(null), new TypeError("x is undefined")])("%s → unknown-outcome, never throws", (err) => {
    expect(classifyDiscord(err).kind).toBe("unknown-outcome");
  });

  it("redacts a webhook token quoted in a lower layer's message", () => {
    const err = new Error("request to https://discord.com/api/webhooks/223704706495545344/SeCrEt_Token-123 failed");
    expect(classifyDiscord(err).detail).toBe("request to https://discord.com/api/webhooks/223704706495545344/[redacted] failed");
    expect(redactWebhook("/webhooks/1/abc/messages/2")).toBe("/webhooks/1/[redacted]/messages/2");
  });
});

describe("flattenErrors", () => {
  it("walks the docs' nested example into path: message lines", () => {
    const tree = { activities: { "0": { platform: { _errors: [{ code: "BASE_TYPE_CHOICES", message: "Value must be one of ('desktop', 'android', 'ios')." }] } } } };
    expect(flattenErrors(tree)).toEqual(["activities.0.platform: Value must be one of ('desktop', 'android', 'ios')."]);
    expect(flattenErrors({ _errors: [{ code: "X", message: "Command exceeds maximum size (8000)" }] })).toEqual(["body: Command exceeds maximum size (8000)"]);
    expect(flattenErrors(null)).toEqual([]);
  });
});
