import { describe, expect, it } from "vitest";
import { closedPort } from "../../test/loopback/harness.js";
import { linkedinConfig } from "./config.js";
import { JPEG, PAYLOAD, errorFor, loadFixture, refreshErrorFor, testDeps } from "./fixtures/replay.js";
import { linkedinAdapter } from "./index.js";

const classify = linkedinAdapter.classify;
const ORG = "urn:li:organization:2414183";

describe("LinkedIn's answers, as the adapter's client throws them, classified", () => {
  it.each([
    ["401-expired-access-token", {}, "auth", /has expired/],
    ["401-revoked-access-token", {}, "auth", /revoked by the member/],
    ["401-empty-access-token", {}, "auth", /not valid/],
    ["403-access-denied", {}, "auth", /w_member_social/],
    ["403-access-denied", { author: ORG }, "destination-broken", /ADMINISTRATOR/],
    ["426-nonexistent-version", {}, "destination-broken", /set linkedinVersion to 202609/],
    ["400-version-missing", {}, "destination-broken", /proxy/],
    ["422-duplicate-post", {}, "duplicate", /urn:li:share:7141138937766391808/],
    ["400-commentary-too-long", {}, "rejected", /refused this post/],
    ["422-article-title-missing", {}, "rejected", /refused this post/],
    ["500-internal-server-error", {}, "unknown-outcome", /may or may not exist.*no idempotency key/],
  ] as const)("%s %j → %s", async (name, opts, kind, message) => {
    const result = classify(await errorFor(loadFixture(name), opts));
    expect(result.kind).toBe(kind);
    expect(result.message).toMatch(message);
    expect(result.detail).toContain(String(loadFixture(name).status));
  });

  it("429: no Retry-After, so the wait runs to the next 00:00 UTC after LinkedIn's own Date", async () => {
    const result = classify(await errorFor(loadFixture("429-throttled")));
    expect(result).toMatchObject({ kind: "rate-limited", scope: "account", retryAt: Date.parse("2026-12-07T00:00:00Z"), waitMs: 3 * 3_600_000 });
    const withRetryAfter = { ...loadFixture("429-throttled"), headers: { "content-type": "application/json", "retry-after": "120" } };
    expect(classify(await errorFor(withRetryAfter))).toMatchObject({ kind: "rate-limited", waitMs: 120_000 });
  });

  it("a refused refresh token is auth, whatever the wording", async () => {
    const result = classify(await refreshErrorFor(loadFixture("400-oauth-invalid-request")));
    expect(result).toMatchObject({ kind: "auth" });
    expect(result.message).toMatch(/refresh token/);
  });
});

describe("the thumbnail's failures are image-stage failures (nothing was posted)", () => {
  it.each([
    ["500-internal-server-error", "transient", "image"],
    ["422-article-title-missing", "rejected", "image"],
    ["401-expired-access-token", "auth", undefined],
    ["426-nonexistent-version", "destination-broken", undefined],
    ["429-throttled", "rate-limited", undefined],
  ] as const)("initializeUpload answering %s → %s, stage %s", async (name, kind, stage) => {
    const result = classify(await errorFor(loadFixture(name), { image: true }));
    expect(result.kind).toBe(kind);
    expect(result.stage).toBe(stage);
  });

  it("an upload that cannot connect stays transient (no stage): LinkedIn is out of reach, not the image", async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    const conn = await linkedinAdapter.connect(linkedinConfig.parse({ accessToken: "AQVx-0000", author: PAYLOAD.author, apiBase: base }), testDeps());
    const err = await conn.send(PAYLOAD, { deliveryId: 1, idempotencyKey: "k", queuedAt: 0, signal: AbortSignal.timeout(5_000), image: JPEG }).catch((e: unknown) => e);
    await conn.close();
    expect(classify(err)).toMatchObject({ kind: "transient" });
    expect(classify(err).stage).toBeUndefined();
  });

  it("anything at all is classified without throwing", () => {
    for (const weird of [undefined, null, "x", 42, {}, new Error("x"), Object.create(null)]) expect(classify(weird).kind).toBeTruthy();
  });
});
