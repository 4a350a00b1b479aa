// Loopback stand-in for the X API v2 (https://api.x.com), for Crier's tests.
// Plain node:http on 127.0.0.1. Each rule cites its X documentation page in the
// module that implements it (oauth.ts, tweets.ts, media.ts, ratelimit.ts,
// problems.ts); README.md lists them all.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { SnowflakeIds } from "./ids.js";
import { MediaUploads } from "./media.js";
import { createMediaMetadata } from "./metadata.js";
import { NonceStore, verifyOAuthRequest, type ParamList } from "./oauth.js";
import { contentTypeFor, routeNotFound, tooManyRequests, unauthorized } from "./problems.js";
import { DAY_MS, DEFAULT_LIMITS, FixedWindowLimiter, dayHeaders, windowHeaders } from "./ratelimit.js";
import { Posts, me } from "./tweets.js";
import type { FaultAction, RecordedRequest, Reply, StoredMedia, StoredTweet, XLoopback, XLoopbackOptions, XLoopbackUser } from "./types.js";

export type {
  FaultAction,
  RecordedRequest,
  StoredMedia,
  StoredTweet,
  XLoopback,
  XLoopbackOptions,
  XLoopbackUser,
} from "./types.js";

interface Route {
  /** Rate-limit bucket name, e.g. `POST /2/tweets`. */
  name: string;
  params: Record<string, string>;
}

