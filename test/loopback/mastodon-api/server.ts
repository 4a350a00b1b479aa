// Loopback stand-in for a Mastodon server's REST API, for Crier's tests. Plain node:http on
// 127.0.0.1; imports nothing from src/ or adapters/. Each rule cites docs.joinmastodon.org or
// Mastodon's source where it is implemented; README.md lists them all.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { JSON_TYPE, credentialAccountEntity, instanceEntity } from "./entities.js";
import { DEFAULT_IMAGE_MATRIX_LIMIT, DEFAULT_IMAGE_SIZE_LIMIT, DEFAULT_MEDIA_LIMIT, MediaStore } from "./media.js";
import { AlignedWindowLimiter, DEFAULT_API_LIMIT, DEFAULT_STATUS_LIMIT, rateLimitHeaders } from "./ratelimit.js";
import { header, paramsOf, readBody } from "./request.js";
import { Statuses } from "./statuses.js";
import type { FaultAction, MastodonLoopback, MastodonLoopbackAccount, MastodonLoopbackOptions, RecordedRequest, Reply, StoredMedia, StoredStatus } from "./types.js";

export type { FaultAction, MastodonLoopback, MastodonLoopbackAccount, MastodonLoopbackOptions, RecordedRequest, StoredMedia, StoredStatus } from "./types.js";

export const DEFAULT_ACCOUNT: MastodonLoopbackAccount = { id: "1", username: "crier", token: "loopback-token-crier" };

// Doorkeeper's answer for a missing, unknown or revoked token (docs: statuses#create, 401).
const UNAUTHORIZED: Reply = {
  status: 401,
  body: { error: "The access token is invalid" },
  headers: { "WWW-Authenticate": 'Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"' },
};
// Api::BaseController#doorkeeper_forbidden_render_options
const FORBIDDEN: Reply = { status: 403, body: { error: "This action is outside the authorized scopes" } };
const NOT_FOUND: Reply = { status: 404, body: { error: "Record not found" } };

/** Scopes that grant a route (https://docs.joinmastodon.org/api/oauth-scopes/; `profile` since 4.3). */
const WRITE_STATUSES = ["write", "write:statuses"];
const WRITE_MEDIA = ["write", "write:media"]; // docs: media#v2 "User token + write:media"
const READ_ACCOUNT = ["read", "read:accounts", "profile"];

