// classify is pure: recorded answers (replayed through the real send) and built errors, in tables.
// The adapter's classify (`exampleAdapter.classify`) is classifyExample chained with the kit's
// network classifier: both halves are checked here through it.
// COPYING: one row per fixture, one per status rule; keep the network rows as they are (they prove
// the wiring, the kit's own tests cover every shape).
import { describe, expect, it } from "vitest";
import { HttpError, RequestNotSentError, ResponseBodyError, readRateLimit, type DeliveryErrorKind } from "../../src/core/index.js";
import { DEFAULT_RATE_LIMIT_WAIT_MS, DUPLICATE_CODE, classifyExample } from "./classify.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";
import { exampleAdapter } from "./index.js";

const classify = (err: unknown) => exampleAdapter.classify(err);

describe("classifyExample: recorded answers", () => {
  it.each<[string, DeliveryErrorKind, number | undefined]>([
    ["409-duplicate-post", "duplicate", undefined],
    ["429-too-many-requests", "rate-limited", 42_000],
  ])("%s → %s", async (name, kind, waitMs) => {
    const err = await errorFor(loadFixture(name));
    expect(err).toBeInstanceOf(HttpError);
    const result = classify(err);
    expect(result.kind).toBe(kind);
    if (waitMs !== undefined) expect(result).toMatchObject({ waitMs, scope: "account" });
  });

  it("the duplicate fixture carries exactly the code classify matches", () => {
    expect((loadFixture("409-duplicate-post").body as { error: { code: string } }).error.code).toBe(DUPLICATE_CODE);
  });
});

const NOW = Date.parse("2026-05-13T20:37:37Z");
const api = (status: number, code?: string, headers: Record<string, string> = {}) =>
  new HttpError({ method: "POST", route: "/v1/posts" }, status, code ? { error: { code, message: "message" } } : null, headers, readRateLimit(headers, NOW));

describe("classifyExample: status codes", () => {
  it.each<[string, unknown, DeliveryErrorKind]>([
    ["401", api(401, "invalid_token"), "auth"],
    ["403", api(403, "insufficient_scope"), "auth"],
    ["404", api(404, "channel_not_found"), "destination-broken"],
    ["409 of another kind", api(409, "conflict"), "rejected"],
    ["422 too long", api(422, "text_too_long"), "rejected"],
    ["400", api(400, "invalid_request"), "rejected"],
    ["500", api(500), "unknown-outcome"],
    ["503", api(503), "unknown-outcome"],
    ["a 302 (wrong apiBase)", api(302), "destination-broken"],
    ["a 2xx without an id", new ResponseBodyError({ method: "POST", route: "/v1/posts" }, 201, "no post id"), "unknown-outcome"],
  ])("%s → %s", (_name, err, kind) => expect(classify(err).kind).toBe(kind));

  it("says what to do, and that a 5xx may have posted", () => {
    expect(classify(api(401, "invalid_token")).message).toMatch(/Settings → API tokens/);
    expect(classify(api(404, "channel_not_found")).message).toMatch(/check channel and apiBase/);
    expect(classify(api(503)).message).toMatch(/may or may not exist \(Example takes no idempotency key\)/);
  });

  it.each<[string, Record<string, string>, number]>([
    ["7 seconds", { "retry-after": "7" }, 7_000],
    ["none", {}, DEFAULT_RATE_LIMIT_WAIT_MS],
    // The kit reads an HTTP-date too (the template's own parser used to ignore it and wait 60 s).
    ["an HTTP-date 90 s ahead", { "retry-after": "Wed, 13 May 2026 20:39:07 GMT" }, 90_000],
  ])("429 with Retry-After %s waits %i ms, for the account", (_name, headers, waitMs) => {
    expect(classify(api(429, "rate_limited", headers))).toMatchObject({ kind: "rate-limited", waitMs, scope: "account" });
  });

  it("returns undefined for what is not Example's answer (the kit takes it from there)", () => {
    expect(classifyExample(new TypeError("x is undefined"))).toBeUndefined();
    expect(classifyExample(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBeUndefined();
  });
});

const withCode = (message: string, code: string, name = "Error") => Object.assign(new Error(message), { code, name });

describe("exampleAdapter.classify: network errors (as undici and global fetch throw them)", () => {
  it.each<[string, unknown, DeliveryErrorKind]>([
    ["connection refused", withCode("connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED"), "transient"],
    ["DNS: no such host", withCode("getaddrinfo ENOTFOUND api.example.com", "ENOTFOUND"), "transient"],
    ["DNS: try again", withCode("getaddrinfo EAI_AGAIN api.example.com", "EAI_AGAIN"), "transient"],
    ["refused, via fetch's cause", Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }), "transient"],
    ["happy-eyeballs refusal", new AggregateError([withCode("a", "ECONNREFUSED"), withCode("b", "ECONNREFUSED")]), "transient"],
    ["not sent (the JSON client proved it)", new RequestNotSentError(new DOMException("The operation was aborted due to timeout", "TimeoutError")), "transient"],
    ["reset after sending", withCode("other side closed", "UND_ERR_SOCKET", "SocketError"), "unknown-outcome"],
    ["ECONNRESET", withCode("read ECONNRESET", "ECONNRESET"), "unknown-outcome"],
    ["headers timeout", withCode("Headers Timeout Error", "UND_ERR_HEADERS_TIMEOUT", "HeadersTimeoutError"), "unknown-outcome"],
    ["aborted (shutdown)", new DOMException("This operation was aborted", "AbortError"), "unknown-outcome"],
    ["send timeout", new DOMException("The operation was aborted due to timeout", "TimeoutError"), "unknown-outcome"],
    ["a bug", new TypeError("x is undefined"), "unknown-outcome"],
    ["a string", "boom", "unknown-outcome"],
    ["null", null, "unknown-outcome"],
    ["no prototype", Object.create(null), "unknown-outcome"],
  ])("%s → %s", (_name, err, kind) => expect(classify(err).kind).toBe(kind));
});