function matchRoute(method: string, path: string): Route | undefined {
  if (method === "POST" && path === "/2/tweets") return { name: "POST /2/tweets", params: {} };
  let m = /^\/2\/tweets\/([^/]+)$/.exec(path);
  if (method === "DELETE" && m?.[1] !== undefined) return { name: "DELETE /2/tweets/:id", params: { id: decodeURIComponent(m[1]) } };
  if (method === "GET" && path === "/2/users/me") return { name: "GET /2/users/me", params: {} };
  if (method === "POST" && path === "/2/media/upload/initialize") return { name: "POST /2/media/upload/initialize", params: {} };
  if (method === "GET" && path === "/2/media/upload") return { name: "GET /2/media/upload", params: {} };
  if (method === "POST" && path === "/2/media/metadata") return { name: "POST /2/media/metadata", params: {} };
  m = /^\/2\/media\/upload\/([^/]+)\/(append|finalize)$/.exec(path);
  if (method === "POST" && m?.[1] !== undefined) {
    return { name: `POST /2/media/upload/:id/${m[2]}`, params: { id: decodeURIComponent(m[1]) } };
  }
  return undefined;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function header(req: { headers: http.IncomingHttpHeaders }, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

export async function startXLoopback(opts: XLoopbackOptions): Promise<XLoopback> {
  const requests: RecordedRequest[] = [];
  const tweets: StoredTweet[] = [];
  const media: StoredMedia[] = [];
  const ids = new SnowflakeIds();
  const uploads = new MediaUploads(media, ids);
  const posts = new Posts(tweets, uploads, ids);
  const nonces = new NonceStore();
  const tweetLimit = opts.rateLimit ?? DEFAULT_LIMITS["POST /2/tweets"]!;
  const limiters = new Map<string, FixedWindowLimiter>();
  for (const [name, l] of Object.entries(DEFAULT_LIMITS)) {
    const cfg = name === "POST /2/tweets" ? tweetLimit : l;
    limiters.set(name, new FixedWindowLimiter(cfg.limit, cfg.windowMs));
  }
  const dayLimiter = opts.userDayLimit !== undefined ? new FixedWindowLimiter(opts.userDayLimit, DAY_MS) : undefined;

  const sockets = new Set<Socket>();
  const hanging = new Set<http.ServerResponse>();
  const timers = new Map<NodeJS.Timeout, () => void>();
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.set(t, resolve);
    });

  function send(res: http.ServerResponse, reply: Reply): void {
    if (res.destroyed || res.headersSent) return;
    const payload = reply.body === undefined ? "" : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      "content-type": contentTypeFor(reply.body),
      "content-length": String(Buffer.byteLength(payload)),
      ...reply.headers,
    });
    res.end(payload);
  }

  /** Route, rate-limit and run an authenticated request. */
  function dispatch(rec: RecordedRequest, user: XLoopbackUser, route: Route): Reply {
    const now = Date.now();
    const limiter = limiters.get(route.name)!;
    const window = limiter.take(user.id, now);
    const headers = windowHeaders(window);
    let allowed = window.allowed;
    if (route.name === "POST /2/tweets" && dayLimiter) {
      // Only count the day when the window let the request through.
      const day = allowed ? dayLimiter.take(user.id, now) : { ...dayLimiter.peek(user.id, now), allowed: true };
      Object.assign(headers, dayHeaders(day));
      allowed = allowed && day.allowed;
    }
    if (!allowed) return { ...tooManyRequests(), headers };
    const contentType = header(rec, "content-type");
    let reply: Reply;
    switch (route.name) {
      case "POST /2/tweets":
        reply = posts.create(user.id, contentType, rec.json);
        break;
      case "DELETE /2/tweets/:id":
        reply = posts.delete(user.id, route.params.id ?? "");
        break;
      case "GET /2/users/me":
        reply = me(user);
        break;
      case "POST /2/media/upload/initialize":
        reply = uploads.initialize(user.id, rec.json);
        break;
      case "POST /2/media/upload/:id/append":
        reply = uploads.append(user.id, route.params.id ?? "", contentType, rec.body, rec.json);
        break;
      case "POST /2/media/upload/:id/finalize":
        reply = uploads.finalize(user.id, route.params.id ?? "");
        break;
      case "POST /2/media/metadata":
        reply = createMediaMetadata(media, user.id, contentType, rec.json);
        break;
      default:
        reply = uploads.status(user.id, rec.query);
    }
    return { ...reply, headers: { ...headers, ...reply.headers } };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    const contentType = header(req, "content-type");
    const queryList: ParamList = [...url.searchParams.entries()];
    const rec: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(queryList),
      headers: { ...req.headers },
      body,
      receivedAt: Date.now(),
    };
    if (/^application\/json/i.test(contentType) && body.length > 0) {
      try {
        rec.json = JSON.parse(body.toString("utf8"));
      } catch {
        // left undefined: answered as an invalid request
      }
    }
    // Form-encoded body parameters are signed; JSON and multipart bodies are not
    // (https://docs.x.com/fundamentals/authentication/oauth-1-0a/creating-a-signature).
    const formBody: ParamList = /^application\/x-www-form-urlencoded/i.test(contentType)
      ? [...new URLSearchParams(body.toString("utf8")).entries()]
      : [];
    const auth = verifyOAuthRequest(
      { method, path: url.pathname, query: queryList, formBody, authorization: header(req, "authorization") || undefined },
      opts.consumer,
      opts.users,
      nonces,
      Date.now(),
    );
    if (auth.ok) rec.userId = auth.user.id;
    else rec.authError = auth.reason;
    requests.push(rec);

    const fault: FaultAction | undefined = await opts.onRequest?.(rec);
    if (fault?.kind === "status") return send(res, { status: fault.status, body: fault.body, headers: fault.headers ?? {} });
    if (fault?.kind === "destroy-before") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "delay") await sleep(fault.ms);
    if (closed) return;

    const route = matchRoute(method, url.pathname);
    let reply: Reply;
    if (!auth.ok) {
      reply = unauthorized();
    } else if (nonces.has(auth.nonceKey)) {
      // A concurrent request with the same nonce got here first.
      rec.authError = "replayed oauth_nonce";
      reply = unauthorized();
    } else {
      nonces.commit(auth.nonceKey, Date.now());
      reply = route ? dispatch(rec, auth.user, route) : routeNotFound();
    }

    if (fault?.kind === "destroy-after") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "hang-after") {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    send(res, reply);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      send(res, {
        status: 500,
        body: { title: "Internal Server Error", type: "about:blank", status: 500, detail: String(err) },
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    tweets,
    media,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const [t, resolve] of timers) {
        clearTimeout(t);
        resolve();
      }
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await done;
    },
  };
}
