// Loopback stand-in for the Threads API (graph.threads.net), on the shared harness. Imports nothing
// from src/ or adapters/. README.md lists every rule with its reference page.
import { startHarness, type RecordedRequest, type Reply } from "../harness.js";
import { ERR } from "./graph-errors.js";
import { Publishing } from "./publishing.js";
import type { LoopbackUser, ThreadsLoopback, ThreadsLoopbackOptions, TokenRecord } from "./types.js";

export type * from "./types.js";

const DAY = 86_400_000;
/** Long-lived tokens "are valid for 60 days" (https://developers.facebook.com/docs/threads/get-started/long-lived-tokens). */
export const TOKEN_LIFETIME_S = 60 * 86_400;
export const DEFAULT_USER: LoopbackUser = { id: "17841400000000001", username: "crier_news", token: "THloopCrierNewsToken0000000000000001" };
/** "All API calls to graph.threads.net should use v1.0" (changelog, 7 Jun 2024). */
const VERSIONS = new Set(["v1.0"]);
const ALL_SCOPES = ["threads_basic", "threads_content_publish", "threads_delete"];

export async function startThreadsLoopback(opts: ThreadsLoopbackOptions = {}): Promise<ThreadsLoopback> {
  let clock = opts.startAt ?? Date.now();
  const now = () => clock;
  const users = (opts.users ?? [DEFAULT_USER]).map((u) => ({ ...u }));
  const tokens = new Map<string, TokenRecord>();
  let issued = 0;
  const issueToken = (userId: string, ageMs = 0, token = `THloopIssued${String(++issued).padStart(24, "0")}`) => {
    tokens.set(token, { token, userId, issuedAt: now() - ageMs, expiresAt: now() - ageMs + TOKEN_LIFETIME_S * 1000 });
    return token;
  };
  for (const u of users) issueToken(u.id, u.issuedAt === undefined ? 2 * DAY : now() - u.issuedAt, u.token);
  const reads = opts.inProgressReads ?? 0;
  const store = new Publishing(now, typeof reads === "number" ? () => reads : reads, { publish: opts.publishQuota ?? 250, delete: opts.deleteQuota ?? 100 });

  // The token rides as the `access_token` parameter, in the query or the form body, as in every
  // example of the reference (the Authorization header is not read: loopback choice).
  const paramsOf = (req: RecordedRequest): Record<string, string> => {
    const form = Object.fromEntries(Object.entries(req.form ?? {}).map(([k, v]) => [k, Array.isArray(v) ? (v.at(-1) ?? "") : v]));
    return { ...req.query, ...form };
  };
  const fieldsOf = (p: Record<string, string>) => (p.fields ? p.fields.split(",").map((f) => f.trim()).filter(Boolean) : []);
  type Authed = { user: LoopbackUser; p: Record<string, string> };
  const authed = (req: RecordedRequest, need?: string): Authed | Reply => {
    if (req.params.version !== undefined && !VERSIONS.has(req.params.version)) return ERR.param(`Unknown API version ${req.params.version} (loopback serves v1.0)`);
    const p = paramsOf(req);
    const rec = tokens.get(p.access_token ?? "");
    if (!rec) return ERR.badToken();
    if (rec.expiresAt <= now()) return ERR.expiredToken(rec.expiresAt);
    const user = users.find((u) => u.id === rec.userId) as LoopbackUser;
    // threads_basic: "Required for all Threads endpoints"; threads_content_publish: publishing; threads_delete: delete (Get Started, Delete Posts).
    const scopes = user.scopes ?? ALL_SCOPES;
    for (const s of ["threads_basic", need]) if (s && !scopes.includes(s)) return ERR.permission(s);
    return { user, p };
  };
  const isReply = (x: Authed | Reply): x is Reply => "status" in x;
  const route = (need: string | undefined, run: (a: Authed, req: RecordedRequest) => Reply | Promise<Reply>, ownUser = false) => async (req: RecordedRequest) => {
    const a = authed(req, need);
    if (isReply(a)) return a;
    // "me" or the token's own id; "You may only fetch the profile of the app-scoped user" (Profiles).
    if (ownUser && req.params.user !== "me" && req.params.user !== a.user.id) return ERR.noObject(req.params.user ?? "");
    return run(a, req);
  };

  const h = await startHarness({ now, notFound: (req) => ERR.param(`Unsupported ${req.method.toLowerCase()} request (loopback: no such route)`) });
  const permalinkBase = "https://www.threads.com";

  // GET /refresh_access_token?grant_type=th_refresh_token&access_token=… (no version): "can be refreshed
  // as long as they are at least 24 hours old but have not expired"; "Refreshed tokens are valid for 60
  // days"; answer { access_token, token_type: "bearer", expires_in }. The old token stays valid (loopback choice).
  h.route("GET", "/refresh_access_token", (req) => {
    const p = paramsOf(req);
    if (p.grant_type !== "th_refresh_token") return ERR.param("Param grant_type must be th_refresh_token");
    const rec = tokens.get(p.access_token ?? "");
    if (!rec) return ERR.badToken();
    if (rec.expiresAt <= now()) return ERR.expiredToken(rec.expiresAt);
    if (now() - rec.issuedAt < DAY) return ERR.param("The access token must be at least 24 hours old to be refreshed"); // error unconfirmed: loopback choice
    return { status: 200, body: { access_token: issueToken(rec.userId), token_type: "bearer", expires_in: TOKEN_LIFETIME_S } };
  });
  // GET /me?fields=id,username → a flat { id, username } (Profiles).
  h.route("GET", "/:version/me", route(undefined, ({ user, p }) => {
    const fields = fieldsOf(p);
    return { status: 200, body: { id: user.id, ...(fields.includes("username") ? { username: user.username } : {}) } };
  }));
  h.route("POST", "/:version/:user/threads", route("threads_content_publish", ({ user, p }) => store.create(user, p), true));
  h.route("GET", "/:version/:user/threads", route(undefined, ({ user, p }) => store.list(user, fieldsOf(p), Math.min(100, Number(p.limit ?? 25) || 25)), true));
  h.route("POST", "/:version/:user/threads_publish", route("threads_content_publish", ({ user, p }) => store.publish(user, p, permalinkBase), true));
  // GET /{threads-user-id}/threads_publishing_limit (Overview): { data: [{ quota_usage, config: { quota_total, quota_duration } , delete_… }] }.
  h.route("GET", "/:version/:user/threads_publishing_limit", route(undefined, ({ user, p }) => {
    const fields = fieldsOf(p);
    const pub = store.published.peek(user.id, now());
    const del = store.deleted.peek(user.id, now());
    const row: Record<string, unknown> = {};
    if (fields.includes("quota_usage")) row.quota_usage = pub.limit - pub.remaining;
    if (fields.includes("config")) row.config = { quota_total: pub.limit, quota_duration: DAY / 1000 };
    if (fields.includes("delete_quota_usage")) row.delete_quota_usage = del.limit - del.remaining;
    if (fields.includes("delete_config")) row.delete_config = { quota_total: del.limit, quota_duration: DAY / 1000 };
    return { status: 200, body: { data: [row] } };
  }, true));
  h.route("GET", "/:version/:id", route(undefined, ({ user, p }, req) => store.read(user, req.params.id ?? "", fieldsOf(p))));
  h.route("DELETE", "/:version/:id", route("threads_delete", ({ user }, req) => store.remove(user, req.params.id ?? "")));

  return {
    url: h.url,
    harness: h,
    requests: h.requests,
    users,
    tokens,
    containers: store.containers,
    posts: store.posts,
    publishes: store.publishes,
    imageFetches: store.imageFetches,
    now,
    advance: (ms) => void (clock += ms),
    issueToken: (userId, ageMs) => issueToken(userId, ageMs),
    close: () => h.close(),
  };
}
