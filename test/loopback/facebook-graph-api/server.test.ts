// The loopback itself follows the reference: versions, tokens, error objects, debug_token, usage
// headers and throttling. Raw HTTP (fetch), so that nothing of the adapter answers for the server.
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_APP, DEFAULT_PAGE, DEFAULT_PAGE_TOKEN, proofFor, startFacebookGraphApi, type FacebookGraphOptions, type GraphToken } from "./server.js";

const PAGE = DEFAULT_PAGE.id;
const TOKEN = DEFAULT_PAGE_TOKEN.token;
const APP_TOKEN = `${DEFAULT_APP.id}|${DEFAULT_APP.secret}`;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function graphApi(opts: FacebookGraphOptions = {}) {
  const lb = await startFacebookGraphApi(opts);
  cleanup.push(() => lb.close());
  const call = async (method: string, path: string, o: { query?: Record<string, string>; form?: Record<string, string>; json?: unknown; headers?: Record<string, string>; body?: FormData } = {}) => {
    const url = `${lb.url}${path}${o.query ? `?${new URLSearchParams(o.query)}` : ""}`;
    const body = o.body ?? (o.form ? new URLSearchParams(o.form) : o.json !== undefined ? JSON.stringify(o.json) : undefined);
    const headers = { ...(o.json !== undefined ? { "content-type": "application/json" } : {}), ...o.headers };
    const res = await fetch(url, { method, body, headers });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
  };
  return { lb, call };
}
const token = (over: Partial<GraphToken>): GraphToken[] => [{ ...DEFAULT_PAGE_TOKEN, ...over }];

describe("the Graph error object (Handling Errors)", () => {
  it("has exactly message, type, code, error_subcode when there is one, fbtrace_id; HTTP 400", async () => {
    const { call } = await graphApi({ tokens: token({ invalidated: 460 }) });
    const r = await call("GET", `/v26.0/${PAGE}`, { query: { access_token: TOKEN } });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.error)).toEqual(["message", "type", "code", "error_subcode", "fbtrace_id"]);
    expect(r.body.error).toMatchObject({ type: "OAuthException", code: 190, error_subcode: 460, fbtrace_id: expect.stringMatching(/^\S{11,}$/) });
  });
});

describe("versions (Platform Versioning; the versions table)", () => {
  const now = () => Date.parse("2026-12-06T12:00:00Z");
  it("serves a usable version as itself and says so in facebook-api-version", async () => {
    const { call } = await graphApi({ now });
    const r = await call("GET", `/v26.0/${PAGE}`, { query: { access_token: TOKEN } });
    expect([r.status, r.headers.get("facebook-api-version")]).toEqual([200, "v26.0"]);
  });

  it("defaults a retired version to the oldest usable one", async () => {
    const { lb, call } = await graphApi({ now });
    const r = await call("GET", `/v19.0/${PAGE}`, { query: { access_token: TOKEN } });
    expect([r.status, r.headers.get("facebook-api-version")]).toEqual([200, "v21.0"]);
    expect(lb.served).toEqual([{ path: `/v19.0/${PAGE}`, requested: "v19.0", served: "v21.0" }]);
  });

  it.each([["/v99.0/104523452345234/feed", "/104523452345234/feed"], ["/26.0/104523452345234", "/104523452345234"], ["/104523452345234/feed", "/feed"]])(
    "answers %s with 2500 Unknown path components", async (path, rest) => {
      const { call } = await graphApi({ now });
      const r = await call("POST", path, { form: { message: "x", access_token: TOKEN } });
      expect([r.status, r.body.error.code, r.body.error.message]).toEqual([400, 2500, `Unknown path components: ${rest}`]);
    },
  );
});

