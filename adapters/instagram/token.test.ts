// The 60-day token: refreshed through the core's CredentialStore when due, the configured token's
// fingerprint as origin; `check` names the account and the expiry.
import { afterEach, describe, expect, it } from "vitest";
import type { RefreshableCredential } from "../../src/core/index.js";
import { makeImage, startImageHost } from "../../test/loopback/instagram-graph-api/image-host.js";
import { DAY_MS, EXPIRES_IN_S } from "../../test/loopback/instagram-graph-api/tokens.js";
import { TOKEN, startInstagramLoopback, type InstagramLoopback, type InstagramLoopbackOptions } from "../../test/loopback/instagram-graph-api/server.js";
import { scaled } from "../../test/support/timing.js";
import { instagramConfig } from "./config.js";
import { deps, memoryCredentials, sendContext } from "./fixtures/replay.js";
import { instagramAdapter } from "./index.js";
import { fingerprint } from "./token.js";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function open(opts: InstagramLoopbackOptions, stored: RefreshableCredential | null, token = TOKEN) {
  const lb = await startInstagramLoopback(opts);
  cleanup.push(() => lb.close());
  const store = memoryCredentials(stored);
  const conn = await instagramAdapter.connect(instagramConfig.parse({ userId: lb.account.userId, accessToken: token, apiBase: lb.url }), deps(store));
  cleanup.push(() => conn.close());
  return { lb, store, conn };
}
const refreshes = (lb: InstagramLoopback) => lb.requests.filter((r) => r.route === "/refresh_access_token");
const origin = fingerprint(TOKEN);
const stored = (value: string, expiresInDays: number, from = origin): RefreshableCredential => ({ accessToken: value, expiresAt: Date.now() + expiresInDays * DAY_MS, refreshToken: null, origin: from });

