import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { HttpError, type DeliveryErrorKind } from "../../src/core/index.js";
import { DEFAULT_THROTTLE_WAIT_MS, POLICY_BLOCK_WAIT_MS, isImageRefusal, redactFacebook } from "./classify.js";
import { regainAccessMs } from "./graph-error.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";
import { facebookAdapter } from "./index.js";

const classify = (err: unknown) => facebookAdapter.classify(err);

// Every fixture, as the adapter's own client throws it, and the kind it must get.
const TABLE: Array<[string, DeliveryErrorKind, Record<string, unknown>?]> = [
  ["400-190-invalid-token", "auth"],
  ["400-190-463-expired", "auth"],
  ["400-190-492-no-page-role", "auth"],
  ["400-200-permission", "destination-broken"],
  ["400-10-permission", "destination-broken"],
  ["400-100-33-unsupported-post", "destination-broken"],
  ["400-2500-unknown-path", "destination-broken"],
  ["400-100-invalid-parameter", "rejected"],
  ["400-100-appsecret-proof-required", "auth"],
  ["400-506-duplicate", "duplicate"],
  ["400-1609005-error-posting-link", "transient"],
  ["400-324-invalid-image", "rejected", { stage: "image" }],
  ["400-368-blocked", "rate-limited", { waitMs: POLICY_BLOCK_WAIT_MS, scope: "destination" }],
  ["400-80001-page-throttled", "rate-limited", { waitMs: 19 * 60_000, scope: "destination" }],
  ["400-80001-no-usage-header", "rate-limited", { waitMs: DEFAULT_THROTTLE_WAIT_MS }],
  ["400-32-page-request-limit", "rate-limited", { waitMs: DEFAULT_THROTTLE_WAIT_MS }],
  ["400-4-app-limit", "rate-limited", { scope: "account" }],
  ["400-17-user-limit", "rate-limited", { scope: "account" }],
  ["400-613-custom-limit", "rate-limited"],
  ["400-341-application-limit", "rate-limited", { scope: "account" }],
  ["500-2-service-transient", "unknown-outcome"],
  ["500-1-unknown", "unknown-outcome"],
  ["502-proxy-html", "unknown-outcome"],
];

describe("classify: every recorded Graph answer", () => {
  it("covers every fixture", () => {
    const files = readdirSync(new URL("./fixtures/", import.meta.url)).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5));
    expect(files.sort()).toEqual(TABLE.map(([n]) => n).sort());
  });

  it.each(TABLE)("%s → %s", async (name, kind, extra) => {
    const result = classify(await errorFor(loadFixture(name)));
    expect(result.kind).toBe(kind);
    if (extra) expect(result).toMatchObject(extra);
    expect(result.detail).toMatch(/^(HTTP )?\d{3}/);
    expect(result.detail ?? "").not.toContain("EAAfixture");
  });

  it("keeps the Graph words in the detail: code, subcode, type, fbtrace_id", async () => {
    const r = classify(await errorFor(loadFixture("400-190-463-expired")));
    expect(r.detail).toContain("code 190/463");
    expect(r.detail).toContain("[OAuthException]");
    expect(r.detail).toContain("fbtrace_id AbCdEfGhIjK");
    expect(r.message).toContain("expired (463)");
  });
});

const graph = (method: string, route: string, status: number, error: Record<string, unknown>, headers: Record<string, string> = {}) =>
  new HttpError({ method, route }, status, { error }, headers, {});

