import { describe, expect, it } from "vitest";
import type { DeliveryErrorKind } from "../../src/core/index.js";
import { DAILY_CAP_WAIT_MS, PENDING_SHARES_WAIT_MS, PROCESSING_WAIT_MS, RATE_LIMIT_WAIT_MS } from "./classify.js";
import { TikTokError } from "./errors.js";
import { errorFor, loadFixture, type ReplayOptions } from "./fixtures/replay.js";
import { tiktokAdapter } from "./index.js";

const classify = (err: unknown) => tiktokAdapter.classify(err);

describe("classify: every recorded TikTok answer, as the adapter's send throws it", () => {
  it.each<[string, DeliveryErrorKind, RegExp, ReplayOptions?]>([
    ["init-400-invalid-param", "rejected", /refused the init request as invalid/],
    ["init-400-app-version-check-failed", "destination-broken", /31\.8/],
    ["init-401-access-token-invalid", "auth", /even after a refresh/],
    ["init-401-scope-not-authorized", "auth", /did not grant video\.upload/],
    ["init-401-scope-not-authorized", "auth", /did not grant video\.publish/, { mode: "DIRECT_POST" }],
    ["init-403-url-ownership-unverified", "destination-broken", /verify verifiedDomain/],
    ["init-403-unaudited-client-can-only-post-to-private-accounts", "destination-broken", /make the TikTok account private/],
    ["init-403-privacy-level-option-mismatch", "rejected", /the creator allows SELF_ONLY/, { mode: "DIRECT_POST" }],
    ["init-403-spam-risk-user-banned-from-posting", "destination-broken", /banned/],
    ["init-500-internal-error", "transient", /did not succeed/],
    ["init-500-internal-error", "unknown-outcome", /could publish twice/, { mode: "DIRECT_POST" }],
    ["init-502-gateway-html", "unknown-outcome", /may or may not exist/],
    ["status-400-invalid-publish-id", "unknown-outcome", /does not know this delivery's publish_id \(publish_id p_pub_url~v2\.123456789\)/],
    ["status-400-token-not-authorized-for-specified-publish-id", "unknown-outcome", /resolve it/],
    ["status-200-processing-download", "processing", /still fetching the picture/],
    ["status-200-processing-download", "unknown-outcome", /could not save its publish_id/, { checkpoints: false }],
    ["status-200-failed-picture-size-check-failed", "rejected", /refused the article's picture/],
    ["status-200-failed-picture-size-check-failed", "rejected", /fallback picture/, { photo: "fallback" }],
    ["status-200-failed-file-format-check-failed", "rejected", /refused the article's picture/],
    ["status-200-failed-photo-pull-failed", "transient", /could not fetch the article's picture/],
    ["status-200-failed-internal", "transient", /internal error/],
    ["status-200-failed-auth-removed", "auth", /removed Crier's access/],
    ["status-200-failed-spam-risk-text", "rejected", /spam_risk_text/],
    ["token-200-invalid-grant", "auth", /refused the refresh token \(invalid_grant/],
    ["token-400-invalid-client", "auth", /clientKey\/clientSecret/],
    ["token-503-temporarily-unavailable", "transient", /token endpoint failed/],
  ])("%s → %s", async (name, kind, message, opts) => {
    const err = await errorFor(loadFixture(name), opts);
    expect(err).toBeInstanceOf(TikTokError);
    const result = classify(err);
    expect(result.kind).toBe(kind);
    expect(result.message).toMatch(message);
    // TikTok's log_id reaches the operator ("When contacting the TikTok support team, these details must be provided").
    if (!name.includes("gateway")) expect(result.detail).toContain("log_id 202210112248442CB9319E1FB30C1073F3");
  });

  it("image-stage failures of the article's picture are marked so the core retries or posts without it", async () => {
    expect(classify(await errorFor(loadFixture("status-200-failed-picture-size-check-failed")))).toMatchObject({ kind: "rejected", stage: "image" });
    expect(classify(await errorFor(loadFixture("status-200-failed-photo-pull-failed")))).toMatchObject({ kind: "transient", stage: "image" });
    expect(classify(await errorFor(loadFixture("status-200-failed-picture-size-check-failed"), { photo: "fallback" })).stage).toBeUndefined();
  });

  it.each<[string, number, "destination" | "account"]>([
    ["init-429-rate-limit-exceeded", RATE_LIMIT_WAIT_MS, "destination"],
    ["init-403-spam-risk-too-many-pending-share", PENDING_SHARES_WAIT_MS, "destination"],
    ["init-403-spam-risk-too-many-posts", DAILY_CAP_WAIT_MS, "destination"],
    ["init-403-reached-active-user-cap", DAILY_CAP_WAIT_MS, "account"],
  ])("%s → rate-limited for %d ms (%s)", async (name, waitMs, scope) => {
    expect(classify(await errorFor(loadFixture(name)))).toMatchObject({ kind: "rate-limited", waitMs, ...(scope === "account" ? { scope } : {}) });
  });

  it("a pending publish asks to be tried again soon", async () => {
    expect(classify(await errorFor(loadFixture("status-200-processing-download"))).waitMs).toBe(PROCESSING_WAIT_MS);
  });
});

describe("classify: the adapter's own errors and what is not TikTok's", () => {
  const ctx = { mode: "MEDIA_UPLOAD" as const, photo: "attached" as const };
  it.each<[string, TikTokError, DeliveryErrorKind]>([
    ["a picture outside verifiedDomain", new TikTokError("photo", "photo_host", undefined, ctx, "x.example.com is not media.example.org"), "rejected"],
    ["a privacy level the creator does not offer", new TikTokError("creator_info", "privacy_level_not_offered", 200, { ...ctx, allowed: ["SELF_ONLY"] }, ""), "destination-broken"],
    ["a checkpoint that could not be saved", new TikTokError("checkpoint", "checkpoint_not_saved", undefined, { ...ctx, publishId: "p1" }, "disk full"), "unknown-outcome"],
    ["a refused connection to the token endpoint", new TikTokError("token", undefined, undefined, ctx, "", false, Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })), "transient"],
    ["a reset after the init was written", new TikTokError("init", undefined, undefined, ctx, "", false, Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })), "unknown-outcome"],
    ["a reset while reading a saved publish's status", new TikTokError("status", undefined, undefined, { ...ctx, publishId: "p1", checkpointed: true }, "", false, Object.assign(new Error("x"), { code: "ECONNRESET" })), "transient"],
    ["an undocumented publish status, saved", new TikTokError("status", "PUBLISHING", 200, { ...ctx, publishId: "p1", checkpointed: true }, ""), "transient"],
    ["a FAILED reason not documented yet", new TikTokError("status", "brand_new_reason", 200, { ...ctx, publishId: "p1", checkpointed: true }, "", true), "rejected"],
  ])("%s → %s", (_name, err, kind) => {
    const result = classify(err);
    expect(result.kind).toBe(kind);
    expect(result.message.length).toBeGreaterThan(10);
  });

  it("the privacy message lists what the creator allows", () => {
    const err = new TikTokError("creator_info", "privacy_level_not_offered", 200, { ...ctx, allowed: ["FOLLOWER_OF_CREATOR", "SELF_ONLY"] }, "");
    expect(classify(err).message).toContain("it allows FOLLOWER_OF_CREATOR, SELF_ONLY");
  });

  it.each([undefined, null, "boom", 42, {}, Object.create(null), new TypeError("x is undefined")])("%s → unknown-outcome, never throws", (err) => {
    expect(classify(err).kind).toBe("unknown-outcome");
  });
});
