// Loopback stand-in for a Mastodon server's REST API, for Crier's tests, on the shared harness
// (listening, recording, faults, rate limits, ids). Imports nothing from src/ or adapters/. Each
// rule cites docs.joinmastodon.org or Mastodon's source where it is implemented; README.md lists
// them all with the date they were read.
import { startHarness, type Handler, type RecordedRequest, type Reply } from "../harness.js";
import { sequentialIds } from "../harness-ids.js";
import { WindowLimiter, type LimitState } from "../harness-limits.js";
import { credentialAccountEntity, instanceEntity } from "./entities.js";
import { DEFAULT_API_LIMIT, DEFAULT_MEDIA_LIMIT, DEFAULT_STATUS_LIMIT, closestLimit, rateLimitHeaders } from "./limits.js";
import { DEFAULT_IMAGE_MATRIX_LIMIT, DEFAULT_IMAGE_SIZE_LIMIT, MediaStore } from "./media.js";
import { paramsOf } from "./params.js";
import { Statuses } from "./statuses.js";
import type { MastodonLoopback, MastodonLoopbackAccount, MastodonLoopbackOptions, MastodonRequest, StoredMedia, StoredStatus, WindowLimit } from "./types.js";

export type * from "./types.js";

export const DEFAULT_ACCOUNT: MastodonLoopbackAccount = { id: "1", username: "crier", token: "loopback-token-crier" };

// Doorkeeper's answer for a missing, unknown or revoked token (docs: statuses#create, 401).
const UNAUTHORIZED: Reply = {
  status: 401,
  body: { error: "The access token is invalid" },
  headers: { "www-authenticate": 'Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"' },
};
// Api::BaseController#doorkeeper_forbidden_render_options
const FORBIDDEN: Reply = { status: 403, body: { error: "This action is outside the authorized scopes" } };
// Api::BaseController: ActiveRecord::RecordNotFound (docs: statuses#get, 404); also unknown routes (loopback choice).
const NOT_FOUND: Reply = { status: 404, body: { error: "Record not found" } };

/** Scopes that grant a route (https://docs.joinmastodon.org/api/oauth-scopes/, read 2026-12-06; `profile` since 4.3). */
const WRITE_STATUSES = ["write", "write:statuses"];
const WRITE_MEDIA = ["write", "write:media"]; // docs: media#v2 "User token + write:media"
const READ_ACCOUNT = ["read", "read:accounts", "profile"];

export async function startMastodonLoopback(opts: MastodonLoopbackOptions = {}): Promise<MastodonLoopback> {
  const accounts = opts.accounts ?? [DEFAULT_ACCOUNT];
  const statuses: StoredStatus[] = [];
  const uploads: StoredMedia[] = [];
  const aligned = (l: WindowLimit) => new WindowLimiter({ ...l, mode: "aligned" });
  const apiLimiter = aligned(opts.apiLimit ?? DEFAULT_API_LIMIT);
  const mediaLimiter = aligned(opts.mediaLimit ?? DEFAULT_MEDIA_LIMIT);
  const limits = {
    maxCharacters: opts.maxCharacters ?? 500,
    perUrl: opts.charactersReservedPerUrl ?? 23,
    imageSizeLimit: opts.imageSizeLimit ?? DEFAULT_IMAGE_SIZE_LIMIT,
    imageMatrixLimit: opts.imageMatrixLimit ?? DEFAULT_IMAGE_MATRIX_LIMIT,
  };

  // Authorization: Bearer <token> (https://docs.joinmastodon.org/client/authorized/), read from the
  // header only (loopback choice; Doorkeeper also reads an `access_token` parameter).
  const accountOf = (req: MastodonRequest): MastodonLoopbackAccount | undefined => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""))?.[1];
    const account = bearer ? accounts.find((a) => a.token === bearer) : undefined;
    if (account) req.accountId = account.id;
    return account;
  };
  const tooMany = (s: LimitState): Reply => ({ status: 429, body: { error: "Too many requests" }, headers: rateLimitHeaders(s) }); // rack_attack.rb throttled_responder
  const h = await startHarness({
    notFound: () => NOT_FOUND,
    internalError: (err) => ({ status: 500, body: { error: String(err) } }),
    // rack-attack counts before the controller runs (so before the scope check), authenticated
    // requests only: throttle_per_token_api on every /api call, throttle_api_media on uploads.
    limits: [
      { match: (req) => req.route !== "/api/v2/instance", key: (req) => accountOf(req)?.token, limiter: apiLimiter, tooMany },
      { match: "/api/v2/media", key: (req) => accountOf(req)?.id, limiter: mediaLimiter, tooMany },
    ],
    onRequest: (req) => (accountOf(req), opts.onRequest?.(req)),
  });

  /** A route for an account holding one of `scopes`; its answer carries the limit closest to running out. */
  const authed = (scopes: readonly string[], run: (a: MastodonLoopbackAccount, req: MastodonRequest, now: number) => Reply): Handler => (req) => {
    const account = accountOf(req);
    if (!account) return UNAUTHORIZED;
    const now = Date.now();
    const counted = [apiLimiter.peek(account.token, now), ...(req.route === "/api/v2/media" ? [mediaLimiter.peek(account.id, now)] : [])];
    if (!scopes.some((s) => (account.scopes ?? ["read", "write"]).includes(s))) return closestLimit(FORBIDDEN, counted);
    return closestLimit(run(account, req, now), counted);
  };

  const ids = sequentialIds();
  const media = new MediaStore(uploads, {
    base: h.url,
    imageSizeLimit: limits.imageSizeLimit,
    imageMatrixLimit: limits.imageMatrixLimit,
    processingMs: opts.mediaProcessingMs ?? 0,
    nextId: () => ids("media"),
  });
  const store = new Statuses(statuses, {
    base: h.url,
    maxCharacters: limits.maxCharacters,
    perUrl: limits.perUrl,
    idempotencyTtlMs: opts.idempotencyTtlMs ?? 3_600_000,
    limiter: aligned(opts.statusLimit ?? DEFAULT_STATUS_LIMIT),
    media,
    nextId: () => ids("status"),
  });
  const idempotencyKey = (req: RecordedRequest) => String(req.headers["idempotency-key"] ?? "") || undefined;

  // GET /api/v2/instance needs no token (https://docs.joinmastodon.org/methods/instance/#v2, read 2026-12-06).
  h.route("GET", "/api/v2/instance", () => ({ status: 200, body: instanceEntity(h.url, opts.domain ?? "mastodon.loopback", limits) }));
  h.route("GET", "/api/v1/accounts/verify_credentials", authed(READ_ACCOUNT, (a) => ({
    status: 200,
    body: credentialAccountEntity(h.url, a, statuses.filter((s) => s.accountId === a.id && !s.deleted).length),
  })));
  h.route("POST", "/api/v1/statuses", authed(WRITE_STATUSES, (a, req, now) => store.create(a, paramsOf(req), idempotencyKey(req), now)));
  h.route("DELETE", "/api/v1/statuses/:id", authed(WRITE_STATUSES, (a, req) => store.delete(a, req.params.id ?? "")));
  h.route("POST", "/api/v2/media", authed(WRITE_MEDIA, (a, req, now) => media.create(a, req, now)));

  return { url: h.url, harness: h, requests: h.requests as MastodonRequest[], statuses, media: uploads, close: () => h.close() };
}