export async function startMastodonLoopback(opts: MastodonLoopbackOptions = {}): Promise<MastodonLoopback> {
  const accounts = opts.accounts ?? [DEFAULT_ACCOUNT];
  const requests: RecordedRequest[] = [];
  const stored: StoredStatus[] = [];
  const uploads: StoredMedia[] = [];
  const apiLimiter = new AlignedWindowLimiter(opts.apiLimit ?? DEFAULT_API_LIMIT);
  const limits = {
    maxCharacters: opts.maxCharacters ?? 500,
    perUrl: opts.charactersReservedPerUrl ?? 23,
    imageSizeLimit: opts.imageSizeLimit ?? DEFAULT_IMAGE_SIZE_LIMIT,
    imageMatrixLimit: opts.imageMatrixLimit ?? DEFAULT_IMAGE_MATRIX_LIMIT,
  };
  const sockets = new Set<Socket>();
  const hanging = new Set<http.ServerResponse>();
  const timers = new Map<NodeJS.Timeout, () => void>();
  let closed = false;
  let base = "";
  let statuses: Statuses | undefined;
  let media: MediaStore | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => (timers.delete(t), resolve()), ms);
      timers.set(t, resolve);
    });

  function send(res: http.ServerResponse, reply: Reply): void {
    if (res.destroyed || res.headersSent) return;
    const payload = reply.body === undefined ? "" : JSON.stringify(reply.body);
    res.writeHead(reply.status, { "Content-Type": JSON_TYPE, "Content-Length": String(Buffer.byteLength(payload)), ...reply.headers });
    res.end(payload);
  }

  function route(rec: RecordedRequest, account: MastodonLoopbackAccount | undefined, idempotencyKey: string | undefined): Reply {
    const { method, path } = rec;
    // GET /api/v2/instance needs no token (https://docs.joinmastodon.org/methods/instance/#v2).
    if (method === "GET" && path === "/api/v2/instance") {
      return { status: 200, body: instanceEntity(base, opts.domain ?? "mastodon.loopback", limits) };
    }
    const deleteMatch = /^\/api\/v1\/statuses\/([^/]+)$/.exec(path);
    const upload = method === "POST" && path === "/api/v2/media";
    const known = (method === "GET" && path === "/api/v1/accounts/verify_credentials") || (method === "POST" && path === "/api/v1/statuses") || (method === "DELETE" && deleteMatch) || upload;
    if (!known) return NOT_FOUND; // loopback choice for unknown routes
    if (!account) return UNAUTHORIZED;
    // rack-attack throttle_per_token_api: every authenticated API call counts; over -> 429.
    const api = apiLimiter.take(account.token, Date.now());
    const apiHeaders = rateLimitHeaders(api);
    if (!api.allowed) return { status: 429, body: { error: "Too many requests" }, headers: apiHeaders };
    const scopes = account.scopes ?? ["read", "write"];
    const needs = method === "GET" ? READ_ACCOUNT : upload ? WRITE_MEDIA : WRITE_STATUSES;
    if (!needs.some((s) => scopes.includes(s))) return { ...FORBIDDEN, headers: apiHeaders };
    let reply: Reply;
    if (method === "GET") {
      reply = { status: 200, body: credentialAccountEntity(base, account, stored.filter((s) => s.accountId === account.id && !s.deleted).length) };
    } else if (upload) {
      reply = media!.create(account, rec, Date.now());
    } else if (method === "POST") {
      reply = statuses!.create(account, rec.params, idempotencyKey, Date.now());
    } else {
      reply = statuses!.delete(account, decodeURIComponent(deleteMatch?.[1] ?? ""));
    }
    // RateLimitHeaders: the headers describe the limit closest to running out.
    const own = Number(reply.headers?.["X-RateLimit-Remaining"] ?? Infinity);
    return { ...reply, headers: { ...reply.headers, ...(own <= api.remaining ? {} : apiHeaders) } };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const rec: RecordedRequest = {
      method: (req.method ?? "GET").toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body,
      params: {},
      receivedAt: Date.now(),
    };
    await paramsOf(header(req, "content-type"), body, rec);
    // Authorization: Bearer <token> (https://docs.joinmastodon.org/client/authorized/).
    const bearer = /^Bearer\s+(\S+)$/i.exec(header(req, "authorization"))?.[1];
    const account = bearer ? accounts.find((a) => a.token === bearer) : undefined;
    if (account) rec.accountId = account.id;
    requests.push(rec);

    const fault: FaultAction | undefined = await opts.onRequest?.(rec);
    if (fault?.kind === "status") return send(res, { status: fault.status, body: fault.body, headers: fault.headers ?? {} });
    if (fault?.kind === "destroy-before") return void req.socket.destroy();
    if (fault?.kind === "delay") await sleep(fault.ms);
    if (closed) return;

    const reply = route(rec, account, header(req, "idempotency-key") || undefined);
    if (fault?.kind === "destroy-after") return void req.socket.destroy();
    if (fault?.kind === "hang-after") {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    send(res, reply);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, { status: 500, body: { error: String(err) } }));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => (server.off("error", reject), resolve()));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  media = new MediaStore(uploads, {
    base,
    imageSizeLimit: limits.imageSizeLimit,
    imageMatrixLimit: limits.imageMatrixLimit,
    processingMs: opts.mediaProcessingMs ?? 0,
    limiter: new AlignedWindowLimiter(opts.mediaLimit ?? DEFAULT_MEDIA_LIMIT),
  });
  statuses = new Statuses(stored, {
    base,
    maxCharacters: limits.maxCharacters,
    perUrl: limits.perUrl,
    idempotencyTtlMs: opts.idempotencyTtlMs ?? 3_600_000,
    limiter: new AlignedWindowLimiter(opts.statusLimit ?? DEFAULT_STATUS_LIMIT),
    media,
  });

  return {
    url: base,
    requests,
    statuses: stored,
    media: uploads,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const [t, resolve] of timers) (clearTimeout(t), resolve());
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
    },
  };
}
