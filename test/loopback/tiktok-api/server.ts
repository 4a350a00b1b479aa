// Loopback stand-in for TikTok's Content Posting API (photo posts) and the OAuth and user-info
// endpoints Crier uses, built on the shared harness. Each rule cites its reference page in the
// file that implements it; README.md lists them all. Imports nothing from src/ or adapters/.
import { sequentialIds } from "../harness-ids.js";
import { WindowLimiter } from "../harness-limits.js";
import { startHarness, type Harness, type LimitRule, type RecordedRequest, type Reply } from "../harness.js";
import { apiError, logId, ok, rawJson } from "./envelope.js";
import { TokenIssuer, type Grant } from "./oauth.js";
import { initPublish, invalidInit, privacyOptions, statusOf, type Creator, type InitBody, type Publish } from "./publish.js";

export type { Creator, Publish } from "./publish.js";

export interface TikTokLoopbackOptions {
  clientKey?: string;
  clientSecret?: string;
  creator?: Partial<Creator>;
  /** The app passed TikTok's audit (default false: posts private, DIRECT_POST only to private accounts). */
  audited?: boolean;
  /** Domains and URL prefixes verified for the app in the developer portal. */
  verified?: string[];
  /** Stand-in for DNS: verified host → the http://127.0.0.1 image server that serves it. */
  hosts?: Record<string, string>;
  /** Access token lifetime, seconds (default 7200, the November 2026 page). */
  accessTtlSec?: number;
  /** Refresh token lifetime, seconds (default 180 days). */
  refreshTtlSec?: number;
  /** PROCESSING_DOWNLOAD answers per publish before its outcome (default 1). */
  processingReads?: number;
  /** HTTP status of OAuth errors (default 200, as observed). */
  oauthErrorStatus?: number;
  now?: () => number;
}

export interface TikTokLoopback {
  url: string;
  h: Harness;
  creator: Creator;
  tokens: TokenIssuer;
  publishes: Publish[];
  /** A refresh token for the creator with these scopes, as the code exchange gives the operator. */
  issueRefreshToken(scopes?: readonly string[]): string;
  /** Every access token lapses now. */
  expireAccessTokens(): void;
  /** How the next inits go: PROCESSING_DOWNLOAD reads, a forced fail_reason. */
  nextPublishes(how: { processingReads?: number; failReason?: string | undefined }): void;
  /** The creator finishes a MEDIA_UPLOAD draft in the app. */
  finishDraft(publishId: string): void;
  setAudited(audited: boolean): void;
  close(): Promise<void>;
}

export const DEFAULT_SCOPES = ["user.info.basic", "video.upload", "video.publish"] as const;
const MINUTE = 60_000;

