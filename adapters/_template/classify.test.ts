// classify is pure: recorded answers (replayed through the real send) and built errors, in tables.
// COPYING: one row per fixture, one per status rule, and the network rows as they are.
import { describe, expect, it } from "vitest";
import type { DeliveryErrorKind } from "../../src/core/index.js";
import { classifyExample, DEFAULT_RATE_LIMIT_WAIT_MS, DUPLICATE_CODE } from "./classify.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";
import { ExampleApiError, ExampleResponseError } from "./send.js";

describe("classifyExample: recorded answers", () => {
  it.each<[string, DeliveryErrorKind, number | undefined]>([
    ["409-duplicate-post", "duplicate", undefined],
    ["429-too-many-requests", "rate-limited", 42_000],
  ])("%s → %s", async (name, kind, waitMs) => {
    const err = await errorFor(loadFixture(name));
    expect(err).toBeInstanceOf(ExampleApiError);
    const result = classifyExample(err);
    expect(result.kind).toBe(kind);
    if (waitMs !== undefined) expect(result).toMatchObject({ waitMs, scope: "account" });
  });

  it("the duplicate fixture carries exactly the code classify matches", () => {
    expect((loadFixture("409-duplicate-post").body as { error: { code: string } }).error.code).toBe(DUPLICATE_CODE);
  });
});

const api = (status: number, code?: string, retryAfter?: string) => new ExampleApiError("POST /v1/posts", status, code, "message", retryAfter);
const withCode = (message: string, code: string, name = "Error") => Object.assign(new Error(message), { code, name });

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
    ["a 2xx without an id", new ExampleResponseError("POST /v1/posts", 201, "no post id"), "unknown-outcome"],
  ])("%s → %s", (_name, err, kind) => expect(classifyExample(err).kind).toBe(kind));

  it.each<[string | undefined, number]>([
    ["7", 7_000],
    [undefined, DEFAULT_RATE_LIMIT_WAIT_MS],
    ["Wed, 21 Oct 2026 07:28:00 GMT", DEFAULT_RATE_LIMIT_WAIT_MS],
  ])("429 with Retry-After %s waits %i ms", (retryAfter, waitMs) => {
    expect(classifyExample(api(429, "rate_limited", retryAfter))).toMatchObject({ kind: "rate-limited", waitMs });
  });
});

describe("classifyExample: network errors (as undici and global fetch throw them)", () => {
  it.each<[string, unknown, DeliveryErrorKind]>([
    ["connection refused", withCode("connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED"), "transient"],
    ["DNS: no such host", withCode("getaddrinfo ENOTFOUND api.example.com", "ENOTFOUND"), "transient"],
    ["DNS: try again", withCode("getaddrinfo EAI_AGAIN api.example.com", "EAI_AGAIN"), "transient"],
    ["refused, via fetch's cause", Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } }), "transient"],
    ["happy-eyeballs refusal", new AggregateError([withCode("a", "ECONNREFUSED"), withCode("b", "ECONNREFUSED")]), "transient"],
    ["reset after sending", withCode("other side closed", "UND_ERR_SOCKET", "SocketError"), "unknown-outcome"],
    ["ECONNRESET", withCode("read ECONNRESET", "ECONNRESET"), "unknown-outcome"],
    ["headers timeout", withCode("Headers Timeout Error", "UND_ERR_HEADERS_TIMEOUT", "HeadersTimeoutError"), "unknown-outcome"],
    ["aborted (shutdown)", new DOMException("This operation was aborted", "AbortError"), "unknown-outcome"],
    ["send timeout", new DOMException("The operation was aborted due to timeout", "TimeoutError"), "unknown-outcome"],
    ["a bug", new TypeError("x is undefined"), "unknown-outcome"],
    ["a string", "boom", "unknown-outcome"],
    ["null", null, "unknown-outcome"],
    ["no prototype", Object.create(null), "unknown-outcome"],
  ])("%s → %s", (_name, err, kind) => expect(classifyExample(err).kind).toBe(kind));
});
