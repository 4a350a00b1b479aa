import { describe, expect, it } from "vitest";
import { XRPCError } from "@atproto/api";
import type { DeliveryErrorKind } from "../../src/core/index.js";
import { DEFAULT_RATE_LIMIT_WAIT_MS } from "./classify.js";
import { BlueskyImageError } from "./errors.js";
import { errorFor, loadFixture, type RecordedResponse } from "./fixtures/replay.js";
import { blueskyAdapter } from "./index.js";
import { RecordKeyTakenError } from "./send.js";

// The adapter's whole classification: the PDS's answers (classify.ts), then the kit's network half.
const classifyBluesky = (err: unknown) => blueskyAdapter.classify(err);

describe("classifyBluesky: responses recorded from the reference PDS, thrown by @atproto/api", () => {
  it.each<[string, DeliveryErrorKind, RegExp]>([
    ["500-record-exists", "unknown-outcome", /^500 InternalServerError: Internal Server Error$/],
    ["400-text-too-long", "rejected", /^400 InvalidRequest: Invalid app\.bsky\.feed\.post record: grapheme too big \(maximum 300, got 301\)/],
    ["400-too-many-langs", "rejected", /array too big \(maximum 3, got 4\) at \$\.record\.langs/],
    ["400-invalid-rkey", "rejected", /Invalid TID string/],
    ["401-invalid-password", "auth", /^401 AuthenticationRequired: Invalid identifier or password$/],
    ["401-auth-missing", "auth", /^401 AuthMissing: Authentication Required$/],
    ["400-expired-token", "transient", /^400 ExpiredToken: Token has expired$/],
    ["400-invalid-token", "transient", /^400 InvalidToken: Token could not be verified$/],
  ])("%s → %s", async (name, kind, detail) => {
    const err = await errorFor(loadFixture(name));
    expect(err).toBeInstanceOf(XRPCError);
    const result = classifyBluesky(err);
    expect(result.kind).toBe(kind);
    expect(result.detail).toMatch(detail);
  });

  it("429 → rate-limited until ratelimit-reset (epoch seconds), measured from the Date header", async () => {
    const fixture = loadFixture("429-create-session");
    const result = classifyBluesky(await errorFor(fixture));
    const retryAt = Number(fixture.headers["ratelimit-reset"]) * 1000;
    expect(result).toMatchObject({ kind: "rate-limited", retryAt, waitMs: retryAt - Date.parse(fixture.headers.date ?? ""), scope: "account" });
    expect(result.message).toContain("30;w=300");
    expect(result.message).toContain(new Date(retryAt).toISOString());
  });

  it("the existing-key fixture is the bare 500 the PDS gives for it (why send reads the key back)", () => {
    expect(loadFixture("500-record-exists").body).toEqual({ error: "InternalServerError", message: "Internal Server Error" });
  });
});

const reply = (status: number, body: unknown, headers: Record<string, string> = {}): RecordedResponse => ({
  request: "POST /xrpc/com.atproto.repo.createRecord", source: "built", status, body,
  headers: { "content-type": typeof body === "string" ? "text/html" : "application/json", ...headers },
});

