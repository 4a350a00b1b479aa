// Loopback stand-in for the X API v2 (https://api.x.com), for Crier's tests, on the shared harness
// (listening, recording, faults, rate limits, ids). Imports nothing from src/ or adapters/. Each
// rule cites its X documentation page in the module that implements it (oauth.ts, tweets.ts,
// media.ts, metadata.ts, ratelimit.ts, problems.ts); README.md lists them all with their dates.
import { startHarness, type LimitRule, type Reply } from "../harness.js";
import { X_SNOWFLAKE, snowflakeIds } from "../harness-ids.js";
import { WindowLimiter } from "../harness-limits.js";
import { MediaUploads } from "./media.js";
import { createMediaMetadata } from "./metadata.js";
import { NonceStore, verifyOAuthRequest, type ParamList, type VerifyResult } from "./oauth.js";
import { contentTypeFor, routeNotFound, tooManyRequests, unauthorized } from "./problems.js";
import { DAY_MS, DEFAULT_LIMITS, dayHeaders, windowHeaders } from "./ratelimit.js";
import { Posts, me } from "./tweets.js";
import type { StoredMedia, StoredTweet, XLoopback, XLoopbackOptions, XLoopbackUser, XRequest } from "./types.js";

export type * from "./types.js";

/** Problem bodies (`type` + `title`) go out as application/problem+json (X's OpenAPI), data as JSON. */
const typed = (r: Reply): Reply => ({ ...r, headers: { "content-type": contentTypeFor(r.body), ...r.headers } });

export async function startXLoopback(opts: XLoopbackOptions): Promise<XLoopback> {
  const tweets: StoredTweet[] = [];
  const media: StoredMedia[] = [];
  const nextId = snowflakeIds(X_SNOWFLAKE); // https://docs.x.com/resources/fundamentals/x-ids (2026-11-27)
  const uploads = new MediaUploads(media, () => nextId());
  const posts = new Posts(tweets, uploads, () => nextId());
  const nonces = new NonceStore();

  // OAuth 1.0a, verified once per request: before the fault hook (which sees `userId`), or by the
  // first rule or route that needs it when a fault was injected through the harness.
  const verified = new WeakMap<XRequest, VerifyResult<XLoopbackUser>>();
  const verify = (req: XRequest): VerifyResult<XLoopbackUser> => {
    let result = verified.get(req);
    if (result) return result;
    // Form-encoded body parameters are signed; JSON and multipart bodies are not
    // (https://docs.x.com/fundamentals/authentication/oauth-1-0a/creating-a-signature, 2026-11-27).
    const form = /^application\/x-www-form-urlencoded/i.test(String(req.headers["content-type"] ?? ""));
    const formBody: ParamList = form ? [...new URLSearchParams(req.body.toString("utf8"))] : [];
    const authorization = String(req.headers.authorization ?? "") || undefined;
    result = verifyOAuthRequest({ method: req.method, path: req.path, query: [...new URLSearchParams(req.search)], formBody, authorization }, opts.consumer, opts.users, nonces, Date.now());
    verified.set(req, result);
    if (result.ok) req.userId = result.user.id;
    else req.authError = result.reason;
    return result;
  };
  // The nonce is spent when the request is processed (not on a `status` or `destroy-before`
  // fault): "whether a request has been submitted multiple times". A concurrent twin loses.
  const spent = new WeakSet<XRequest>();
  const userOf = (req: XRequest): XLoopbackUser | undefined => {
    const result = verify(req);
    if (!result.ok) return undefined;
    if (!spent.has(req)) {
      if (nonces.has(result.nonceKey)) {
        verified.set(req, { ok: false, reason: "replayed oauth_nonce" });
        delete req.userId;
        req.authError = "replayed oauth_nonce";
        return undefined;
      }
      nonces.commit(result.nonceKey, Date.now());
      spent.add(req);
    }
    return result.user;
  };

  // Per user and endpoint; POST /2/tweets also under the 24-hour cap, counted only when the window
  // let the request through (the harness stops at the first full limit). 401s count nowhere.
  const day = opts.userDayLimit === undefined ? undefined : new WindowLimiter({ limit: opts.userDayLimit, windowMs: DAY_MS });
  const key = (req: XRequest) => userOf(req)?.id;
  const limits: LimitRule[] = Object.entries(DEFAULT_LIMITS).map(([name, l]) => {
    const tweeting = name === "POST /2/tweets";
    return {
      match: (req) => `${req.method} ${req.route}` === name,
      key,
      limiter: new WindowLimiter(tweeting ? (opts.rateLimit ?? l) : l),
      headers: windowHeaders,
      tooMany: (_s, now, req) => typed({ ...tooManyRequests(), headers: tweeting && day ? dayHeaders(day.peek(key(req) ?? "", now)) : {} }),
    };
  });
  if (day) limits.push({ match: "/2/tweets", key, limiter: day, headers: dayHeaders, tooMany: () => typed(tooManyRequests()) });

  const h = await startHarness({
    limits,
    onRequest: (req) => (verify(req), opts.onRequest?.(req)),
    notFound: (req) => typed(userOf(req) ? routeNotFound() : unauthorized()), // after authentication
    internalError: (err) => typed({ status: 500, body: { title: "Internal Server Error", type: "about:blank", status: 500, detail: String(err) } }),
  });
  const route = (method: string, pattern: string, run: (user: XLoopbackUser, req: XRequest, contentType: string) => Reply) =>
    h.route(method, pattern, (req) => {
      const user = userOf(req);
      return typed(user ? run(user, req, String(req.headers["content-type"] ?? "")) : unauthorized());
    });
  route("POST", "/2/tweets", (u, req, type) => posts.create(u.id, type, req.json));
  route("DELETE", "/2/tweets/:id", (u, req) => posts.delete(u.id, req.params.id ?? ""));
  route("GET", "/2/users/me", (u) => me(u));
  route("POST", "/2/media/upload/initialize", (u, req) => uploads.initialize(u.id, req.json));
  route("POST", "/2/media/upload/:id/append", (u, req, type) => uploads.append(u.id, req.params.id ?? "", type, req.body, req.json));
  route("POST", "/2/media/upload/:id/finalize", (u, req) => uploads.finalize(u.id, req.params.id ?? ""));
  route("GET", "/2/media/upload", (u, req) => uploads.status(u.id, req.query));
  route("POST", "/2/media/metadata", (u, req, type) => createMediaMetadata(media, u.id, type, req.json));

  return { url: h.url, harness: h, requests: h.requests as XRequest[], tweets, media, close: () => h.close() };
}
