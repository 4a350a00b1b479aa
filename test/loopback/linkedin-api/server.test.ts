// The loopback itself follows LinkedIn's reference (see README.md for each source).
import { afterEach, describe, expect, it } from "vitest";
import { parseLittle } from "./little.js";
import { ALL_SCOPES, APP, DEFAULT_TOKEN, MEMBER, PAGE, startLinkedInLoopback, type LinkedInLoopback, type LinkedInLoopbackOptions } from "./server.js";

const DAY = 86_400_000;
let lb: LinkedInLoopback | undefined;
afterEach(async () => lb?.close());

/** A clock the tests move by hand: no sleeps. */
function clock(start = Date.parse("2026-12-06T21:00:00Z")) {
  const c = { at: start, now: () => c.at, advance: (ms: number) => void (c.at += ms) };
  return c;
}

async function start(opts: LinkedInLoopbackOptions = {}) {
  lb = await startLinkedInLoopback(opts);
  return lb;
}

const HEADERS = { authorization: `Bearer ${DEFAULT_TOKEN}`, "linkedin-version": "202609", "x-restli-protocol-version": "2.0.0" };
type Call = { method?: string; headers?: Record<string, string>; json?: unknown; form?: Record<string, string>; body?: Buffer };

async function call(path: string, c: Call = {}) {
  const headers: Record<string, string> = { ...c.headers };
  let body: string | Uint8Array | undefined;
  if (c.json !== undefined) (body = JSON.stringify(c.json), (headers["content-type"] = "application/json"));
  if (c.form) (body = new URLSearchParams(c.form).toString(), (headers["content-type"] = "application/x-www-form-urlencoded"));
  if (c.body) body = new Uint8Array(c.body);
  const res = await fetch(`${lb?.h.url}${path}`, { method: c.method ?? (body ? "POST" : "GET"), headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

const post = (over: Record<string, unknown> = {}) => ({
  author: `urn:li:person:${MEMBER.sub}`, commentary: "Hello", visibility: "PUBLIC",
  distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
  content: { article: { source: "https://news.example/a", title: "A" } }, lifecycleState: "PUBLISHED", isReshareDisabledByAuthor: false, ...over,
});
const create = (over: Record<string, unknown> = {}, headers: Record<string, string> = HEADERS) => call("/rest/posts", { headers, json: post(over) });

describe("versioned gateway", () => {
  it("no LinkedIn-Version → 400 VERSION_MISSING; a retired or unreleased one → 426 NONEXISTENT_VERSION (YYYYMM01)", async () => {
    const c = clock();
    await start({ now: c.now });
    const { "linkedin-version": _v, ...noVersion } = HEADERS;
    expect(await create({}, noVersion)).toMatchObject({ status: 400, body: { code: "VERSION_MISSING" } });
    expect((await create({}, noVersion)).headers.get("x-restli-gateway-error")).toBe("true");
    for (const v of ["202504", "202512", "202610", "2026-09"]) {
      expect(await create({}, { ...HEADERS, "linkedin-version": v })).toMatchObject({ status: 426, body: { status: 426, code: "NONEXISTENT_VERSION", message: `Requested version ${v}01 is not active` } });
    }
    expect((await create({}, { ...HEADERS, "linkedin-version": "202601" })).status).toBe(201);
    c.at = Date.parse("2027-01-15T00:00:00Z"); // 202601's announced sunset
    expect((await create({ commentary: "later" }, { ...HEADERS, "linkedin-version": "202601" })).status).toBe(426);
    expect(lb?.posts()).toHaveLength(1);
  });

  it("X-Restli-Protocol-Version 2.0.0 is required; tokens: none, unknown, expired, revoked → 401 with LinkedIn's bodies", async () => {
    const c = clock();
    await start({ now: c.now });
    const { "x-restli-protocol-version": _r, ...noRestli } = HEADERS;
    expect((await create({}, noRestli)).status).toBe(400);
    const { authorization: _a, ...noToken } = HEADERS;
    expect(await create({}, noToken)).toMatchObject({ status: 401, body: { message: "Empty oauth2_access_token", serviceErrorCode: 401 } });
    expect(await create({}, { ...HEADERS, authorization: "Bearer AQVnope" })).toMatchObject({ status: 401, body: { serviceErrorCode: 65600 } });
    const short = lb?.accounts.issue(MEMBER.sub, ALL_SCOPES, 1_000);
    c.advance(1_000);
    expect(await create({}, { ...HEADERS, authorization: `Bearer ${short?.value}` })).toMatchObject({ status: 401, body: { code: "EXPIRED_ACCESS_TOKEN", serviceErrorCode: 65602 } });
    const token = lb?.accounts.tokens.get(DEFAULT_TOKEN);
    if (token) token.revoked = true;
    expect(await create()).toMatchObject({ status: 401, body: { code: "REVOKED_ACCESS_TOKEN", serviceErrorCode: 65601 } });
    expect(lb?.posts()).toEqual([]);
  });
});

describe("POST /rest/posts", () => {
  it("201, no body, the URN in x-restli-id; the commentary stored as LinkedIn parses it, cut at an unescaped reserved character", async () => {
    await start();
    const res = await create({ commentary: "This is a test. (This is also a test.)" });
    expect(res).toMatchObject({ status: 201, body: null });
    const urn = res.headers.get("x-restli-id") ?? "";
    expect(urn).toMatch(/^urn:li:share:\d{19}$/);
    expect(lb?.content.posts.get(urn)?.stored).toEqual({ text: "This is a test. ", cutAt: 16, hashtags: [], mentions: [] });
    await create({ commentary: "Escaped \\(whole\\) {hashtag|\\#|News} #Town @[Riverside](urn:li:organization:2414183) \\\\o/" });
    expect(lb?.posts()[1]?.stored).toEqual({ text: "Escaped (whole) #News #Town Riverside \\o/", cutAt: null, hashtags: ["News", "Town"], mentions: ["urn:li:organization:2414183"] });
  });

  it("3,000 characters of stored text at most (escapes do not count); an article needs a title; only PUBLISHED", async () => {
    await start();
    expect((await create({ commentary: "\\(".repeat(3_000) })).status).toBe(201);
    expect(await create({ commentary: "x".repeat(3_001) })).toMatchObject({ status: 400, body: { errorDetails: { inputErrors: [{ code: "FIELD_ARRAY_SIZE_TOO_HIGH" }] } } });
    expect(await create({ content: { article: { source: "https://news.example/a" } } })).toMatchObject({ status: 422, body: { message: "ERROR :: /content/article/title :: field is required but not found and has no default value\n" } });
    expect((await create({ lifecycleState: "DRAFT" })).status).toBe(422);
    expect(parseLittle("x".repeat(3_001)).text.length).toBe(3_001);
  });

  it("the same author and text within 10 minutes → 422 DUPLICATE_POST naming the first, even after a delete; later it is accepted", async () => {
    const c = clock();
    await start({ now: c.now });
    const first = (await create({ commentary: "Same" })).headers.get("x-restli-id");
    await call(`/rest/posts/${encodeURIComponent(first ?? "")}`, { method: "DELETE", headers: HEADERS });
    expect(await create({ commentary: "Same" })).toMatchObject({ status: 422, body: { message: expect.stringContaining(`Content is a duplicate of ${first}`) } });
    c.advance(10 * 60_000);
    expect((await create({ commentary: "Same" })).status).toBe(201);
  });

  it("authors: the member needs w_member_social; a page needs w_organization_social and a role on it → else 403 ACCESS_DENIED", async () => {
    await start({ organizations: [PAGE, { id: "999", name: "Elsewhere", admins: [] }] });
    expect((await create({ author: `urn:li:organization:${PAGE.id}` })).status).toBe(201);
    expect(await create({ author: "urn:li:organization:999", commentary: "b" })).toMatchObject({ status: 403, body: { code: "ACCESS_DENIED", serviceErrorCode: 100 } });
    expect((await create({ author: "urn:li:person:someoneElse", commentary: "c" })).status).toBe(403);
    const memberOnly = lb?.accounts.issue(MEMBER.sub, ["w_member_social"]);
    expect((await create({ author: `urn:li:organization:${PAGE.id}`, commentary: "d" }, { ...HEADERS, authorization: `Bearer ${memberOnly?.value}` })).status).toBe(403);
  });

  it("the member's daily limit: 429 with no Retry-After and the server's Date, until 00:00 UTC", async () => {
    const c = clock();
    await start({ now: c.now, dailyPosts: 2 });
    expect((await create({ commentary: "1" })).status).toBe(201);
    expect((await create({ commentary: "2" })).status).toBe(201);
    const limited = await create({ commentary: "3" });
    expect(limited).toMatchObject({ status: 429, body: { status: 429 } });
    expect(limited.headers.get("retry-after")).toBeNull();
    expect(limited.headers.get("date")).toBe("Sun, 06 Dec 2026 21:00:00 GMT");
    c.at = Date.parse("2026-12-06T23:59:59Z");
    expect((await create({ commentary: "3" })).status).toBe(429);
    c.at = Date.parse("2026-12-07T00:00:00Z");
    expect((await create({ commentary: "3" })).status).toBe(201);
  });

  it("DELETE /rest/posts/{encoded urn} → 204, again 204; an unknown post 404", async () => {
    await start();
    const urn = (await create()).headers.get("x-restli-id") ?? "";
    const del = () => call(`/rest/posts/${encodeURIComponent(urn)}`, { method: "DELETE", headers: { ...HEADERS, "x-restli-method": "DELETE" } });
    expect((await del()).status).toBe(204);
    expect((await del()).status).toBe(204);
    expect(lb?.posts()).toEqual([]);
    expect((await call(`/rest/posts/${encodeURIComponent("urn:li:share:1")}`, { method: "DELETE", headers: HEADERS })).status).toBe(404);
  });
});

describe("Images API", () => {
  it("initializeUpload → uploadUrl and image URN; the PUT needs a token; JPG/PNG/GIF become AVAILABLE, others PROCESSING_FAILED", async () => {
    await start();
    const init = await call("/rest/images?action=initializeUpload", { headers: HEADERS, json: { initializeUploadRequest: { owner: `urn:li:person:${MEMBER.sub}` } } });
    const value = (init.body as { value: { uploadUrl: string; image: string; uploadUrlExpiresAt: number } }).value;
    expect(init.status).toBe(200);
    expect(value.image).toMatch(/^urn:li:image:/);
    const path = new URL(value.uploadUrl).pathname;
    expect((await call(path, { method: "PUT", body: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) })).status).toBe(401);
    expect((await call(path, { method: "PUT", headers: { authorization: HEADERS.authorization }, body: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) })).status).toBe(201);
    expect(lb?.content.images.get(value.image)?.status).toBe("AVAILABLE");
    await call(path, { method: "PUT", headers: { authorization: HEADERS.authorization }, body: Buffer.from("not an image") });
    expect(lb?.content.images.get(value.image)?.status).toBe("PROCESSING_FAILED");
    const foreign = await call("/rest/images?action=initializeUpload", { headers: HEADERS, json: { initializeUploadRequest: { owner: "urn:li:person:someoneElse" } } });
    expect(foreign.status).toBe(403);
  });
});

describe("OAuth and identity", () => {
  it("userinfo names the member (openid + profile); introspection reports expiry and status in seconds; a wrong secret is 401", async () => {
    const c = clock();
    await start({ now: c.now });
    expect(await call("/v2/userinfo", { headers: { authorization: HEADERS.authorization } })).toMatchObject({ status: 200, body: { sub: MEMBER.sub, name: MEMBER.name } });
    const postOnly = lb?.accounts.issue(MEMBER.sub, ["w_member_social"]);
    expect((await call("/v2/userinfo", { headers: { authorization: `Bearer ${postOnly?.value}` } })).status).toBe(403);
    const form = { client_id: APP.clientId, client_secret: APP.clientSecret, token: DEFAULT_TOKEN };
    expect(await call("/oauth/v2/introspectToken", { form })).toMatchObject({
      status: 200, body: { active: true, status: "active", expires_at: Math.floor((c.at + 60 * DAY) / 1000), scope: ALL_SCOPES.join(","), auth_type: "3L" },
    });
    c.advance(60 * DAY);
    expect(await call("/oauth/v2/introspectToken", { form })).toMatchObject({ status: 200, body: { active: false, status: "expired" } });
    expect((await call("/oauth/v2/introspectToken", { form: { ...form, client_secret: "wrong" } })).status).toBe(401);
    expect((await call("/oauth/v2/introspectToken", { form: { ...form, token: "AQVnope" } })).status).toBe(400);
  });

  it("a refresh gives a new 60-day token; the refresh token keeps its original expiry; a lapsed one is refused", async () => {
    const c = clock();
    await start({ now: c.now });
    const refresh = lb?.accounts.issueRefresh(MEMBER.sub, ALL_SCOPES);
    c.advance(59 * DAY);
    const form = { grant_type: "refresh_token", refresh_token: refresh?.value ?? "", client_id: APP.clientId, client_secret: APP.clientSecret };
    const res = await call("/oauth/v2/accessToken", { form });
    expect(res).toMatchObject({ status: 200, body: { expires_in: 60 * 86_400, refresh_token: refresh?.value, refresh_token_expires_in: 306 * 86_400 } });
    expect((await create({}, { ...HEADERS, authorization: `Bearer ${String(res.body?.access_token)}` })).status).toBe(201);
    c.advance(306 * DAY);
    expect(await call("/oauth/v2/accessToken", { form })).toMatchObject({ status: 400, body: { error: "invalid_request" } });
  });
});