describe("access tokens", () => {
  it.each([
    ["the query", { query: { message: "q", access_token: TOKEN } }, "q"],
    ["a form body", { form: { message: "f", access_token: TOKEN } }, "f"],
    ["a JSON body", { json: { message: "j", access_token: TOKEN } }, "j"],
    ["Authorization: Bearer (the loopback's choice)", { form: { message: "b" }, headers: { authorization: `Bearer ${TOKEN}` } }, "b"],
  ])("takes the token and parameters from %s", async (_n, how, message) => {
    const { lb, call } = await graphApi();
    const r = await call("POST", `/v26.0/${PAGE}/feed`, how);
    expect(r.body).toEqual({ id: lb.posts[0]?.id });
    expect(lb.posts[0]).toMatchObject({ message, pageId: PAGE });
  });

  it.each([
    ["no token → 104", {}, {}, 104, undefined],
    ["an unknown token → 190", {}, { query: { access_token: "EAAnope0123456789012345" } }, 190, undefined],
    ["an expired token → 190/463", { tokens: token({ expiresAt: 1_700_000_000 }) }, { query: { access_token: TOKEN } }, 190, 463],
    ["a token whose user lost the Page role → 190/492", { tokens: token({ invalidated: 492 }) }, { query: { access_token: TOKEN } }, 190, 492],
    ["a missing appsecret_proof when the app requires it → 100", { apps: [{ ...DEFAULT_APP, requireProof: true }] }, { query: { access_token: TOKEN } }, 100, undefined],
    ["a wrong appsecret_proof → 100", {}, { query: { access_token: TOKEN, appsecret_proof: "00".repeat(32) } }, 100, undefined],
  ] as const)("%s", async (_n, opts, how, code, subcode) => {
    const { call } = await graphApi(opts as FacebookGraphOptions);
    const r = await call("GET", `/v26.0/${PAGE}`, how as never);
    expect([r.status, r.body.error.code, r.body.error.error_subcode]).toEqual([400, code, subcode]);
  });

  it("accepts the right appsecret_proof", async () => {
    const { call } = await graphApi({ apps: [{ ...DEFAULT_APP, requireProof: true }] });
    const r = await call("GET", `/v26.0/${PAGE}`, { query: { access_token: TOKEN, appsecret_proof: proofFor(TOKEN, DEFAULT_APP.secret) } });
    expect(r.body).toEqual({ id: PAGE, name: DEFAULT_PAGE.name });
  });
});

describe("GET /debug_token (debug_token reference)", () => {
  it("inspects a token with the app token: the reference's fields; expires_at 0 for a Page token that never expires", async () => {
    const { call } = await graphApi();
    const r = await call("GET", "/v26.0/debug_token", { query: { input_token: TOKEN, access_token: APP_TOKEN } });
    expect(r.body.data).toMatchObject({ app_id: DEFAULT_APP.id, type: "PAGE", application: "Crier", expires_at: 0, is_valid: true, profile_id: PAGE, scopes: DEFAULT_PAGE_TOKEN.scopes, user_id: "5550001" });
  });

  it("refuses a token inspecting itself, a POST, and a missing input_token; reports an unknown token as not valid", async () => {
    const { call } = await graphApi();
    expect((await call("GET", "/v26.0/debug_token", { query: { input_token: TOKEN, access_token: TOKEN } })).body.error.code).toBe(100);
    expect((await call("POST", "/v26.0/debug_token", { form: { input_token: TOKEN, access_token: APP_TOKEN } })).body.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await call("GET", "/v26.0/debug_token", { query: { access_token: APP_TOKEN } })).body.error.code).toBe(100);
    const unknown = await call("GET", "/v26.0/debug_token", { query: { input_token: "EAAnope0123456789012345", access_token: APP_TOKEN } });
    expect(unknown.body.data).toMatchObject({ is_valid: false, error: { code: 190 } });
  });
});

