// Tokens that lapse: refreshed through the core's CredentialStore (or in memory), the post going out once.
import { afterEach, describe, expect, it } from "vitest";
import { closedPort } from "../../test/loopback/harness.js";
import type { CredentialStore } from "../../src/core/index.js";
import { ALL_SCOPES, APP, MEMBER } from "../../test/loopback/linkedin-api/server.js";
import { DAY } from "../../test/loopback/linkedin-api/accounts.js";
import { PERSON, clock, connect, memoryCredentials, open, outcome, sendContext, type Opened } from "./fixtures/loopback.js";
import { PAYLOAD } from "./fixtures/replay.js";

const closers: Opened[] = [];
afterEach(async () => {
  for (const o of closers.splice(0).reverse()) await o.close();
});
const keep = (o: Opened) => (closers.push(o), o);
const post = (commentary: string) => ({ ...PAYLOAD, author: PERSON, commentary });

/** A server whose clock the test moves, a 1-hour access token and a refresh token for it. */
async function expiring(cfg: Record<string, unknown> = {}, store?: ReturnType<typeof memoryCredentials>) {
  const c = clock();
  const o = keep(await open({}, { now: c.now }));
  const access = o.lb.accounts.issue(MEMBER.sub, ALL_SCOPES, 3_600_000);
  const refresh = o.lb.accounts.issueRefresh(MEMBER.sub, ALL_SCOPES);
  const withRefresh = { accessToken: access.value, refreshToken: refresh.value, clientId: APP.clientId, clientSecret: APP.clientSecret, ...cfg };
  const conn = keep(await connect(o.lb, withRefresh, store));
  return { c, lb: o.lb, conn: conn.conn, access, refresh, withRefresh };
}

const refreshes = (o: { lb: Opened["lb"] }) => o.lb.h.requests.filter((r) => r.path === "/oauth/v2/accessToken");

describe("a token that expires during a run", () => {
  it("401 EXPIRED_ACCESS_TOKEN → one refresh → the same post again with the new token: posted once", async () => {
    const store = memoryCredentials();
    const t = await expiring({}, store);
    await t.conn.send(post("before"), sendContext([]));
    t.c.advance(2 * 3_600_000);
    await t.conn.send(post("after"), sendContext([]));
    expect(t.lb.posts().map((p) => p.stored.text)).toEqual(["before", "after"]);
    const creates = t.lb.h.requests.filter((r) => r.path === "/rest/posts");
    expect(creates.map((r) => r.status)).toEqual([201, 401, 201]);
    expect(creates[2]?.headers.authorization).toBe(`Bearer ${store.value?.accessToken}`);
    expect(refreshes(t)).toHaveLength(1);
    expect(refreshes(t)[0]?.form).toEqual({ grant_type: "refresh_token", refresh_token: t.refresh.value, client_id: APP.clientId, client_secret: APP.clientSecret });
    // Stored in one write: the new token, its expiry, the refresh token and a fingerprint (never a token).
    expect(store.value).toMatchObject({ refreshToken: t.refresh.value });
    expect(store.value?.accessToken).not.toBe(t.access.value);
    expect(store.value?.expiresAt).toBeGreaterThan(Date.now() + 59 * DAY);
    expect(store.value?.origin).toMatch(/^[0-9a-f]{64}$/);
  });

  it("the next process starts from the stored token (no refresh); a new token in the config starts afresh", async () => {
    const store = memoryCredentials();
    const t = await expiring({}, store);
    t.c.advance(2 * 3_600_000);
    await t.conn.send(post("first"), sendContext([]));
    const again = keep(await connect(t.lb, t.withRefresh, store));
    await again.conn.send(post("second"), sendContext([]));
    expect(refreshes(t)).toHaveLength(1);
    const fresh = t.lb.accounts.issue(MEMBER.sub, ALL_SCOPES);
    const reconfigured = keep(await connect(t.lb, { ...t.withRefresh, accessToken: fresh.value }, store));
    await reconfigured.conn.send(post("third"), sendContext([]));
    expect(t.lb.h.requests.filter((r) => r.path === "/rest/posts").at(-1)?.headers.authorization).toBe(`Bearer ${fresh.value}`);
  });

  it("a stored token known to lapse within minutes is renewed before the post, without a 401", async () => {
    const store = memoryCredentials();
    const t = await expiring({}, store);
    t.c.advance(2 * 3_600_000);
    await t.conn.send(post("one"), sendContext([])); // 401, refresh, stored with its 60-day expiry
    if (store.value) store.value = { ...store.value, expiresAt: Date.now() + 60_000 };
    const next = keep(await connect(t.lb, t.withRefresh, store));
    await next.conn.send(post("two"), sendContext([]));
    expect(refreshes(t)).toHaveLength(2);
    const creates = t.lb.h.requests.filter((r) => r.path === "/rest/posts");
    expect(creates.map((r) => r.status)).toEqual([401, 201, 201]);
    expect(creates[2]?.headers.authorization).toBe(`Bearer ${store.value?.accessToken}`);
  });

  it("concurrent sends meeting the 401 spend one refresh", async () => {
    const t = await expiring();
    t.c.advance(2 * 3_600_000);
    await Promise.all([t.conn.send(post("a"), sendContext([])), t.conn.send(post("b"), sendContext([]))]);
    expect(refreshes(t)).toHaveLength(1);
    expect(t.lb.posts()).toHaveLength(2);
  });

  it("without a refresh token the 401 is auth; a refused refresh token is auth too, and nothing was posted", async () => {
    const t = await expiring();
    t.c.advance(2 * 3_600_000);
    const bare = keep(await connect(t.lb, { accessToken: t.access.value }));
    expect(await outcome(bare.conn.send(post("x"), sendContext([])))).toMatchObject({ kind: "auth", message: expect.stringContaining("has expired") });
    t.lb.accounts.refreshTokens.clear(); // lapsed or revoked: LinkedIn no longer knows it
    expect(await outcome(t.conn.send(post("y"), sendContext([])))).toMatchObject({ kind: "auth", message: expect.stringContaining("refresh token") });
    expect(t.lb.posts()).toEqual([]);
  });

  it("a refresh that cannot reach LinkedIn, or a store that cannot save, is transient: nothing was posted", async () => {
    const t = await expiring();
    t.c.advance(2 * 3_600_000);
    const unreachable = keep(await connect(t.lb, { ...t.withRefresh, oauthBase: `http://127.0.0.1:${await closedPort()}/oauth/v2` }));
    expect(await outcome(unreachable.conn.send(post("x"), sendContext([])))).toMatchObject({ kind: "transient", message: expect.stringContaining("nothing was posted") });
    const broken = { ...memoryCredentials(), refresh: async (renew: Parameters<CredentialStore["refresh"]>[0]) => (await renew(null), Promise.reject(new Error("EIO: disk full"))) };
    const failing = keep(await connect(t.lb, t.withRefresh, broken));
    expect(await outcome(failing.conn.send(post("y"), sendContext([])))).toMatchObject({ kind: "transient", detail: expect.stringContaining("disk full") });
    expect(t.lb.posts()).toEqual([]);
  });
});
