// `crier check` against the loopback: the Page, the token's expiry read with debug_token, and the
// version's retirement, with the clock fixed for both sides.
import { afterEach, describe, expect, it } from "vitest";
import type { ConnectDeps } from "../../src/core/index.js";
import { DEFAULT_APP, DEFAULT_PAGE, DEFAULT_PAGE_TOKEN, ERRORS, startFacebookGraphApi, type FacebookGraphOptions, type GraphToken } from "../../test/loopback/facebook-graph-api/server.js";
import { checkFacebook } from "./check.js";
import { openFacebook } from "./client.js";
import { facebookConfig } from "./config.js";
import { facebookAdapter } from "./index.js";

const NOW = Date.parse("2026-12-06T12:00:00Z");
const now = () => NOW;
const APP = { appId: DEFAULT_APP.id, appSecret: DEFAULT_APP.secret };
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function check(opts: FacebookGraphOptions = {}, cfg: Record<string, unknown> = {}) {
  const lb = await startFacebookGraphApi({ now, ...opts });
  cleanup.push(() => lb.close());
  const client = await openFacebook(facebookConfig.parse({ pageId: DEFAULT_PAGE.id, pageAccessToken: DEFAULT_PAGE_TOKEN.token, apiBase: lb.url, ...cfg }), {} as ConnectDeps, now);
  cleanup.push(() => client.http.close());
  return { lb, result: await checkFacebook(client, AbortSignal.timeout(5_000)) };
}
const token = (over: Partial<GraphToken>): GraphToken[] => [{ ...DEFAULT_PAGE_TOKEN, ...over }];

describe("check", () => {
  it("names the Page and says a Page token from a long-lived user token does not expire (expires_at 0)", async () => {
    const { lb, result } = await check({}, APP);
    expect(result).toEqual({ account: `Page Riverside Courier (id ${DEFAULT_PAGE.id}); the Page token does not expire`, expiresAt: null, warnings: [] });
    expect(lb.requests.map((r) => [r.method, r.path, r.query.fields, r.query.input_token])).toEqual([
      ["GET", `/v26.0/${DEFAULT_PAGE.id}`, "id,name", undefined],
      ["GET", "/v26.0/debug_token", undefined, DEFAULT_PAGE_TOKEN.token],
    ]);
    // debug_token is called with the app token `{app-id}|{app-secret}`, with its own proof.
    expect(lb.requests[1]?.query.access_token).toBe(`${DEFAULT_APP.id}|${DEFAULT_APP.secret}`);
    expect(lb.requests[1]?.query.appsecret_proof).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives the expiry of a token that lapses, and says what is wrong with it", async () => {
    const expiresAt = Math.floor(NOW / 1000) + 3_600;
    const { result } = await check({ tokens: token({ type: "USER", pageId: undefined, expiresAt, scopes: ["pages_show_list", "pages_read_engagement"] }) }, APP);
    expect(result.expiresAt).toBe(expiresAt * 1000);
    expect(result.account).toBe(`Page Riverside Courier (id ${DEFAULT_PAGE.id})`);
    expect(result.warnings).toEqual([
      "the token is a USER token, not a Page token: a user token lapses within 60 days; use the Page token from /me/accounts",
      "the token lacks pages_manage_posts: make it again with those permissions",
    ]);
  });

  it("without the app's id and secret it cannot read the expiry, and says so", async () => {
    const { lb, result } = await check();
    expect(result.expiresAt).toBeUndefined();
    expect(result.warnings).toEqual([]);
    expect(result.notes).toEqual([expect.stringMatching(/^the token's expiry was not read: debug_token needs the app token, so set appId and appSecret/)]);
    expect(lb.requests).toHaveLength(1);
  });

  it("a debug_token failure is a warning, never a failed check, and quotes no secret", async () => {
    const fault = { kind: "status" as const, status: 500, body: ERRORS.service().body };
    const { result } = await check({ onRequest: (r) => (r.path.endsWith("/debug_token") ? fault : undefined) }, APP);
    expect(result.account).toContain("Riverside Courier");
    expect(result.expiresAt).toBeUndefined();
    expect(result.warnings).toEqual([expect.stringMatching(/^the token's expiry could not be read \(debug_token failed: GET \/v26\.0\/debug_token: HTTP 500/)]);
    expect(JSON.stringify(result)).not.toContain(DEFAULT_APP.secret);
  });

  it("warns about a version near retirement, and one already retired", async () => {
    const { result } = await check({}, { ...APP, apiVersion: "v21.0" });
    expect(result.warnings).toEqual(["Graph API v21.0 retires on 2027-01-21 (in 47 days): set apiVersion to v26.0 or newer"]);
    const { lb, result: retired } = await check({}, { ...APP, apiVersion: "v19.0" });
    expect(retired.warnings?.[0]).toMatch(/^Graph API v19\.0 retired on 2026-05-21/);
    expect(lb.served[0]).toMatchObject({ requested: "v19.0", served: "v21.0" });
  });

  it("fails, classified, when the token is refused or the Page is not the token's", async () => {
    const cases = [
      [{ pageAccessToken: "EAAunknownTokenValue0123456789" }, "auth"],
      [{ pageId: "999999999999999" }, "destination-broken"],
      [{ ...APP, appSecret: "wrong-app-secret-0123456789abcdef" }, "auth"], // "Invalid appsecret_proof"
    ] as const;
    for (const [cfg, kind] of cases) {
      const err = await check({}, cfg).then(() => undefined, (e: unknown) => e);
      expect(facebookAdapter.classify(err).kind).toBe(kind);
    }
  });

  it("is what the adapter's connection returns", async () => {
    const lb = await startFacebookGraphApi();
    cleanup.push(() => lb.close());
    const conn = await facebookAdapter.connect(facebookConfig.parse({ pageId: DEFAULT_PAGE.id, pageAccessToken: DEFAULT_PAGE_TOKEN.token, apiBase: lb.url, ...APP }), {} as ConnectDeps);
    cleanup.push(() => conn.close());
    expect(await conn.check(AbortSignal.timeout(5_000))).toMatchObject({ account: expect.stringContaining("Riverside Courier"), expiresAt: null });
  });
});
