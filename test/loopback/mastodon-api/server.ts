// Loopback stand-in for a Mastodon server's REST API, for Crier's tests. Plain node:http on
// 127.0.0.1; imports nothing from src/ or adapters/. Each rule cites docs.joinmastodon.org or
// Mastodon's source where it is implemented; README.md lists them all.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { JSON_TYPE, credentialAccountEntity, instanceEntity } from "./entities.js";
import { AlignedWindowLimiter, DEFAULT_API_LIMIT, DEFAULT_STATUS_LIMIT, rateLimitHeaders } from "./ratelimit.js";
import { Statuses } from "./statuses.js";
import type { FaultAction, MastodonLoopback, MastodonLoopbackAccount, MastodonLoopbackOptions, RecordedRequest, Reply, StoredStatus } from "./types.js";

export type { FaultAction, MastodonLoopback, MastodonLoopbackAccount, MastodonLoopbackOptions, RecordedRequest, StoredStatus } from "./types.js";

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
const READ_ACCOUNT = ["read", "read:accounts", "profile"];

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function header(req: http.IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

/** Form data parameters (docs) as JSON or application/x-www-form-urlencoded, as Rails parses both. */
function paramsOf(contentType: string, body: Buffer, rec: RecordedRequest): void {
  if (/^application\/json/i.test(contentType) && body.length > 0) {
    try {
      rec.json = JSON.parse(body.toString("utf8"));
      if (rec.json && typeof rec.json === "object" && !Array.isArray(rec.json)) rec.params = { ...(rec.json as Record<string, unknown>) };
    } catch {
      // no parameters: answered like a missing status
    }
  } else if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
    rec.params = Object.fromEntries(new URLSearchParams(body.toString("utf8")));
  }
}

export async function startMastodonLoopback(opts: MastodonLoopbackOptions = {}): Promise<MastodonLoopback> {
  const accounts = opts.accounts ?? [DEFAULT_ACCOUNT];
  const requests: RecordedRequest[] = [];
  const stored: StoredStatus[] = [];
  const apiLimiter = new AlignedWindowLimiter(opts.apiLimit ?? DEFAULT_API_LIMIT);
  const sockets = new Set<Socket>();
  const hanging = new Set<http.ServerResponse>();
  const timers = new Map<NodeJS.Timeout, () => void>();
  let closed = false;
  let base = "";
  let statuses: Statuses | undefined;

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
      return { status: 200, body: instanceEntity(base, opts.domain ?? "mastodon.loopback", opts.maxCharacters ?? 500, opts.charactersReservedPerUrl ?? 23) };
    }
    const deleteMatch = /^\/api\/v1\/statuses\/([^/]+)$/.exec(path);
    const known = (method === "GET" && path === "/api/v1/accounts/verify_credentials") || (method === "POST" && path === "/api/v1/statuses") || (method === "DELETE" && deleteMatch);
    if (!known) return NOT_FOUND; // loopback choice for unknown routes
    if (!account) return UNAUTHORIZED;
    // rack-attack throttle_per_token_api: every authenticated API call counts; over -> 429.
    const api = apiLimiter.take(account.token, Date.now());
    const apiHeaders = rateLimitHeaders(api);
    if (!api.allowed) return { status: 429, body: { error: "Too many requests" }, headers: apiHeaders };
    const scopes = account.scopes ?? ["read", "write"];
    const needs = method === "GET" ? READ_ACCOUNT : WRITE_STATUSES;
    if (!needs.some((s) => scopes.includes(s))) return { ...FORBIDDEN, headers: apiHeaders };
    let reply: Reply;
    if (method === "GET") {
      reply = { status: 200, body: credentialAccountEntity(base, account, stored.filter((s) => s.accountId === account.id && !s.deleted).length) };
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
    paramsOf(header(req, "content-type"), body, rec);
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
  statuses = new Statuses(stored, {
    base,
    maxCharacters: opts.maxCharacters ?? 500,
    perUrl: opts.charactersReservedPerUrl ?? 23,
    idempotencyTtlMs: opts.idempotencyTtlMs ?? 3_600_000,
    limiter: new AlignedWindowLimiter(opts.statusLimit ?? DEFAULT_STATUS_LIMIT),
  });

  return {
    url: base,
    requests,
    statuses: stored,
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
