import type { ClientRequest, IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from "twitter-api-v2";
import type { DeliveryErrorKind } from "../../src/core/index.js";
import { DEFAULT_RATE_LIMIT_WAIT_MS, DUPLICATE_DETAIL, XUploadError } from "./classify.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";
import { xAdapter } from "./index.js";

// The adapter's classify: X's answers (classify.ts), then the kit's network classifier.
const classifyX = (err: unknown) => xAdapter.classify(err);

describe("classifyX: recorded X responses, thrown by twitter-api-v2", () => {
  it.each<[string, DeliveryErrorKind, { waitMs?: number; retryAt?: number; detail?: RegExp }]>([
    ["403-duplicate", "duplicate", { detail: /^403 Forbidden: You are not allowed to create a Tweet with duplicate content\.$/ }],
    ["401-unauthorized", "auth", { detail: /^401 Unauthorized$/ }],
    ["403-oauth1-permissions", "auth", { detail: /oauth1 app permissions/ }],
    ["403-client-not-enrolled", "auth", { detail: /^403 Client Forbidden: When authenticating/ }],
    ["403-not-permitted", "rejected", { detail: /not permitted to perform this action/ }],
    ["400-text-too-long", "rejected", { detail: /^400 Invalid Request: .*Your Tweet text is too long/ }],
    ["429-window", "rate-limited", { waitMs: 7 * 60_000, retryAt: 1_778_705_077_000 }],
    ["429-user-24hour", "rate-limited", { waitMs: (1_778_723_891 - 1_778_704_657) * 1000, retryAt: 1_778_723_891_000 }],
    ["503-service-unavailable", "unknown-outcome", { detail: /^503 Service Unavailable$/ }],
  ])("%s → %s", async (name, kind, expected) => {
    const err = await errorFor(loadFixture(name));
    expect(err).toBeInstanceOf(ApiResponseError);
    const result = classifyX(err);
    expect(result.kind).toBe(kind);
    if (expected.detail) expect(result.detail).toMatch(expected.detail);
    if (kind === "rate-limited") {
      expect(result).toMatchObject({ waitMs: expected.waitMs, retryAt: expected.retryAt, scope: "account" });
      expect(result.message).toContain(new Date(expected.retryAt ?? 0).toISOString());
    }
  });

  it("the duplicate fixture carries exactly the detail classify matches", () => {
    expect((loadFixture("403-duplicate").body as { detail: string }).detail).toBe(DUPLICATE_DETAIL);
  });

  it("names the 24-hour cap when that is the exhausted limit", async () => {
    expect(classifyX(await errorFor(loadFixture("429-user-24hour"))).message).toMatch(/24-hour post cap/);
  });
});

function responseError(code: number, data: unknown, headers: Record<string, string> = {}, rateLimit?: ApiResponseError["rateLimit"]) {
  return new ApiResponseError(`Request failed with code ${code}`, {
    code, data: data as ApiResponseError["data"], headers, rateLimit,
    request: {} as ClientRequest, response: {} as IncomingMessage,
  });
}

function requestError(cause: Error) {
  return new ApiRequestError("Request failed.", { request: {} as ClientRequest, error: cause });
}

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("classifyX: built errors", () => {
  it.each<[string, unknown, DeliveryErrorKind]>([
    ["connection refused", requestError(withCode("connect ECONNREFUSED 127.0.0.1:9", "ECONNREFUSED")), "transient"],
    ["DNS: no such host", requestError(withCode("getaddrinfo ENOTFOUND api.x.com", "ENOTFOUND")), "transient"],
    ["DNS: try again", requestError(withCode("getaddrinfo EAI_AGAIN api.x.com", "EAI_AGAIN")), "transient"],
    ["happy-eyeballs refusal", requestError(new AggregateError([withCode("a", "ECONNREFUSED"), withCode("b", "ECONNREFUSED")])), "transient"],
    ["reset after sending", requestError(withCode("socket hang up", "ECONNRESET")), "unknown-outcome"],
    ["connect timeout", requestError(withCode("connect ETIMEDOUT", "ETIMEDOUT")), "unknown-outcome"],
    ["idle timeout", requestError(new Error("Request timeout.")), "unknown-outcome"],
    ["socket closed", requestError(new Error("Socket closed without any information.")), "unknown-outcome"],
    ["aborted", requestError(Object.assign(new Error("The operation was aborted"), { name: "AbortError", code: "ABORT_ERR" })), "unknown-outcome"],
    ["partial response", new ApiPartialResponseError("cut", { request: {} as ClientRequest, response: { statusCode: 201 } as IncomingMessage, responseError: new Error("x"), rawContent: "{\"da" }), "unknown-outcome"],
    ["500", responseError(500, { title: "Internal Server Error" }), "unknown-outcome"],
    ["502 with an HTML body", responseError(502, "<html>Bad gateway</html>"), "unknown-outcome"],
    ["404 wrong apiBase", responseError(404, { errors: [{ message: "Sorry, that page does not exist", code: 34 }] }), "destination-broken"],
    ["422", responseError(422, undefined), "rejected"],
    ["a bug, not an X error", new TypeError("x is undefined"), "unknown-outcome"],
    ["not even an Error", "boom", "unknown-outcome"],
    ["nothing", undefined, "unknown-outcome"],
  ])("%s → %s", (_name, err, kind) => {
    expect(classifyX(err).kind).toBe(kind);
  });

  it("429 without reset headers waits one 15-minute window", () => {
    expect(classifyX(responseError(429, { title: "Too Many Requests" }))).toMatchObject({
      kind: "rate-limited", waitMs: DEFAULT_RATE_LIMIT_WAIT_MS, scope: "account",
    });
  });

  it("429 without a Date header: the absolute reset, and the wait measured from the local clock", () => {
    const before = Date.now();
    const result = classifyX(responseError(429, {}, { "x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "1800000000" }));
    const after = Date.now();
    expect(result).toMatchObject({ kind: "rate-limited", retryAt: 1_800_000_000_000 });
    expect(result.waitMs).toBeGreaterThanOrEqual(1_800_000_000_000 - after);
    expect(result.waitMs).toBeLessThanOrEqual(1_800_000_000_000 - before);
  });

  it("the later reset wins when several limits are exhausted", () => {
    const result = classifyX(responseError(429, {}, {
      date: "Wed, 13 May 2026 20:00:00 GMT",
      "x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "1778702500",
      "x-user-limit-24hour-limit": "17", "x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": "1778750000",
    }));
    expect(result.retryAt).toBe(1_778_750_000_000);
    expect(result.waitMs).toBe(1_778_750_000_000 - Date.parse("Wed, 13 May 2026 20:00:00 GMT"));
    expect(result.message).toMatch(/the account's 24-hour post cap/);
  });

  it.each<[string, unknown, RegExp]>([
    ["refused", requestError(withCode("connect ECONNREFUSED 127.0.0.1:9", "ECONNREFUSED")), /^cannot reach X \(ECONNREFUSED\); nothing was posted$/],
    ["reset", requestError(withCode("socket hang up", "ECONNRESET")), /^the connection to X failed \(ECONNRESET\); the post may or may not exist \(X takes no idempotency key\)$/],
    ["send timeout", requestError(Object.assign(new Error("The operation was aborted"), { name: "AbortError", cause: new DOMException("timed out", "TimeoutError") })), /^the send timed out after it may have reached X/],
    ["shutdown", requestError(Object.assign(new Error("The operation was aborted"), { name: "AbortError" })), /^the send was cancelled \(shutdown\) after it may have reached X/],
    ["socket closed", requestError(new Error("Socket closed without any information.")), /^the request to X broke before X answered; the post may or may not exist \(X takes no idempotency key\)$/],
  ])("network failures are worded for X: %s", (_name, err, message) => {
    expect(classifyX(err).message).toMatch(message);
    expect(classifyX(err).detail).toMatch(/ECONNREFUSED|hang up|timed out|aborted|Socket closed/);
  });
});

describe("classifyX: image upload failures (before POST /2/tweets, so nothing was posted)", () => {
  // stage "image": the core retries the image a few times, then posts without it. No stage: the
  // failure is the account's (tokens, limits) or X is out of reach, and the post would fail too.
  it.each<[string, unknown, DeliveryErrorKind, "image" | undefined]>([
    ["reset during append", requestError(withCode("socket hang up", "ECONNRESET")), "transient", "image"],
    ["aborted by the send timeout", requestError(Object.assign(new Error("The operation was aborted"), { name: "AbortError", code: "ABORT_ERR" })), "transient", "image"],
    ["503 on finalize", responseError(503, { title: "Service Unavailable" }), "transient", "image"],
    ["a bug", new TypeError("x is undefined"), "transient", "image"],
    ["connection refused", requestError(withCode("connect ECONNREFUSED 127.0.0.1:9", "ECONNREFUSED")), "transient", undefined],
    ["401", responseError(401, { title: "Unauthorized" }), "auth", undefined],
    ["429", responseError(429, {}, { "x-rate-limit-limit": "5", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "1800000000" }), "rate-limited", undefined],
  ])("%s → %s, stage %s", (_name, cause, kind, stage) => {
    const result = classifyX(new XUploadError("upload", cause));
    expect(result.kind).toBe(kind);
    expect(result.stage).toBe(stage);
    if (stage) expect(result.message).toBe("uploading the image to X failed");
  });

  it("an image X refused → rejected, stage image, with X's words", () => {
    expect(classifyX(new XUploadError("upload", responseError(400, { title: "Invalid Request" }), "400 Invalid Request: File size exceeds 5242880 bytes."))).toEqual({
      kind: "rejected", message: "X refused the image", detail: "400 Invalid Request: File size exceeds 5242880 bytes.", stage: "image",
    });
  });

  it("names the alt-text step", () => {
    expect(classifyX(new XUploadError("alt text", requestError(withCode("socket hang up", "ECONNRESET")))).message).toMatch(/alt text/);
  });
});
