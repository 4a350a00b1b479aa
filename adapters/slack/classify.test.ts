import { describe, expect, it } from "vitest";
import { HttpError, ResponseBodyError, isHttpError, readRateLimit, type DeliveryErrorKind } from "../../src/core/index.js";
import { DEFAULT_RATE_LIMIT_WAIT_MS, classifySlack as slackOnly } from "./classify.js";
import { SlackError, WEBHOOK_ROUTE } from "./errors.js";
import { FIXTURE_BOT_TOKEN, FIXTURE_WEBHOOK_URL, errorFor, loadFixture } from "./fixtures/replay.js";
import { slackAdapter } from "./index.js";

// The adapter's classify: Slack's own answers (classify.ts), then the kit's network classifier.
const classifySlack = (err: unknown) => slackAdapter.classify(err);

describe("classifySlack: recorded answers, thrown by the adapter's client", () => {
  it.each<[string, DeliveryErrorKind, string]>([
    ["postmessage-channel-not-found", "destination-broken", "chat.postMessage: 200 channel_not_found"],
    ["postmessage-is-archived", "destination-broken", "chat.postMessage: 200 is_archived"],
    ["postmessage-not-in-channel", "destination-broken", "chat.postMessage: 200 not_in_channel"],
    ["postmessage-no-permission", "destination-broken", "chat.postMessage: 200 no_permission"],
    ["postmessage-invalid-auth", "auth", "chat.postMessage: 200 invalid_auth"],
    ["postmessage-not-authed", "auth", "chat.postMessage: 200 not_authed"],
    ["postmessage-account-inactive", "auth", "chat.postMessage: 200 account_inactive"],
    ["postmessage-token-revoked", "auth", "chat.postMessage: 200 token_revoked"],
    ["postmessage-missing-scope", "auth", "chat.postMessage: 200 missing_scope"],
    ["postmessage-msg-too-long", "rejected", "chat.postMessage: 200 msg_too_long"],
    ["postmessage-no-text", "rejected", "chat.postMessage: 200 no_text"],
    ["postmessage-invalid-blocks", "rejected", "chat.postMessage: 200 invalid_blocks (failed to match all allowed schemas [json-pointer:/blocks/0/text]; must be less than 3001 characters [json-pointer:/blocks/0/text/text]; [ERROR] failed"],
    ["postmessage-internal-error", "unknown-outcome", "chat.postMessage: 200 internal_error"],
    ["postmessage-fatal-error", "unknown-outcome", "chat.postMessage: 200 fatal_error"],
    ["postmessage-503-html", "unknown-outcome", "chat.postMessage: 503 (<html><body>503 Service Unavailable</body></html>)"],
    ["webhook-400-invalid-payload", "rejected", "webhook: 400 invalid_payload"],
    ["webhook-400-no-text", "rejected", "webhook: 400 no_text"],
    ["webhook-403-action-prohibited", "destination-broken", "webhook: 403 action_prohibited"],
    ["webhook-403-invalid-token", "auth", "webhook: 403 invalid_token"],
    ["webhook-404-channel-not-found", "destination-broken", "webhook: 404 channel_not_found"],
    ["webhook-404-no-service", "destination-broken", "webhook: 404 no_service"],
    ["webhook-410-channel-is-archived", "destination-broken", "webhook: 410 channel_is_archived"],
    ["webhook-500-rollup-error", "unknown-outcome", "webhook: 500 rollup_error"],
  ])("%s → %s", async (name, kind, detail) => {
    const recorded = loadFixture(name);
    const err = await errorFor(recorded);
    // A 2xx refusal is the adapter's SlackError; any other status stays the kit's HttpError.
    expect(err).toBeInstanceOf(recorded.status >= 200 && recorded.status < 300 ? SlackError : HttpError);
    const result = classifySlack(err);
    expect(result.kind).toBe(kind);
    expect(result.detail?.startsWith(detail)).toBe(true);
    const printed = JSON.stringify(result) + String(err);
    expect(printed).not.toContain(FIXTURE_BOT_TOKEN);
    expect(printed).not.toContain("fixturesecretvalue");
    expect(FIXTURE_WEBHOOK_URL).toContain("fixturesecretvalue");
  });

  it.each<[string, number]>([
    ["postmessage-ratelimited-429", 30_000],
    ["webhook-429-rate-limited", 12_000],
    ["postmessage-rate-limited", DEFAULT_RATE_LIMIT_WAIT_MS],
  ])("%s → rate-limited, waiting %i ms, for the destination", async (name, waitMs) => {
    expect(classifySlack(await errorFor(loadFixture(name)))).toMatchObject({ kind: "rate-limited", waitMs, scope: "destination" });
  });

  it("tells the operator what to do", async () => {
    expect(classifySlack(await errorFor(loadFixture("postmessage-not-in-channel"))).message).toMatch(/\/invite/);
    expect(classifySlack(await errorFor(loadFixture("postmessage-missing-scope"))).message).toMatch(/chat:write/);
    expect(classifySlack(await errorFor(loadFixture("webhook-404-no-service"))).message).toMatch(/new incoming webhook/);
  });
});