describe("classify: what proves nothing was posted", () => {
  it("codes 1 and 2 and is_transient may follow a created post on a POST, but not on a GET or DELETE", () => {
    for (const error of [{ code: 2, is_transient: true }, { code: 1 }, { code: 9999, is_transient: true }]) {
      expect(classify(graph("POST", "/v26.0/{page-id}/feed", 500, error)).kind).toBe("unknown-outcome");
      expect(classify(graph("GET", "/v26.0/{page-id}", 500, error)).kind).toBe("transient");
      expect(classify(graph("DELETE", "/v26.0/{post-id}", 400, error)).kind).toBe("transient");
    }
  });

  it("a refusal that says it is transient is retried, not paused: nothing was posted", () => {
    expect(classify(graph("POST", "/f", 400, { code: 190, is_transient: true })).kind).toBe("transient");
    expect(classify(graph("POST", "/f", 400, { code: 200, is_transient: true })).kind).toBe("transient");
    expect(classify(graph("POST", "/f", 400, { code: 190, is_transient: false })).kind).toBe("auth");
  });

  it("throttling wins over is_transient; an unknown 4xx code is a refusal, an unknown 5xx is not", () => {
    expect(classify(graph("POST", "/f", 400, { code: 4, is_transient: true })).kind).toBe("rate-limited");
    expect(classify(graph("POST", "/f", 400, { code: 12345 })).kind).toBe("rejected");
    expect(classify(graph("POST", "/f", 503, { code: 12345 })).kind).toBe("unknown-outcome");
    expect(classify(graph("POST", "/f", 400, { type: "OAuthException", message: "x" })).kind).toBe("auth");
  });

  it("reads the wait from X-Business-Use-Case-Usage (minutes, largest entry) and X-App-Usage", () => {
    const buc = JSON.stringify({ "1": [{ type: "pages", estimated_time_to_regain_access: 3 }], "2": [{ type: "pages", estimated_time_to_regain_access: 7 }] });
    expect(regainAccessMs({ "x-business-use-case-usage": buc })).toBe(7 * 60_000);
    expect(regainAccessMs({ "x-app-usage": JSON.stringify({ call_count: 100, estimated_time_to_regain_access: 2 }) })).toBe(120_000);
    expect(regainAccessMs({ "x-business-use-case-usage": "{not json", "x-app-usage": JSON.stringify({ call_count: 28 }) })).toBeUndefined();
    expect(regainAccessMs({ "x-business-use-case-usage": JSON.stringify({ "1": [{ estimated_time_to_regain_access: 0 }] }) })).toBeUndefined();
  });
});

describe("the photo refusals that let the link post go instead", () => {
  it("324, 321 and 100 on POST /photos; not 100/33, not on /feed, not a throttle", () => {
    expect(isImageRefusal(graph("POST", "/v26.0/{page-id}/photos", 400, { code: 324 }))).toBe(true);
    expect(isImageRefusal(graph("POST", "/v26.0/{page-id}/photos", 400, { code: 321 }))).toBe(true);
    expect(isImageRefusal(graph("POST", "/v26.0/{page-id}/photos", 400, { code: 100 }))).toBe(true);
    expect(isImageRefusal(graph("POST", "/v26.0/{page-id}/photos", 400, { code: 100, error_subcode: 33 }))).toBe(false);
    expect(isImageRefusal(graph("POST", "/v26.0/{page-id}/feed", 400, { code: 324 }))).toBe(false);
    expect(isImageRefusal(graph("POST", "/v26.0/{page-id}/photos", 400, { code: 80001 }))).toBe(false);
    expect(isImageRefusal(graph("POST", "/v26.0/{page-id}/photos", 500, { code: 2, is_transient: true }))).toBe(false);
    expect(isImageRefusal(new Error("(#324)"))).toBe(false);
  });
});

it("redacts tokens quoted in URLs by lower layers", () => {
  expect(redactFacebook("GET https://graph.facebook.com/v26.0/1?access_token=EAAsecret&fields=id&appsecret_proof=abc")).toBe(
    "GET https://graph.facebook.com/v26.0/1?access_token=[redacted]&fields=id&appsecret_proof=[redacted]",
  );
  expect(redactFacebook("debug_token?input_token=EAAx&access_token=1|s")).toBe("debug_token?input_token=[redacted]&access_token=[redacted]");
});
