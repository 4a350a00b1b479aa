// A loopback stand-in for the (imaginary) Example API, on the shared harness
// (test/loopback/harness.ts: listening, closing, recording, body parsing, faults, rate limits, ids).
// Only the platform is written here: its routes, its validation, its error bodies, its state.
//
// COPYING: a real adapter's server lives in test/loopback/<platform>/ (server.ts, README.md with
// every rule, its doc link and the date read, negative.test.ts), not in the adapter's folder. Its rules:
// - follow the platform's public docs to the letter, and cite the page and the date for each rule;
//   say "observed" for wording taken from recorded responses and "loopback choice" where docs are silent;
// - refuse what the platform refuses, with its status and body (negative controls prove it);
// - import nothing from adapters/ or src/: it must not share a mistake with the adapter it checks.
import { startHarness, type HarnessFault, type RecordedRequest, type Reply } from "../../test/loopback/harness.js";
import { sequentialIds } from "../../test/loopback/harness-ids.js";
import { WindowLimiter, secondsUntil } from "../../test/loopback/harness-limits.js";

export type { RecordedRequest } from "../../test/loopback/harness.js";

export interface ExampleLoopbackOptions {
  /** Accepted bearer tokens, each with the account's handle. */
  accounts: Array<{ token: string; handle: string }>;
  /** Channel slugs that exist. */
  channels: string[];
  /** Posts per token per window; beyond it, 429 with Retry-After. */
  rateLimit?: { posts: number; windowMs: number };
  /** Called for each request once recorded: answer something else, or fail the connection. */
  onRequest?: (req: RecordedRequest) => HarnessFault | undefined;
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

// https://docs.example.com/api/errors (read 2026-05-13): every error is `{"error": {"code", "message"}}`.
const fail = (status: number, code: string, message: string, headers?: Record<string, string>): Reply => ({
  status, body: { error: { code, message } }, ...(headers ? { headers } : {}),
});

/** https://docs.example.com/api/posts#text (read 2026-05-13): at most 500 Unicode code points. Counted here on its own. */
const MAX_TEXT = 500;
const MEMBERS = new Set(["channel", "text"]);

export async function startExampleLoopback(opts: ExampleLoopbackOptions): Promise<ExampleLoopback> {
  const posts: StoredPost[] = [];
  const ids = sequentialIds(1_000);
  // RFC 6750 §2.1 and §3: `Authorization: Bearer <token>`; a bad one is 401 with WWW-Authenticate.
  const accountOf = (req: RecordedRequest) => opts.accounts.find((a) => `Bearer ${a.token}` === req.headers.authorization);
  const unauthorized = () => fail(401, "invalid_token", "The access token is invalid.", { "www-authenticate": 'Bearer error="invalid_token"' });

  const h = await startHarness({
    ...(opts.onRequest ? { onRequest: opts.onRequest } : {}),
    notFound: (req) => (accountOf(req) ? fail(404, "not_found", "No such endpoint.") : unauthorized()),
    // https://docs.example.com/api/rate-limits (read 2026-05-13): per token; Retry-After in whole seconds.
    limits: opts.rateLimit
      ? [{
          match: (req) => req.method === "POST" && req.route === "/v1/posts",
          key: (req) => accountOf(req)?.token,
          limiter: new WindowLimiter({ limit: opts.rateLimit.posts, windowMs: opts.rateLimit.windowMs }),
          tooMany: (s, now) => fail(429, "rate_limited", "Too many posts; retry later.", { "retry-after": String(secondsUntil(s.resetAt, now)) }),
        }]
      : [],
  });

  h.route("GET", "/v1/me", (req) => {
    const account = accountOf(req);
    return account ? { status: 200, body: { id: "1", handle: account.handle } } : unauthorized();
  });

  // https://docs.example.com/api/posts#create (read 2026-05-13): a JSON object with `channel` and `text`, nothing else.
  h.route("POST", "/v1/posts", (req) => {
    const account = accountOf(req);
    if (!account) return unauthorized();
    if (!/^application\/json\b/i.test(String(req.headers["content-type"] ?? ""))) return fail(415, "unsupported_media_type", "Send application/json.");
    const json = req.json;
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
    const id = ids();
    posts.push({ id, channel, text, handle: account.handle });
    return { status: 201, body: { id, url: `https://example.com/${channel}/posts/${id}` } };
  });

  return { url: h.url, requests: h.requests, posts, close: () => h.close() };
}