describe("classifyBluesky: built responses", () => {
  it.each<[string, RecordedResponse, DeliveryErrorKind]>([
    ["502 from a proxy, HTML body", reply(502, "<html>Bad gateway</html>"), "unknown-outcome"],
    ["503", reply(503, { error: "NotEnoughResources", message: "busy" }), "unknown-outcome"],
    ["504", reply(504, { error: "UpstreamTimeout" }), "unknown-outcome"],
    ["taken down", reply(401, { error: "AccountTakedown", message: "Account has been taken down" }), "destination-broken"],
    ["deactivated", reply(401, { error: "AccountDeactivated", message: "Account is deactivated" }), "destination-broken"],
    ["repo suspended", reply(400, { error: "RepoSuspended" }), "destination-broken"],
    ["403", reply(403, { error: "Forbidden", message: "no" }), "auth"],
    ["404: service is not a PDS", reply(404, "<html>Not found</html>"), "destination-broken"],
    ["413", reply(413, { error: "PayloadTooLarge" }), "rejected"],
  ])("%s → %s", async (_name, recorded, kind) => {
    expect(classifyBluesky(await errorFor(recorded)).kind).toBe(kind);
  });

  it("429 without a reset header waits 5 minutes", async () => {
    expect(classifyBluesky(await errorFor(reply(429, { error: "RateLimitExceeded" })))).toMatchObject({
      kind: "rate-limited", waitMs: DEFAULT_RATE_LIMIT_WAIT_MS, scope: "account",
    });
  });

  it("429 without a Date header gives the absolute reset only", async () => {
    const err = new XRPCError(429, "RateLimitExceeded", "Rate Limit Exceeded", { "ratelimit-reset": "1800000000" });
    const result = classifyBluesky(err);
    expect(result).toMatchObject({ kind: "rate-limited", retryAt: 1_800_000_000_000 });
    expect(result.waitMs).toBeUndefined();
  });
});

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
/** What @atproto/xrpc makes of a rejected fetch: XRPCError.from(the TypeError "fetch failed"). */
const network = (cause: unknown) => XRPCError.from(new TypeError("fetch failed", { cause }));

describe("classifyBluesky: network failures and others", () => {
  it.each<[string, unknown, DeliveryErrorKind]>([
    ["connection refused", network(withCode("connect ECONNREFUSED 127.0.0.1:9", "ECONNREFUSED")), "transient"],
    ["DNS: no such host", network(withCode("getaddrinfo ENOTFOUND bsky.social", "ENOTFOUND")), "transient"],
    ["DNS: try again", network(withCode("getaddrinfo EAI_AGAIN bsky.social", "EAI_AGAIN")), "transient"],
    ["happy-eyeballs refusal", network(new AggregateError([withCode("a", "ECONNREFUSED"), withCode("b", "ECONNREFUSED")])), "transient"],
    ["reset after sending", network(withCode("other side closed", "UND_ERR_SOCKET")), "unknown-outcome"],
    ["timeout (AbortSignal.timeout)", XRPCError.from(new DOMException("The operation was aborted due to timeout", "TimeoutError")), "unknown-outcome"],
    ["aborted (ctx.signal)", XRPCError.from(new DOMException("This operation was aborted", "AbortError")), "unknown-outcome"],
    ["the key holds another post", new RecordKeyTakenError("at://did:plc:x/app.bsky.feed.post/3mabcdefghij2"), "rejected"],
    ["a bug, not an XRPC error", new TypeError("x is undefined"), "unknown-outcome"],
    ["not even an Error", "boom", "unknown-outcome"],
    ["nothing", undefined, "unknown-outcome"],
  ])("%s → %s", (_name, err, kind) => {
    expect(classifyBluesky(err).kind).toBe(kind);
  });

  it("names the network code in the detail", () => {
    expect(classifyBluesky(network(withCode("connect ECONNREFUSED 127.0.0.1:9", "ECONNREFUSED"))).detail).toBe("ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9");
  });

  it.each<[string, unknown, DeliveryErrorKind, "image" | undefined]>([
    ["a reset: the image gets its own attempts", network(withCode("other side closed", "UND_ERR_SOCKET")), "transient", "image"],
    ["no connection at all: not the image's fault", network(withCode("connect ECONNREFUSED 127.0.0.1:9", "ECONNREFUSED")), "transient", undefined],
    ["a 401: the account's", new XRPCError(401, "AuthenticationRequired", "Invalid identifier or password"), "auth", undefined],
  ])("an image upload that failed on %s", (_name, cause, kind, stage) => {
    const result = classifyBluesky(new BlueskyImageError("upload", cause));
    expect(result.kind).toBe(kind);
    expect(result.stage).toBe(stage);
  });
});
