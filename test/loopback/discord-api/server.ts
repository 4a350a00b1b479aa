// Loopback stand-in for Discord's webhook API (https://discord.com/api), for Crier's tests, on the
// shared harness (test/loopback/harness.ts: listening, closing, recording, body parsing, faults,
// rate-limit windows, snowflakes). Imports nothing from src/ or adapters/. Each rule cites its
// Discord documentation page, and the date it was read, in the module that implements it;
// README.md lists them all.
import { startHarness, type RecordedRequest as HarnessRequest, type Reply } from "../harness.js";
import { WindowLimiter } from "../harness-limits.js";
import * as E from "./errors.js";
import { Messages, webhookObject } from "./messages.js";
import type { DiscordLoopback, DiscordLoopbackOptions, LoopbackWebhook, RecordedRequest, StoredMessage } from "./types.js";
import { DOCUMENTED_FIELDS } from "./validate.js";

export type { DiscordLoopback, DiscordLoopbackOptions, FaultAction, HarnessFault, LoopbackWebhook, RecordedRequest, StoredMessage } from "./types.js";

/** The docs' "Example Incoming Webhook" (#webhook-object-example-incoming-webhook, read 2026-11-27), plus a thread. */
export const DEFAULT_WEBHOOK: LoopbackWebhook = {
  id: "223704706495545344",
  token: "3d89bb7572e0fb30d8128367b3b1b44fecd1726de135cbe28a41f8b2f777c372ba2939e72279b94526ff5d1bd4358d65cf11",
  name: "test webhook",
  channelId: "199737254929760256",
  guildId: "199737254929760256",
  threadIds: ["1234567890123456789"],
};

/** The URL Discord shows for a webhook ("Copy Webhook URL"). */
export function webhookUrlOf(w: LoopbackWebhook): string {
  return `https://discord.com/api/webhooks/${w.id}/${w.token}`;
}

// https://discord.com/developers/docs/reference#api-versioning (read 2026-11-27): 6-10 exist (6 is
// the default of the unversioned path); 3-5 are discontinued.
const API = /^\/api(?:\/v(?<version>\d+))?(?<rest>\/.*)$/;
const WEBHOOK_ROUTE = /^\/webhooks\/([^/]+)\/([^/]+)(?:\/messages\/([^/]+))?\/?$/;

const versionOf = (path: string): number | null | undefined => {
  const m = API.exec(path);
  if (!m) return undefined;
  return m.groups?.version !== undefined ? Number(m.groups.version) : null;
};
const servedVersion = (v: number | null | undefined): boolean => v === null || (v !== undefined && v >= 6 && v <= 10);

/** A request that names a webhook, its token right: the webhook, the message id, and the rate-limit route. */
interface Target {
  webhook: LoopbackWebhook;
  messageId: string | undefined;
  route: string;
}

/** The id, token and method checks, in Discord's order; a Reply when one fails. */
function resolve(req: HarnessRequest, webhooks: readonly LoopbackWebhook[]): Target | Reply {
  const m = WEBHOOK_ROUTE.exec(API.exec(req.path)?.groups?.rest ?? "");
  if (!m?.[1] || !m[2]) return E.routeNotFound();
  const messageId = m[3];
  const allowed = messageId === undefined ? ["GET", "POST"] : ["GET", "DELETE"];
  if (!allowed.includes(req.method)) return E.methodNotAllowed();
  // Observed: a path id that is not a snowflake is a form error, not an unknown webhook.
  if (!/^\d{1,20}$/.test(m[1])) return E.invalidFormBody({ webhook_id: { _errors: [{ code: "NUMBER_TYPE_COERCE", message: `Value "${m[1]}" is not snowflake.` }] } });
  const webhook = webhooks.find((w) => w.id === m[1]);
  if (!webhook) return E.unknownWebhook();
  if (decodeURIComponent(m[2]) !== webhook.token) return E.invalidWebhookToken();
  // https://discord.com/developers/docs/topics/rate-limits (read 2026-11-27): per route, per
  // top-level resource ("webhook_id + webhook_token").
  const route = `${req.method} /webhooks/{webhook.id}/{webhook.token}${messageId === undefined ? "" : "/messages/{message.id}"}`;
  return { webhook, messageId, route };
}

const isTarget = (t: Target | Reply): t is Target => "webhook" in t;