const withCode = (message: string, code: string, name = "Error") => Object.assign(new Error(message), { code, name });
const NOW = Date.parse("Thu, 01 Jan 2026 00:00:00 GMT");
/** A 2xx refusal as send.ts throws it; any other status as the JSON client does (a webhook's plain text, a Web API's JSON). */
const slack = (call: string, status: number, error?: string, headers: Record<string, string> = {}) =>
  status >= 200 && status < 300
    ? new SlackError(call, status, error, undefined)
    : new HttpError({ method: "POST", route: call === "webhook" ? WEBHOOK_ROUTE : `/${call}` }, status, call === "webhook" ? (error ?? "") : error ? { ok: false, error } : "", headers, readRateLimit(headers, NOW));

describe("classifySlack: built errors", () => {
  it.each<[string, unknown, DeliveryErrorKind]>([
    ["connection refused", withCode("connect ECONNREFUSED 127.0.0.1:9", "ECONNREFUSED"), "transient"],
    ["DNS: no such host", withCode("getaddrinfo ENOTFOUND slack.com", "ENOTFOUND"), "transient"],
    ["DNS: try again", withCode("getaddrinfo EAI_AGAIN slack.com", "EAI_AGAIN"), "transient"],
    ["undici connect timeout (nothing written)", withCode("Connect Timeout Error", "UND_ERR_CONNECT_TIMEOUT", "ConnectTimeoutError"), "transient"],
    ["happy-eyeballs refusal", new AggregateError([withCode("a", "ECONNREFUSED"), withCode("b", "ECONNREFUSED")]), "transient"],
    ["fetch-style cause", Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }), "transient"],
    ["socket closed by the other side", withCode("other side closed", "UND_ERR_SOCKET", "SocketError"), "unknown-outcome"],
    ["reset", withCode("read ECONNRESET", "ECONNRESET"), "unknown-outcome"],
    ["headers timeout", withCode("Headers Timeout Error", "UND_ERR_HEADERS_TIMEOUT", "HeadersTimeoutError"), "unknown-outcome"],
    ["abort (core's signal)", new DOMException("This operation was aborted", "AbortError"), "unknown-outcome"],
    ["timeout signal", new DOMException("The operation was aborted due to timeout", "TimeoutError"), "unknown-outcome"],
    ["ok without ts", new ResponseBodyError({ method: "POST", route: "/chat.postMessage" }, 200, "ok without channel and ts"), "unknown-outcome"],
    ["undocumented ok:false string", slack("chat.postMessage", 200, "something_new"), "rejected"],
    ["404 from the Web API (wrong apiBase)", slack("chat.postMessage", 404, "unknown_method"), "destination-broken"],
    ["404 without a body", slack("chat.postMessage", 404), "destination-broken"],
    ["502 from the Web API", slack("chat.postMessage", 502), "unknown-outcome"],
    ["200 without ok from the Web API", slack("chat.postMessage", 200), "unknown-outcome"],
    ["webhook 403, other words", slack("webhook", 403), "auth"],
    ["webhook 404, other words", slack("webhook", 404), "destination-broken"],
    ["webhook 400, other words", slack("webhook", 400), "rejected"],
    ["webhook 200 but not ok", slack("webhook", 200), "unknown-outcome"],
    ["webhook 503", slack("webhook", 503), "unknown-outcome"],
    ["request_timeout (body never arrived)", slack("chat.postMessage", 200, "request_timeout"), "transient"],
    ["not even an Error", "boom", "unknown-outcome"],
    ["null", null, "unknown-outcome"],
    ["an object without a prototype", Object.create(null), "unknown-outcome"],
  ])("%s → %s", (_name, err, kind) => {
    expect(classifySlack(err).kind).toBe(kind);
  });

  it("429 without Retry-After waits the default", () => {
    expect(classifySlack(slack("webhook", 429))).toMatchObject({ kind: "rate-limited", waitMs: DEFAULT_RATE_LIMIT_WAIT_MS });
  });
});

describe("Retry-After, as the kit reads it for classify", () => {
  it.each<[string | undefined, number]>([
    ["30", 30_000],
    [" 7 ", 7_000],
    ["0", 0],
    [undefined, DEFAULT_RATE_LIMIT_WAIT_MS],
    ["", DEFAULT_RATE_LIMIT_WAIT_MS],
    ["soon", DEFAULT_RATE_LIMIT_WAIT_MS],
    ["Thu, 01 Jan 2026 00:00:10 GMT", 10_000],
  ])("%j → waits %j ms", (value, waitMs) => {
    const headers: Record<string, string> = value === undefined ? {} : { "retry-after": value };
    expect(classifySlack(slack("webhook", 429, "rate_limited", headers))).toMatchObject({ kind: "rate-limited", waitMs });
  });

  it("a 200 rate_limited (no Retry-After) waits the default", () => {
    expect(classifySlack(slack("chat.postMessage", 200, "rate_limited"))).toMatchObject({ kind: "rate-limited", waitMs: DEFAULT_RATE_LIMIT_WAIT_MS });
  });

  it("leaves what is not Slack's answer to the kit (undefined)", () => {
    expect(slackOnly(new TypeError("x is undefined"))).toBeUndefined();
    expect(slackOnly(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBeUndefined();
    expect(isHttpError(slack("webhook", 404))).toBe(true);
  });
});
