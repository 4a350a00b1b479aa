// The loopback itself follows TikTok's references: each test names the rule it proves (README.md cites the pages).
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeJpeg, startImageServer, type ImageServer } from "../../support/image-server.js";
import { startTikTokLoopback, type TikTokLoopback, type TikTokLoopbackOptions } from "./server.js";

let images: ImageServer;
beforeAll(async () => {
  const jpeg = await makeJpeg(800, 600);
  images = await startImageServer({
    "/news/a.jpg": { type: "image/jpeg", body: jpeg },
    "/news/b.webp": { type: "image/webp", body: await sharp(jpeg).webp().toBuffer() },
    "/news/c.png": { type: "image/png", body: await sharp(jpeg).png().toBuffer() },
    "/news/huge.jpg": { type: "image/jpeg", body: await makeJpeg(2000, 1200, 50) },
    "/news/moved.jpg": { redirect: "/news/a.jpg" },
  });
});
afterAll(() => images.close());

const servers: TikTokLoopback[] = [];
afterAll(async () => Promise.all(servers.map((s) => s.close())));
let clock = Date.parse("2026-12-01T09:00:00Z");
const now = () => clock;

async function start(opts: TikTokLoopbackOptions = {}): Promise<TikTokLoopback> {
  const s = await startTikTokLoopback({ verified: ["media.example.org", "https://example.org/tiktok/"], hosts: { "media.example.org": images.url, "cdn.media.example.org": images.url, "example.org": images.url }, now, ...opts });
  servers.push(s);
  return s;
}
const call = async (s: TikTokLoopback, path: string, init: { token?: string; json?: unknown; form?: Record<string, string>; method?: string } = {}) => {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.json !== undefined) (headers["content-type"] = "application/json; charset=UTF-8"), (body = JSON.stringify(init.json));
  if (init.form) (headers["content-type"] = "application/x-www-form-urlencoded"), (body = new URLSearchParams(init.form).toString());
  const res = await fetch(`${s.url}${path}`, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, any> };
};
const refresh = (s: TikTokLoopback, rt: string, extra: Record<string, string> = {}) =>
  call(s, "/v2/oauth/token/", { form: { client_key: "awloopbackclientkey", client_secret: "loopback-client-secret-0123456789", grant_type: "refresh_token", refresh_token: rt, ...extra } });
const accessFor = async (s: TikTokLoopback, scopes?: string[]) => (await refresh(s, s.issueRefreshToken(scopes))).body.access_token as string;
const photo = (urls: string[], mode = "MEDIA_UPLOAD", info: Record<string, unknown> = {}) => ({
  media_type: "PHOTO", post_mode: mode, post_info: { title: "t", description: "d", ...info }, source_info: { source: "PULL_FROM_URL", photo_images: urls, photo_cover_index: 0 },
});
const A = "https://media.example.org/news/a.jpg";
const init = (s: TikTokLoopback, token: string, body: unknown) => call(s, "/v2/post/publish/content/init/", { token, json: body });
const status = (s: TikTokLoopback, token: string, id: unknown) => call(s, "/v2/post/publish/status/fetch/", { token, json: { publish_id: id } });

describe("OAuth: rotating, single-use refresh tokens (oauth-refresh-a-user-access-token, Nov 2 2026)", () => {
  it("a refresh answers the documented fields, rotates the refresh token and refuses the old one", async () => {
    const s = await start();
    const rt = s.issueRefreshToken();
    const first = await refresh(s, rt);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ expires_in: 7200, open_id: s.creator.openId, refresh_expires_in: 180 * 86_400, token_type: "Bearer", scope: "user.info.basic,video.upload,video.publish" });
    expect(first.body.refresh_token).not.toBe(rt);
    const again = await refresh(s, rt);
    expect([again.status, again.body.error]).toEqual([200, "invalid_grant"]);
    expect(again.body.log_id).toMatch(/^\d{14}[0-9A-F]{20}$/);
    clock += 3_600_000; // the rotated token keeps the remaining lifetime
    expect((await refresh(s, first.body.refresh_token)).body.refresh_expires_in).toBe(180 * 86_400 - 3600);
  });

  it("refuses a wrong client, a wrong grant, a non-form body and an expired refresh token", async () => {
    const s = await start({ oauthErrorStatus: 400, refreshTtlSec: 60 });
    expect((await refresh(s, s.issueRefreshToken(), { client_secret: "nope" })).body.error).toBe("invalid_client");
    expect((await refresh(s, s.issueRefreshToken(), { grant_type: "client_credentials" })).body.error).toBe("unsupported_grant_type");
    const json = await call(s, "/v2/oauth/token/", { json: { grant_type: "refresh_token" } });
    expect([json.status, json.body.error]).toEqual([400, "invalid_request"]);
    const rt = s.issueRefreshToken();
    clock += 61_000;
    expect((await refresh(s, rt)).body.error).toBe("invalid_grant");
  });

  it("an access token lapses after expires_in or when the test expires it: 401 access_token_invalid with data {} and a log_id", async () => {
    const s = await start({ accessTtlSec: 120 });
    const token = await accessFor(s);
    expect((await call(s, "/v2/user/info/?fields=open_id", { token })).status).toBe(200);
    clock += 120_000;
    const lapsed = await call(s, "/v2/user/info/?fields=open_id", { token });
    expect(lapsed).toMatchObject({ status: 401, body: { data: {}, error: { code: "access_token_invalid" } } });
    const other = await accessFor(s);
    s.expireAccessTokens();
    expect((await call(s, "/v2/user/info/?fields=open_id", { token: other })).status).toBe(401);
  });
});