describe("usage headers and throttling (Rate Limits)", () => {
  it("a Page token: X-Business-Use-Case-Usage on every answer, then 80001 with estimated_time_to_regain_access in minutes", async () => {
    let t = Date.parse("2026-12-06T12:00:00Z");
    const { call } = await graphApi({ pageCallsPerDay: 2, now: () => t });
    const usage = (h: Headers) => JSON.parse(h.get("x-business-use-case-usage") ?? "null") as Record<string, Array<Record<string, unknown>>>;
    const first = await call("GET", `/v26.0/${PAGE}`, { query: { access_token: TOKEN } });
    expect(usage(first.headers)).toEqual({ [PAGE]: [{ type: "pages", call_count: 50, total_cputime: 12, total_time: 12, estimated_time_to_regain_access: 0 }] });
    expect(first.headers.get("x-app-usage")).toBeNull();
    t += 3_600_000;
    expect(usage((await call("GET", `/v26.0/${PAGE}`, { query: { access_token: TOKEN } })).headers)[PAGE]?.[0]?.call_count).toBe(100);
    const over = await call("POST", `/v26.0/${PAGE}/feed`, { form: { message: "x", access_token: TOKEN } });
    expect([over.status, over.body.error.code]).toEqual([400, 80001]);
    expect(usage(over.headers)[PAGE]?.[0]).toMatchObject({ call_count: 100, estimated_time_to_regain_access: 23 * 60 });
    t += 23 * 3_600_000 + 1; // the first call leaves the rolling 24 hours
    expect((await call("POST", `/v26.0/${PAGE}/feed`, { form: { message: "x", access_token: TOKEN } })).status).toBe(200);
  });

  it("sends the headers only once enough calls were made", async () => {
    const { call } = await graphApi({ pageCallsPerDay: 4, usageHeadersFrom: 50 });
    expect((await call("GET", `/v26.0/${PAGE}`, { query: { access_token: TOKEN } })).headers.get("x-business-use-case-usage")).toBeNull();
    expect((await call("GET", `/v26.0/${PAGE}`, { query: { access_token: TOKEN } })).headers.get("x-business-use-case-usage")).not.toBeNull();
  });

  it("a user token: X-App-Usage and, over the hour's limit, 32 'Page request limit reached'", async () => {
    const user: GraphToken = { token: "EAAuserToken0123456789012345", type: "USER", appId: DEFAULT_APP.id, userId: "5550002", scopes: ["pages_show_list", "pages_read_engagement"], expiresAt: 0 };
    const { call } = await graphApi({ tokens: [DEFAULT_PAGE_TOKEN, user], userCallsPerHour: 1 });
    const ok = await call("GET", `/v26.0/${PAGE}`, { query: { access_token: user.token } });
    expect(JSON.parse(ok.headers.get("x-app-usage") ?? "null")).toEqual({ call_count: 100, total_time: 25, total_cputime: 25 });
    const over = await call("GET", `/v26.0/${PAGE}`, { query: { access_token: user.token } });
    expect(over.body.error).toMatchObject({ code: 32, message: "(#32) Page request limit reached" });
    // A user token cannot post as the Page (200), and the Page token has its own BUC budget.
    const { call: fresh } = await graphApi({ tokens: [DEFAULT_PAGE_TOKEN, user] });
    expect((await fresh("POST", `/v26.0/${PAGE}/feed`, { form: { message: "x", access_token: user.token } })).body.error.code).toBe(200);
    expect((await call("POST", `/v26.0/${PAGE}/feed`, { form: { message: "x", access_token: TOKEN } })).status).toBe(200);
  });

  it("app tokens and refused tokens are not counted", async () => {
    const { call } = await graphApi({ pageCallsPerDay: 1 });
    await call("GET", "/v26.0/debug_token", { query: { input_token: TOKEN, access_token: APP_TOKEN } });
    await call("GET", `/v26.0/${PAGE}`, { query: { access_token: "EAAnope0123456789012345" } });
    expect((await call("GET", `/v26.0/${PAGE}`, { query: { access_token: TOKEN } })).status).toBe(200);
  });
});