export async function startDiscordLoopback(opts: DiscordLoopbackOptions = {}): Promise<DiscordLoopback> {
  const messages: StoredMessage[] = [];
  const webhooks = (opts.webhooks ?? [DEFAULT_WEBHOOK]).map((w) => ({ ...w }));
  const handlers = new Messages(messages);
  const routeLimit = opts.rateLimit ?? { limit: 5, windowMs: 2_000 };
  const globalLimit = opts.globalRateLimit ?? { limit: 50, windowMs: 1_000 };
  const targetOf = (req: HarnessRequest): Target | undefined => {
    if (!servedVersion(versionOf(req.path))) return undefined;
    const t = resolve(req, webhooks);
    return isTarget(t) ? t : undefined;
  };
  const bucket = (req: HarnessRequest): Record<string, string> => {
    const t = targetOf(req);
    return t ? { "x-ratelimit-bucket": E.bucketOf(t.route) } : {};
  };

  const h = await startHarness({
    onRequest: (req: RecordedRequest) => {
      const version = versionOf(req.path);
      if (version !== undefined) req.version = version;
      return opts.onRequest?.(req);
    },
    notFound: () => E.routeNotFound(),
    internalError: (err) => E.internalError(err),
    tooLarge: () => E.entityTooLarge(),
    limits: [
      // #global-rate-limit: 50 per second; "If no authorization header is provided, then the limit is
      // applied to the IP address" (webhooks). Counted for every request of a served version.
      {
        key: (req) => (servedVersion(versionOf(req.path)) ? "ip" : undefined),
        limiter: new WindowLimiter({ limit: globalLimit.limit, windowMs: globalLimit.windowMs }),
        tooMany: (s, now) => E.rateLimited(E.secondsUntil(s.resetAt, now), true, {}),
      },
      // Per route and webhook, fixed windows ("from-first"): the docs describe buckets that reset
      // (X-RateLimit-Reset / -Reset-After), not how they refill. A 429 does not count.
      {
        key: (req) => {
          const t = targetOf(req);
          return t ? `${t.route} ${t.webhook.id}` : undefined;
        },
        limiter: new WindowLimiter({ limit: routeLimit.limit, windowMs: routeLimit.windowMs }),
        headers: (s, now) => E.rateLimitHeaders(s, now),
        tooMany: (s, now, req) => E.rateLimited(E.secondsUntil(s.resetAt, now), false, bucket(req)),
      },
    ],
  });

  h.route("*", API, (req: RecordedRequest) => {
    const version = versionOf(req.path);
    if (!servedVersion(version)) return E.discontinuedVersion();
    const t = resolve(req, webhooks);
    if (!isTarget(t)) return t;
    req.webhookId = t.webhook.id;
    const reply = dispatch(req, t);
    return { ...reply, headers: { ...reply.headers, "x-ratelimit-bucket": E.bucketOf(t.route) } };
  });

  function dispatch(req: RecordedRequest, { webhook, messageId }: Target): Reply {
    if (messageId !== undefined) return req.method === "GET" ? handlers.get(webhook, messageId, req.query) : handlers.delete(webhook, messageId, req.query);
    if (req.method === "GET") return { status: 200, body: webhookObject(webhook), headers: { ...E.JSON_TYPE } };
    // https://discord.com/developers/docs/reference#content-type (read 2026-11-27): otherwise 50035 (multipart: not implemented here).
    if (!/^application\/json\b/i.test(String(req.headers["content-type"] ?? ""))) {
      return E.invalidFormBody({ _errors: [{ code: "CONTENT_TYPE_INVALID", message: 'Expected "Content-Type" header to be "application/json".' }] });
    }
    if (req.json === undefined) return E.invalidJson();
    if (req.json && typeof req.json === "object" && !Array.isArray(req.json)) {
      req.ignoredFields = Object.keys(req.json).filter((k) => !DOCUMENTED_FIELDS.has(k));
    }
    return handlers.execute(webhook, req.query, req.json);
  }

  return {
    url: h.url,
    apiBase: `${h.url}/api/v10`,
    requests: h.requests as RecordedRequest[],
    messages,
    webhooks,
    deleteWebhook(id) {
      const i = webhooks.findIndex((w) => w.id === id);
      if (i >= 0) webhooks.splice(i, 1);
    },
    close: () => h.close(),
  };
}