export async function startTikTokLoopback(opts: TikTokLoopbackOptions = {}): Promise<TikTokLoopback> {
  const now = opts.now ?? Date.now;
  const creator: Creator = { openId: "afd97af1-b87b-48b9-ac98-410aghda5344", displayName: "Riverside Courier", username: "riversidecourier", private: true, ...opts.creator };
  const tokens = new TokenIssuer({
    clientKey: opts.clientKey ?? "awloopbackclientkey",
    clientSecret: opts.clientSecret ?? "loopback-client-secret-0123456789",
    accessTtlSec: opts.accessTtlSec ?? 7200,
    refreshTtlSec: opts.refreshTtlSec ?? 180 * 86_400,
    errorStatus: opts.oauthErrorStatus ?? 200,
    now,
  });
  const publishes: Publish[] = [];
  const ids = sequentialIds(1000);
  let audited = opts.audited ?? false;
  let next: { processingReads: number; failReason?: string | undefined } = { processingReads: opts.processingReads ?? 1 };
  const invalidToken = () => apiError(now(), 401, "access_token_invalid", "The access token is invalid or not found in the request.");

  // Per access token, on each page: init 6/min, creator_info 20/min, status/fetch 30/min; the v2
  // rate-limit page counts "in a one-minute sliding window" and answers 429 rate_limit_exceeded.
  const perToken = (route: string, limit: number): LimitRule => ({
    match: route,
    key: (req) => tokens.grantOf(req)?.token,
    limiter: new WindowLimiter({ limit, windowMs: MINUTE, mode: "sliding" }),
    tooMany: () => apiError(now(), 429, "rate_limit_exceeded", "Your request is blocked due to exceeding the API rate limit."),
  });
  const INIT = "/v2/post/publish/content/init/";
  const CREATOR = "/v2/post/publish/creator_info/query/";
  const STATUS = "/v2/post/publish/status/fetch/";
  const h = await startHarness({
    now,
    notFound: () => apiError(now(), 404, "not_found", "no such endpoint"),
    limits: [perToken(INIT, 6), perToken(CREATOR, 20), perToken(STATUS, 30)],
  });

  /** The caller's grant, holding `scope`; else TikTok's 401. */
  const authorize = (req: RecordedRequest, scopes: readonly string[]): Grant | Reply => {
    const grant = tokens.grantOf(req);
    if (!grant) return invalidToken();
    if (!scopes.some((s) => grant.scopes.includes(s))) return apiError(now(), 401, "scope_not_authorized", `The access_token does not bear user's grant on ${scopes.join(" or ")}.`);
    return grant;
  };
  const isReply = (v: Grant | Reply): v is Reply => "status" in v;

  h.route("POST", "/v2/oauth/token/", (req) => tokens.token(req));

  // https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info: `fields` required; open_id, union_id,
  // avatar_url, display_name under user.info.basic; username (and bio, stats) under user.info.profile
  // since the scope migration (https://developers.tiktok.com/bulletin/user-info-scope-migration).
  h.route("GET", "/v2/user/info/", (req) => {
    const grant = authorize(req, ["user.info.basic"]);
    if (isReply(grant)) return grant;
    const fields = (req.query.fields ?? "").split(",").filter(Boolean);
    if (fields.length === 0) return apiError(now(), 400, "invalid_params", "fields is required");
    const values: Record<string, string> = { open_id: creator.openId, union_id: `u-${creator.openId}`, avatar_url: "https://p16-sign.tiktokcdn-us.com/loopback.jpeg", display_name: creator.displayName, username: creator.username };
    const unknown = fields.find((f) => !(f in values));
    if (unknown) return apiError(now(), 400, "invalid_params", `unknown field ${unknown}`);
    if (fields.includes("username") && !grant.scopes.includes("user.info.profile")) return apiError(now(), 401, "scope_not_authorized", "username needs user.info.profile");
    return ok(now(), { user: Object.fromEntries(fields.map((f) => [f, values[f]])) });
  });

  // https://developers.tiktok.com/doc/content-posting-api-reference-query-creator-info/: scope video.publish only.
  h.route("POST", CREATOR, (req) => {
    const grant = authorize(req, ["video.publish"]);
    if (isReply(grant)) return grant;
    return ok(now(), {
      creator_avatar_url: "https://lf16-tt4d.tiktokcdn.com/obj/loopback.jpeg",
      creator_username: creator.username,
      creator_nickname: creator.displayName,
      privacy_level_options: privacyOptions(creator, audited),
      comment_disabled: false,
      duet_disabled: false,
      stitch_disabled: true,
      max_video_post_duration_sec: 300,
    });
  });

  h.route("POST", INIT, (req) => {
    const grant = tokens.grantOf(req);
    if (!grant) return invalidToken();
    if (req.jsonError !== undefined || !String(req.headers["content-type"] ?? "").startsWith("application/json")) return apiError(now(), 400, "invalid_param", "the body must be JSON (application/json; charset=UTF-8)");
    const problem = invalidInit(req.json);
    if (problem) return apiError(now(), 400, "invalid_param", problem);
    const body = req.json as InitBody;
    // "Direct Post … must have authorized your app for the video.publish scope"; upload: video.upload.
    const scope = body.post_mode === "DIRECT_POST" ? "video.publish" : "video.upload";
    if (!grant.scopes.includes(scope)) return apiError(now(), 401, "scope_not_authorized", `The access_token does not bear user's grant on ${scope}.`);
    const made = initPublish(body, publishes, { creator, audited, verified: opts.verified ?? [], hosts: opts.hosts ?? {}, processingReads: next.processingReads, forcedFail: next.failReason, now: now() }, () => ids());
    if ("status" in made) return made;
    publishes.push(made);
    return ok(now(), { publish_id: made.id });
  });

  h.route("POST", STATUS, async (req) => {
    const grant = authorize(req, ["video.upload", "video.publish"]);
    if (isReply(grant)) return grant;
    const id = (req.json as { publish_id?: unknown } | undefined)?.publish_id;
    const p = publishes.find((x) => x.id === id);
    if (!p) return apiError(now(), 400, "invalid_publish_id", "The publish_id does not exist.");
    if (p.openId !== grant.openId) return apiError(now(), 400, "token_not_authorized_for_specified_publish_id", "The access_token does not have authorization to the publish.");
    const data = await statusOf(p, audited);
    return rawJson(200, { data, error: { code: "ok", message: "", log_id: logId(now()) } }, new Set([p.postId]));
  });

  return {
    url: h.url,
    h,
    creator,
    tokens,
    publishes,
    issueRefreshToken: (scopes = DEFAULT_SCOPES) => tokens.issueRefreshToken(creator.openId, scopes),
    expireAccessTokens: () => tokens.expireAccessTokens(),
    nextPublishes: (how) => (next = { processingReads: how.processingReads ?? next.processingReads, failReason: how.failReason }),
    finishDraft: (publishId) => {
      const p = publishes.find((x) => x.id === publishId);
      if (!p) throw new Error(`no publish ${publishId}`);
      p.finished = true;
    },
    setAudited: (a) => void (audited = a),
    close: () => h.close(),
  };
}
