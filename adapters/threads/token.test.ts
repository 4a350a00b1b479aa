// The token: refreshed through the core's CredentialStore (the loopback's /refresh_access_token
// enforces Meta's rules), and what `crier check` shows.
import { afterEach, describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/core/index.js";
import { DEFAULT_USER } from "../../test/loopback/threads-api/server.js";
import { threadsAdapter } from "./index.js";
import { memoryCredentials } from "../../test/contract/memory-credentials.js";
import { Delivery, TEXT_PAYLOAD, kindOf, openLoopback, type Opened } from "./fixtures/session.js";
import { REFRESH_WHEN_LEFT_MS, originOf } from "./token.js";

const DAY = 86_400_000;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
const open = async (...args: Parameters<typeof openLoopback>): Promise<Opened> => {
  const o = await openLoopback(...args);
  cleanup.push(o.close);
  return o;
};
const refreshes = (o: Opened) => o.lb.requests.filter((r) => r.route === "/refresh_access_token");
const tokenOfCreate = (o: Opened) => o.lb.requests.filter((r) => r.route === "/:version/:user/threads").map((r) => r.form?.access_token);
const check = (o: Opened) => o.conn.check(AbortSignal.timeout(5_000)) as Promise<CheckResult>;

describe("token refresh", () => {
  it("refreshes the configured token once, stores it with its expiry and origin, and posts with it", async () => {
    const store = memoryCredentials();
    const o = await open({}, {}, { credentials: store });
    const before = Date.now();
    await o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx());
    expect(refreshes(o).map((r) => r.query)).toEqual([{ grant_type: "th_refresh_token", access_token: DEFAULT_USER.token }]);
    const stored = store.value;
    expect(stored?.origin).toBe(originOf(DEFAULT_USER.token));
    expect(stored?.accessToken).not.toBe(DEFAULT_USER.token);
    expect(stored?.expiresAt).toBeGreaterThanOrEqual(before + 60 * DAY);
    expect(tokenOfCreate(o)).toEqual([stored?.accessToken]);
    await o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx());
    expect(refreshes(o)).toHaveLength(1); // 60 days left: not due
    expect(tokenOfCreate(o)).toEqual([stored?.accessToken, stored?.accessToken]);
  });

  it("renews a stored token with less than 30 days left, from the stored one", async () => {
    const stored = { accessToken: "THstoredRefreshedEarlier00001", expiresAt: Date.now() + REFRESH_WHEN_LEFT_MS - DAY, refreshToken: null, origin: originOf(DEFAULT_USER.token) };
    const store = memoryCredentials(stored);
    const o = await open({}, {}, { credentials: store });
    o.lb.tokens.set(stored.accessToken, { token: stored.accessToken, userId: DEFAULT_USER.id, issuedAt: o.lb.now() - 40 * DAY, expiresAt: o.lb.now() + 20 * DAY });
    await o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx());
    expect(refreshes(o).map((r) => r.query.access_token)).toEqual([stored.accessToken]);
    expect(store.value?.accessToken).not.toBe(stored.accessToken);
  });

  it("ignores a stored token made from another configured token", async () => {
    const store = memoryCredentials({ accessToken: "THfromAnOldConfig000000000", expiresAt: Date.now() + 50 * DAY, refreshToken: null, origin: originOf("THanOldConfiguredToken0000") });
    const o = await open({}, {}, { credentials: store });
    await o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx());
    expect(refreshes(o).map((r) => r.query.access_token)).toEqual([DEFAULT_USER.token]);
    expect(store.value?.origin).toBe(originOf(DEFAULT_USER.token));
  });

  it("a token younger than 24 hours is refused by Meta: the post still goes with it, and check says so", async () => {
    const store = memoryCredentials();
    const o = await open({ users: [{ ...DEFAULT_USER, issuedAt: Date.now() - 3_600_000 }] }, {}, { credentials: store });
    expect(await kindOf(o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx()))).toBe("sent");
    expect(tokenOfCreate(o)).toEqual([DEFAULT_USER.token]);
    expect(store.value).toBeNull();
    // Never refreshed, so its expiry is unknown: a note, nothing to act on yet (crier check exits 0).
    expect((await check(o)).notes?.join(" ")).toMatch(/could not be refreshed yet/);
    expect((await check(o)).warnings).toBeUndefined();
  });

  it("concurrent sends renew once", async () => {
    const store = memoryCredentials();
    const o = await open({}, {}, { credentials: store });
    await Promise.all([1, 2, 3].map(() => o.conn.send(TEXT_PAYLOAD, new Delivery(o.lb).ctx())));
    expect(refreshes(o)).toHaveLength(1);
    expect(store.renewals).toBe(1);
  });
});

describe("check", () => {
  it("names the account and the stored token's expiry", async () => {
    const store = memoryCredentials();
    const o = await open({}, {}, { credentials: store });
    const result = await check(o);
    expect(result).toEqual({ account: `@crier_news (Threads user ${DEFAULT_USER.id})`, expiresAt: store.value?.expiresAt });
    expect(o.lb.requests.find((r) => r.route === "/:version/me")?.query).toEqual({ fields: "id,username", access_token: store.value?.accessToken });
  });

  it("without a credential store: expiry unknown, and a warning; a userId that is not the token's", async () => {
    const o = await open({}, { userId: "17841400000009999" });
    const result = await check(o);
    expect(result.expiresAt).toBeUndefined();
    expect(result.warnings).toEqual(["no credential store: the token is not refreshed and lapses 60 days after it was made", `userId 17841400000009999 is not the token's profile (${DEFAULT_USER.id})`]);
  });

  it("warns when the token lapses within a week (here Meta will not refresh it yet)", async () => {
    const token = "THstoredButYoungOnTheServer01";
    const expiresAt = Date.now() + 5 * DAY;
    const o = await open({}, {}, { credentials: memoryCredentials({ accessToken: token, expiresAt, refreshToken: null, origin: originOf(DEFAULT_USER.token) }) });
    o.lb.tokens.set(token, { token, userId: DEFAULT_USER.id, issuedAt: o.lb.now() - 3_600_000, expiresAt: o.lb.now() + 5 * DAY });
    const result = await check(o);
    expect(result.expiresAt).toBe(expiresAt);
    expect(result.warnings).toEqual([expect.stringMatching(/could not be refreshed yet/), `the token lapses on ${new Date(expiresAt).toISOString()}`]);
  });

  it("a token Threads refuses makes check fail as auth", async () => {
    const o = await open({}, { accessToken: "THnotKnownToThreads000000001" });
    const err = await o.conn.check(AbortSignal.timeout(5_000)).catch((e: unknown) => e);
    expect(threadsAdapter.classify(err).kind).toBe("auth");
  });
});
