// Loopback stand-in for the Instagram API with Instagram Login (graph.instagram.com), content
// publishing only, on the shared harness. Every rule cites its page in the module that implements
// it (tokens.ts, publishing.ts, fetch-image.ts, caption.ts, graph-errors.ts); README.md lists them.
// Imports nothing from src/ or adapters/.
import { startHarness, type Handler, type RecordedRequest, type Reply } from "../harness.js";
import { WindowLimiter } from "../harness-limits.js";
import { sequentialIds } from "../harness-ids.js";
import { GRAPH, IG } from "./graph-errors.js";
import { createContainer, listMedia, publish, publishingLimit, readContainer, readMedia, type Publishing } from "./publishing.js";
import { DAY_MS, authenticate, paramsOf, presentedToken, refreshToken } from "./tokens.js";
import type { InstagramLoopback, InstagramLoopbackOptions, LoopbackAccount, LoopbackToken } from "./types.js";

export type * from "./types.js";

export const TOKEN = "IGAALoopbackToken0123456789abcdefghijklmnopqrstuvwxyz";
export const DEFAULT_ACCOUNT: LoopbackAccount = { userId: "17841400000000001", appScopedId: "27000000000000001", username: "riverside_courier" };
/** Business Login for Instagram scopes (Business Login page, "Updated: Mar 13, 2026"). */
export const PUBLISH_SCOPES = ["instagram_business_basic", "instagram_business_content_publish"] as const;
/** The Graph API versions table (changelog, "Updated: Oct 29, 2026"): v21.0 to v27.0 are available in Dec 2026. */
export const AVAILABLE_VERSIONS = ["v21.0", "v22.0", "v23.0", "v24.0", "v25.0", "v26.0", "v27.0"] as const;