describe("user info and creator info", () => {
  it("user/info needs fields and user.info.basic; username needs user.info.profile", async () => {
    const s = await start();
    const token = await accessFor(s);
    expect((await call(s, "/v2/user/info/?fields=open_id,display_name", { token })).body.data).toEqual({ user: { open_id: s.creator.openId, display_name: "Riverside Courier" } });
    expect((await call(s, "/v2/user/info/", { token })).body.error.code).toBe("invalid_params");
    expect((await call(s, "/v2/user/info/?fields=open_id,username", { token })).body.error.code).toBe("scope_not_authorized");
    expect((await call(s, "/v2/user/info/?fields=open_id", { token: await accessFor(s, ["video.upload"]) })).body.error.code).toBe("scope_not_authorized");
  });

  it("creator_info needs video.publish; an unaudited app is offered SELF_ONLY; an audited one the account's options", async () => {
    const s = await start();
    const q = (token: string) => call(s, "/v2/post/publish/creator_info/query/", { token, method: "POST" });
    expect((await q(await accessFor(s, ["video.upload"]))).body.error.code).toBe("scope_not_authorized");
    const token = await accessFor(s);
    expect((await q(token)).body.data).toMatchObject({ creator_username: "riversidecourier", privacy_level_options: ["SELF_ONLY"] });
    s.setAudited(true);
    expect((await q(token)).body.data.privacy_level_options).toEqual(["FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]);
  });
});

describe("content/init validates as the photo-post reference says", () => {
  const emoji = "😀"; // two UTF-16 code units
  it.each<[string, string, unknown]>([
    ["a 90-unit title", "ok", photo([A], "MEDIA_UPLOAD", { title: emoji.repeat(45) })],
    ["a 91-unit title", "invalid_param", photo([A], "MEDIA_UPLOAD", { title: `${emoji.repeat(45)}x` })],
    ["a 4000-unit description", "ok", photo([A], "MEDIA_UPLOAD", { description: "é".repeat(4000) })],
    ["a 4001-unit description", "invalid_param", photo([A], "MEDIA_UPLOAD", { description: `${emoji.repeat(2000)}x` })],
    ["no photo", "invalid_param", photo([])],
    ["36 photos", "invalid_param", photo(Array(36).fill(A))],
    ["a cover index past the photos", "invalid_param", { ...photo([A]), source_info: { source: "PULL_FROM_URL", photo_images: [A], photo_cover_index: 1 } }],
    ["VIDEO", "invalid_param", { ...photo([A]), media_type: "VIDEO" }],
    ["FILE_UPLOAD", "invalid_param", { ...photo([A]), source_info: { source: "FILE_UPLOAD", photo_images: [A], photo_cover_index: 0 } }],
    ["an unknown post_mode", "invalid_param", photo([A], "DRAFT")],
    ["a subdomain of a verified domain", "ok", photo(["https://cdn.media.example.org/news/a.jpg"])],
    ["under a verified URL prefix", "ok", photo(["https://example.org/tiktok/news/a.jpg"])],
    ["the parent of a verified domain", "url_ownership_unverified", photo(["https://example.org/news/a.jpg"])],
    ["http on a verified domain", "url_ownership_unverified", photo(["http://media.example.org/news/a.jpg"])],
  ])("%s → %s", async (_name, code, body) => {
    const s = await start();
    const res = await init(s, await accessFor(s), body);
    expect(res.body.error.code).toBe(code);
    if (code === "ok") expect(res.body.data.publish_id).toMatch(/^p_pub_url~v2\.\d+$/);
    else expect(res.status).toBe(code === "invalid_param" ? 400 : 403);
  });

  it("DIRECT_POST: video.publish, a private account until audited, a privacy level creator_info offers", async () => {
    const s = await start();
    expect((await init(s, await accessFor(s, ["video.upload"]), photo([A], "DIRECT_POST", { privacy_level: "SELF_ONLY" }))).body.error.code).toBe("scope_not_authorized");
    const token = await accessFor(s);
    expect((await init(s, token, photo([A], "DIRECT_POST"))).body.error.code).toBe("privacy_level_option_mismatch");
    expect((await init(s, token, photo([A], "DIRECT_POST", { privacy_level: "PUBLIC_TO_EVERYONE" }))).body.error.code).toBe("privacy_level_option_mismatch");
    expect((await init(s, token, photo([A], "DIRECT_POST", { privacy_level: "SELF_ONLY" }))).body.error.code).toBe("ok");
    s.creator.private = false;
    expect((await init(s, token, photo([A], "DIRECT_POST", { privacy_level: "SELF_ONLY" })))).toMatchObject({ status: 403, body: { error: { code: "unaudited_client_can_only_post_to_private_accounts" } } });
  });

  it("six inits a minute per access token (sliding), then 429 rate_limit_exceeded; a new token has its own", async () => {
    const s = await start();
    const token = await accessFor(s);
    for (let i = 0; i < 6; i++) expect((await init(s, token, photo(["https://example.org/nope.jpg"]))).status).toBe(403);
    expect(await init(s, token, photo([A]))).toMatchObject({ status: 429, body: { error: { code: "rate_limit_exceeded" } } });
    expect((await init(s, await accessFor(s), photo([A]))).status).toBe(200);
    clock += 60_001;
    expect((await init(s, token, photo([A]))).status).toBe(200);
  });

  it("at most 5 pending MEDIA_UPLOAD drafts in 24 h: the 6th is refused until one is finished or a day passes", async () => {
    const s = await start({ processingReads: 0 });
    const token = await accessFor(s);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push((await init(s, token, photo([A]))).body.data.publish_id);
      clock += 61_000 / 5;
    }
    expect(await init(s, token, photo([A]))).toMatchObject({ status: 403, body: { error: { code: "spam_risk_too_many_pending_share" } } });
    s.finishDraft(made[0] ?? "");
    const fresh = await accessFor(s); // six inits a minute per token: the cap is per creator, not per token
    expect((await init(s, fresh, photo([A]))).status).toBe(200);
    expect((await init(s, fresh, photo([A]))).body.error.code).toBe("spam_risk_too_many_pending_share");
    clock += 86_400_000;
    expect((await init(s, await accessFor(s), photo([A]))).status).toBe(200);
  });
});

describe("status/fetch: the publish's stages", () => {
  it("MEDIA_UPLOAD: PROCESSING_DOWNLOAD for N reads, then SEND_TO_USER_INBOX, then PUBLISH_COMPLETE once the creator posts", async () => {
    const s = await start({ processingReads: 2 });
    const token = await accessFor(s);
    const id = (await init(s, await accessFor(s), photo(["https://media.example.org/news/b.webp"]))).body.data.publish_id as string;
    expect((await status(s, token, id)).body.data.status).toBe("PROCESSING_DOWNLOAD");
    expect((await status(s, token, id)).body.data.status).toBe("PROCESSING_DOWNLOAD");
    expect((await status(s, token, id)).body.data).toMatchObject({ status: "SEND_TO_USER_INBOX", downloaded_bytes: expect.any(Number) });
    s.finishDraft(id);
    expect((await status(s, token, id)).body.data).toMatchObject({ status: "PUBLISH_COMPLETE", publicaly_available_post_id: [] });
    expect(images.hits).toContain("/news/b.webp");
  });

  it("DIRECT_POST public and audited: PUBLISH_COMPLETE with the post id as an exact int64 number", async () => {
    const s = await start({ processingReads: 0, audited: true, creator: { private: false } });
    const token = await accessFor(s);
    const id = (await init(s, token, photo([A], "DIRECT_POST", { privacy_level: "PUBLIC_TO_EVERYONE" }))).body.data.publish_id;
    const res = await status(s, token, id);
    expect(res.text).toMatch(/"publicaly_available_post_id":\[7\d{18}\]/);
    expect(res.text).toContain(`[${s.publishes[0]?.postId}]`);
  });

  it.each<[string, string]>([
    ["https://media.example.org/news/c.png", "file_format_check_failed"],
    ["https://media.example.org/news/huge.jpg", "picture_size_check_failed"],
    ["https://media.example.org/news/moved.jpg", "photo_pull_failed"],
    ["https://media.example.org/news/missing.jpg", "photo_pull_failed"],
  ])("pulling %s → FAILED %s", async (url, reason) => {
    const s = await start({ processingReads: 0 });
    const token = await accessFor(s);
    const id = (await init(s, token, photo([url]))).body.data.publish_id;
    expect((await status(s, token, id)).body.data).toMatchObject({ status: "FAILED", fail_reason: reason });
  });

  it("a forced fail_reason; an unknown publish_id; another creator's publish_id", async () => {
    const s = await start({ processingReads: 0 });
    const token = await accessFor(s);
    s.nextPublishes({ failReason: "spam_risk_text" });
    const id = (await init(s, token, photo([A]))).body.data.publish_id;
    expect((await status(s, token, id)).body.data).toMatchObject({ status: "FAILED", fail_reason: "spam_risk_text" });
    expect(await status(s, token, "p_pub_url~v2.999")).toMatchObject({ status: 400, body: { error: { code: "invalid_publish_id" } } });
    const stranger = (await refresh(s, s.tokens.issueRefreshToken("another-creator-open-id", ["video.upload"]))).body.access_token;
    expect((await status(s, stranger, id)).body.error.code).toBe("token_not_authorized_for_specified_publish_id");
  });
});
