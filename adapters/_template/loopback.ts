// A loopback stand-in for the (imaginary) Example API, for the template's tests: plain node:http
// on 127.0.0.1, a port the OS picks.
//
// COPYING: a real adapter's loopback lives in test/loopback/<platform>/ (server.ts, README.md with
// every rule and its doc link, negative.test.ts), not in the adapter's folder. Its rules:
// - follow the platform's public docs to the letter, and cite the page for each rule; say
//   "observed" for wording taken from recorded responses and "loopback choice" where docs are silent;
// - refuse what the platform refuses, with its status and body (negative controls prove it);
// - import nothing from adapters/ or src/: it must not share a mistake with the adapter it checks.
import http from "node:http";
import type { Socket } from "node:net";

export interface ExampleLoopbackOptions {
  /** Accepted bearer tokens, each with the account's handle. */
  accounts: Array<{ token: string; handle: string }>;
  /** Channel slugs that exist. */
  channels: string[];
  /** Posts per token per window; beyond it, 429 with Retry-After. */
  rateLimit?: { posts: number; windowMs: number };
  /** Called for each request once recorded: answer something else, or fail the connection. */
  onRequest?: (req: RecordedRequest) => Fault | undefined;
}

export type Fault =
  | { kind: "status"; status: number; body: unknown; headers?: Record<string, string> }
  /** Stores the post, then destroys the socket: the answer is lost. */
  | { kind: "destroy-after" }
  /** Stores the post and never answers (until close()). */
  | { kind: "hang-after" };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  json?: unknown;
}

export interface StoredPost {
  id: string;
  channel: string;
  text: string;
  handle: string;
}

export interface ExampleLoopback {
  url: string;
  requests: RecordedRequest[];
  posts: StoredPost[];
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

// https://docs.example.com/api/errors: every error is `{"error": {"code", "message"}}`.
const fail = (status: number, code: string, message: string, headers?: Record<string, string>): Reply => ({
  status, body: { error: { code, message } }, ...(headers ? { headers } : {}),
});

/** https://docs.example.com/api/posts#text: at most 500 Unicode code points. Counted here on its own. */
const MAX_TEXT = 500;
const MEMBERS = new Set(["channel", "text"]);

export async function startExampleLoopback(opts: ExampleLoopbackOptions): Promise<ExampleLoopback> {
  const requests: RecordedRequest[] = [];
  const posts: StoredPost[] = [];
  const sent = new Map<string, number[]>(); // token -> times of accepted posts
  const sockets = new Set<Socket>();
  let nextId = 1_000;

  function createPost(token: string, handle: string, json: unknown): Reply {
    // https://docs.example.com/api/posts#create: a JSON object with `channel` and `text`, nothing else.
    if (!json || typeof json !== "object" || Array.isArray(json)) return fail(400, "invalid_request", "The body must be a JSON object.");
    const body = json as Record<string, unknown>;
    const unknown = Object.keys(body).find((k) => !MEMBERS.has(k));
    if (unknown) return fail(400, "invalid_request", `Unknown field: ${unknown}.`);
    if (typeof body.channel !== "string" || typeof body.text !== "string") return fail(400, "invalid_request", "channel and text must be strings.");
    if (!opts.channels.includes(body.channel)) return fail(404, "channel_not_found", "No such channel.");
    if (body.text.trim() === "") return fail(422, "text_empty", "The text is empty.");
    if (Array.from(body.text).length > MAX_TEXT) return fail(422, "text_too_long", `The text is longer than ${MAX_TEXT} characters.`);
    // https://docs.example.com/api/errors#duplicate_post: the same text twice in one channel.
    const { channel, text } = body;
    if (posts.some((p) => p.channel === channel && p.text === text)) return fail(409, "duplicate_post", "This text was already posted to the channel.");
    // https://docs.example.com/api/rate-limits: per token; Retry-After in whole seconds.
    const now = Date.now();
    if (opts.rateLimit) {
      const { posts: max, windowMs } = opts.rateLimit;
      const recent = (sent.get(token) ?? []).filter((t) => t > now - windowMs);
      sent.set(token, recent);
      if (recent.length >= max) {
        const wait = Math.ceil(((recent[0] ?? now) + windowMs - now) / 1000);
        return fail(429, "rate_limited", "Too many posts; retry later.", { "retry-after": String(Math.max(1, wait)) });
      }
      recent.push(now);
    }
    const id = String(nextId++);
    posts.push({ id, channel, text, handle });
    return { status: 201, body: { id, url: `https://example.com/${channel}/posts/${id}` } };
  }

  function route(req: RecordedRequest): Reply {
    // RFC 6750 §2.1 and §3: `Authorization: Bearer <token>`; a bad one is 401 with WWW-Authenticate.
    const match = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ""));
    const account = opts.accounts.find((a) => a.token === match?.[1]);
    if (!account) return fail(401, "invalid_token", "The access token is invalid.", { "www-authenticate": 'Bearer error="invalid_token"' });
    if (req.method === "POST" && req.path === "/v1/posts") {
      if (!/^application\/json\b/i.test(String(req.headers["content-type"] ?? ""))) return fail(415, "unsupported_media_type", "Send application/json.");
      return createPost(match?.[1] ?? "", account.handle, req.json);
    }
    if (req.method === "GET" && req.path === "/v1/me") return { status: 200, body: { id: "1", handle: account.handle } };
    return fail(404, "not_found", "No such endpoint.");
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const rec: RecordedRequest = { method: req.method ?? "GET", path: new URL(req.url ?? "/", "http://x").pathname, headers: req.headers };
      try {
        if (text) rec.json = JSON.parse(text);
      } catch {
        rec.json = undefined; // not JSON: refused as invalid_request
      }
      requests.push(rec);
      const fault = opts.onRequest?.(rec);
      const reply = fault?.kind === "status" ? { status: fault.status, body: fault.body, headers: fault.headers } : route(rec);
      if (fault?.kind === "destroy-after") return void req.socket.destroy();
      if (fault?.kind === "hang-after") return;
      const payload = JSON.stringify(reply.body);
      res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...reply.headers });
      res.end(payload);
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    posts,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