export async function startInstagramLoopback(opts: InstagramLoopbackOptions = {}): Promise<InstagramLoopback> {
  let offset = (opts.startAt ?? Date.now()) - Date.now();
  const clock = { now: () => Date.now() + offset, advance: (ms: number) => void (offset += ms) };
  const account: LoopbackAccount = { ...DEFAULT_ACCOUNT, ...opts.account };
  const versions = new Set(opts.versions ?? AVAILABLE_VERSIONS);
  const tokens = new Map<string, LoopbackToken>();
  const addToken: InstagramLoopback["addToken"] = (t) => void tokens.set(t.value, { ...t, userId: t.userId ?? account.userId });
  const issuedAt = clock.now() - (opts.tokenAgeMs ?? 2 * DAY_MS);
  addToken({ value: opts.token ?? TOKEN, issuedAt, expiresAt: issuedAt + 60 * DAY_MS, scopes: opts.scopes ?? PUBLISH_SCOPES });

  const ids = sequentialIds(1);
  const base = { container: 17889455560051000n, media: 17920238422030000n };
  const p: Publishing = {
    containers: new Map(), media: [], imageFetches: [], account, now: clock.now,
    processing: { reads: opts.processing?.reads ?? 0, ms: opts.processing?.ms ?? 0 },
    quota: { total: opts.quotaTotal ?? 50, durationS: opts.quotaDurationS ?? 86_400 },
    imageFetchTimeoutMs: opts.imageFetchTimeoutMs ?? 5_000,
    captionsWithoutAt: opts.captionsWithoutAt ?? false,
    nextId: (kind) => String(base[kind] + BigInt(ids(kind))),
  };

  // https://developers.facebook.com/docs/graph-api/overview/rate-limiting: Instagram's BUC limit,
  // code 80002, reported in X-Business-Use-Case-Usage with type "instagram" and
  // estimated_time_to_regain_access in minutes ("Time, in minutes, until calls will not longer be throttled").
  const limiter = opts.callLimit ? new WindowLimiter({ limit: opts.callLimit.calls, windowMs: opts.callLimit.windowMs }) : undefined;
  const usageHeader = (remaining: number, limit: number, resetAt: number, now: number) => ({
    "x-business-use-case-usage": JSON.stringify({
      [account.userId]: [{ type: "instagram", call_count: Math.round(((limit - remaining) / limit) * 100), total_cputime: 1, total_time: 1, estimated_time_to_regain_access: remaining > 0 ? 0 : Math.ceil((resetAt - now) / 60_000) }],
    }),
  });
  const h = await startHarness({
    now: clock.now,
    notFound: (req) => GRAPH.unknownPath(req.path),
    limits: limiter
      ? [{
          match: (req) => req.route !== "/refresh_access_token",
          key: (req) => (tokens.get(presentedToken(req) ?? "") ? account.userId : undefined),
          limiter,
          headers: (s, now) => usageHeader(s.remaining, s.limit, s.resetAt, now),
          tooMany: () => GRAPH.throttled(),
        }]
      : [],
  });

  /** Every answer carries the server clock's Date (Graph answers carry one; the quota wait is read against it). */
  const dated = (fn: Handler): Handler => async (req) => {
    const reply = await fn(req);
    return { ...reply, headers: { date: new Date(clock.now()).toUTCString(), ...reply.headers } };
  };
  /** A versioned call by the account's token: the version is served, the token valid, the node the token's own. */
  const api = (fn: (req: RecordedRequest, token: LoopbackToken, params: Record<string, string>) => Reply | Promise<Reply>): Handler =>
    dated(async (req) => {
      if (!versions.has(req.params.version ?? "")) return GRAPH.unknownPath(req.path);
      const token = authenticate(tokens, req, clock.now());
      if ("status" in token) return token;
      const id = req.params.id;
      if (id !== undefined && id !== "me" && id !== account.userId && !p.containers.has(id) && !p.media.some((m) => m.id === id)) {
        return GRAPH.noSuchObject(id, req.method === "GET" ? "get" : "post");
      }
      return fn(req, token, paramsOf(req));
    });
  const canPublish = (token: LoopbackToken): Reply | undefined => (token.scopes.includes("instagram_business_content_publish") ? undefined : GRAPH.permission("instagram_business_content_publish"));
  const isAccount = (id: string | undefined) => id === account.userId || id === "me";

  h.route("GET", "/refresh_access_token", dated((req) => refreshToken(tokens, req, clock.now(), opts.revokeOnRefresh ?? false)));
  // Get Started page (examples v25.0): GET /me?fields=user_id,username → {"data":[{"user_id","username"}]}.
  h.route("GET", "/:version/me", api((_req, _token, params) => {
    const all: Record<string, string> = { id: account.appScopedId, user_id: account.userId, username: account.username };
    const fields = (params.fields ?? "id").split(",").map((f) => f.trim());
    const me = Object.fromEntries(fields.filter((f) => all[f] !== undefined).map((f) => [f, all[f]]));
    return { status: 200, body: (opts.meShape ?? "data") === "data" ? { data: [me] } : me };
  }));
  h.route("GET", "/:version/:id/content_publishing_limit", api((req, _t, params) =>
    isAccount(req.params.id) ? publishingLimit(p, params.fields, params.since) : GRAPH.noSuchObject(req.params.id ?? "", "get")));
  h.route("POST", "/:version/:id/media_publish", api((req, token, params) =>
    !isAccount(req.params.id) ? GRAPH.noSuchObject(req.params.id ?? "", "post") : (canPublish(token) ?? publish(p, params.creation_id))));
  h.route("POST", "/:version/:id/media", api(async (req, token, params) =>
    !isAccount(req.params.id) ? GRAPH.noSuchObject(req.params.id ?? "", "post") : (canPublish(token) ?? (await createContainer(p, params)))));
  h.route("GET", "/:version/:id/media", api((req, _t, params) =>
    isAccount(req.params.id) ? listMedia(p, params.fields, params.limit) : GRAPH.noSuchObject(req.params.id ?? "", "get")));
  h.route("GET", "/:version/:id", api((req, _t, params) => {
    const id = req.params.id ?? "";
    const container = p.containers.get(id);
    if (container) return readContainer(p, container, params.fields);
    const media = p.media.find((m) => m.id === id);
    return media ? readMedia(p, media, params.fields) : GRAPH.noSuchObject(id, "get");
  }));

  return {
    url: h.url,
    harness: h,
    requests: h.requests,
    account,
    tokens,
    containers: p.containers,
    media: p.media,
    imageFetches: p.imageFetches,
    processing: p.processing,
    clock,
    failContainer(id, subcode) {
      const c = p.containers.get(id);
      if (!c) throw new Error(`no container ${id}`);
      Object.assign(c, { state: "ERROR", errorSubcode: subcode });
    },
    addToken,
    close: () => h.close(),
  };
}

/** A Graph error body to inject as a fault (e.g. a 500 on publish), in the documented shape. */
export const graphFault = (reply: Reply) => ({ kind: "status" as const, status: reply.status, body: reply.body });
export { GRAPH, IG };