describe("token refresh", () => {
  it("nothing stored: refreshes the configured token at connect, stores the new one with its expiry, and uses it", async () => {
    const { lb, store, conn } = await open({ revokeOnRefresh: true }, null);
    expect(refreshes(lb)).toHaveLength(1);
    expect(refreshes(lb)[0]?.query).toEqual({ grant_type: "ig_refresh_token", access_token: TOKEN });
    const fresh = store.value;
    expect(fresh).toMatchObject({ origin, refreshToken: null });
    expect(fresh?.accessToken).not.toBe(TOKEN);
    expect(Math.abs((fresh?.expiresAt ?? 0) - (Date.now() + EXPIRES_IN_S * 1000))).toBeLessThan(scaled(5_000));
    expect(JSON.stringify(fresh)).not.toContain(TOKEN); // the origin is a fingerprint, never the token

    const images = await startImageHost();
    cleanup.push(() => images.close());
    const url = images.put("a.jpg", await makeImage(1000, 1000));
    await conn.send({ caption: "x", image: { url, alt: "a" } }, sendContext());
    expect(lb.requests.find((r) => r.route === "/:version/:id/media")?.headers.authorization).toBe(`Bearer ${fresh?.accessToken}`);
    expect(refreshes(lb)).toHaveLength(1); // not due again for weeks
  });

  it.each<[string, (lb: InstagramLoopback) => RefreshableCredential, number]>([
    ["a stored token 30 days from expiry is used as it is", (lb) => (lb.addToken({ value: "IGAAstored30daysxxxxxxxxxxxxx", issuedAt: lb.clock.now() - 30 * DAY_MS, expiresAt: lb.clock.now() + 30 * DAY_MS, scopes: ["instagram_business_basic"] }), stored("IGAAstored30daysxxxxxxxxxxxxx", 30)), 0],
    ["a stored token 10 days from expiry is refreshed (with itself)", (lb) => (lb.addToken({ value: "IGAAstored10daysxxxxxxxxxxxxx", issuedAt: lb.clock.now() - 50 * DAY_MS, expiresAt: lb.clock.now() + 10 * DAY_MS, scopes: ["instagram_business_basic"] }), stored("IGAAstored10daysxxxxxxxxxxxxx", 10)), 1],
  ])("%s", async (_n, make, expected) => {
    const lb = await startInstagramLoopback();
    cleanup.push(() => lb.close());
    const before = make(lb);
    const store = memoryCredentials(before);
    const conn = await instagramAdapter.connect(instagramConfig.parse({ userId: lb.account.userId, accessToken: TOKEN, apiBase: lb.url }), deps(store));
    cleanup.push(() => conn.close());
    expect(refreshes(lb)).toHaveLength(expected);
    if (expected) expect(refreshes(lb)[0]?.query.access_token).toBe(before.accessToken);
    else expect(store.value).toBe(before);
  });

  it("a token the operator replaced in the config starts afresh from the config, not from the stored refresh", async () => {
    const { lb, store } = await open({}, stored("IGAAfromAnOldConfigxxxxxxxxxxx", 40, fingerprint("IGAAtheOldConfiguredTokenxxxxxx")));
    expect(refreshes(lb)[0]?.query.access_token).toBe(TOKEN);
    expect(store.value?.origin).toBe(origin);
  });

  it("a token under 24 hours old cannot be refreshed: the configured one is used, tried again at most hourly, and check says so", async () => {
    const { lb, store, conn } = await open({ tokenAgeMs: 3_600_000 }, null);
    expect([refreshes(lb).length, refreshes(lb)[0]?.status, store.value]).toEqual([1, 400, null]);
    const images = await startImageHost();
    cleanup.push(() => images.close());
    await conn.send({ caption: "x", image: { url: images.put("a.jpg", await makeImage(1000, 1000)), alt: "a" } }, sendContext());
    expect(lb.requests.find((r) => r.route === "/:version/:id/media")?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const check = await conn.check(AbortSignal.timeout(5_000));
    expect(refreshes(lb)).toHaveLength(1);
    // A token too young to refresh: facts to know (notes), nothing to act on yet (no warning, so `crier check` exits 0).
    expect(check).toMatchObject({ warnings: [], notes: [expect.stringMatching(/expiry is not known yet/), expect.stringMatching(/refreshing the token failed: .*24 hours/)] });
    expect(check).not.toHaveProperty("expiresAt");
  });
});

describe("check", () => {
  it.each<["data" | "flat"]>([["data"], ["flat"]])("names the account (/me in the %s shape), the quota and the token's expiry", async (meShape) => {
    const { lb, store, conn } = await open({ meShape }, null);
    const result = await conn.check(AbortSignal.timeout(5_000));
    expect(result).toEqual({ account: "@riverside_courier (Instagram professional account 17841400000000001); 0 of 50 API posts used in the last 24 h", expiresAt: store.value?.expiresAt, warnings: [], notes: [] });
    expect(lb.requests.find((r) => r.route === "/:version/me")?.query).toEqual({ fields: "user_id,username" });
  });

  it("warns when the token belongs to another account than userId", async () => {
    const lb = await startInstagramLoopback();
    cleanup.push(() => lb.close());
    const conn = await instagramAdapter.connect(instagramConfig.parse({ userId: "17841499999999999", accessToken: TOKEN, apiBase: lb.url }), deps());
    cleanup.push(() => conn.close());
    const result = await conn.check(AbortSignal.timeout(5_000));
    expect(result).toMatchObject({ warnings: expect.arrayContaining(["the token is account 17841400000000001, but userId is 17841499999999999: set userId to 17841400000000001"]) });
  });

  it("a revoked token: check throws what classify calls auth", async () => {
    const { lb, conn } = await open({}, null);
    for (const t of lb.tokens.values()) t.revoked = true;
    const err = await conn.check(AbortSignal.timeout(5_000)).then(() => null, (e: unknown) => e);
    expect(instagramAdapter.classify(err).kind).toBe("auth");
  });
});
