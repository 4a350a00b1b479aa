// Loopback stand-in for Discord's webhook API (https://discord.com/api), for Crier's tests.
// Plain node:http on 127.0.0.1; imports nothing from src/ or adapters/. Each rule cites its
// Discord documentation page in the module that implements it; README.md lists them all.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as E from "./errors.js";
import { Messages, webhookObject } from "./messages.js";
import { FixedWindowLimiter, rateLimitHeaders, secondsUntil } from "./ratelimit.js";
import type { DiscordLoopback, DiscordLoopbackOptions, FaultAction, LoopbackWebhook, RecordedRequest, Reply, StoredMessage } from "./types.js";
import { DOCUMENTED_FIELDS } from "./validate.js";

export type { DiscordLoopback, DiscordLoopbackOptions, FaultAction, LoopbackWebhook, RecordedRequest, StoredMessage } from "./types.js";

/** The docs' "Example Incoming Webhook" (#webhook-object-example-incoming-webhook), plus a thread. */
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

// #api-versioning: 6-10 exist (6 is the default of the unversioned path); 3-5 are discontinued.
const VERSIONED = /^\/api(?:\/v(\d+))?(\/.*)$/;
const WEBHOOK_ROUTE = /^\/webhooks\/([^/]+)\/([^/]+)(?:\/messages\/([^/]+))?\/?$/;

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startDiscordLoopback(opts: DiscordLoopbackOptions = {}): Promise<DiscordLoopback> {
  const requests: RecordedRequest[] = [];
  const messages: StoredMessage[] = [];
  const webhooks = (opts.webhooks ?? [DEFAULT_WEBHOOK]).map((w) => ({ ...w }));
  const handlers = new Messages(messages);
  const routeLimit = opts.rateLimit ?? { limit: 5, windowMs: 2_000 };
  const routeLimiter = new FixedWindowLimiter(routeLimit.limit, routeLimit.windowMs);
  const globalLimit = opts.globalRateLimit ?? { limit: 50, windowMs: 1_000 };
  const globalLimiter = new FixedWindowLimiter(globalLimit.limit, globalLimit.windowMs);

  const sockets = new Set<Socket>();
  const hanging = new Set<http.ServerResponse>();
  const timers = new Map<NodeJS.Timeout, () => void>();
  let closed = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => (timers.delete(t), resolve()), ms);
      timers.set(t, resolve);
    });

  function send(res: http.ServerResponse, reply: Reply): void {
    if (res.destroyed || res.headersSent) return;
    const payload = reply.body === undefined ? "" : JSON.stringify(reply.body);
    const type = reply.body === undefined ? {} : { "content-type": "application/json" };
    res.writeHead(reply.status, { ...type, "content-length": String(Buffer.byteLength(payload)), ...reply.headers });
    res.end(payload);
  }

  /** Routes one request past the fault hook: version, global limit, webhook id/token, route limit, handler. */
  function dispatch(rec: RecordedRequest, rest: string, contentType: string): Reply {
    const now = Date.now();
    const global = globalLimiter.take("ip", now);
    if (!global.allowed) return E.rateLimited(secondsUntil(global.resetAt, now), true, {});
    const m = WEBHOOK_ROUTE.exec(rest);
    if (!m?.[1] || !m[2]) return E.routeNotFound();
    const messageId = m[3];
    const allowed = messageId === undefined ? ["GET", "POST"] : ["GET", "DELETE"];
    if (!allowed.includes(rec.method)) return E.methodNotAllowed();
    // Observed: a path id that is not a snowflake is a form error, not an unknown webhook.
    if (!/^\d{1,20}$/.test(m[1])) return E.invalidFormBody({ webhook_id: { _errors: [{ code: "NUMBER_TYPE_COERCE", message: `Value "${m[1]}" is not snowflake.` }] } });
    const webhook = webhooks.find((w) => w.id === m[1]);
    if (!webhook) return E.unknownWebhook();
    if (decodeURIComponent(m[2]) !== webhook.token) return E.invalidWebhookToken();
    rec.webhookId = webhook.id;

    // #rate-limits: per route, per top-level resource ("webhook_id + webhook_token").
    const route = `${rec.method} /webhooks/{webhook.id}/{webhook.token}${messageId === undefined ? "" : "/messages/{message.id}"}`;
    const window = routeLimiter.take(`${route} ${webhook.id}`, now);
    const headers = rateLimitHeaders(window, route, now);
    if (!window.allowed) return E.rateLimited(secondsUntil(window.resetAt, now), false, headers);

    let reply: Reply;
    if (messageId !== undefined) {
      reply = rec.method === "GET" ? handlers.get(webhook, messageId, rec.query) : handlers.delete(webhook, messageId, rec.query);
    } else if (rec.method === "GET") {
      reply = { status: 200, body: webhookObject(webhook) };
    } else if (!/^application\/json\b/i.test(contentType)) {
      // https://discord.com/developers/docs/reference#content-type: otherwise 50035 (multipart: not implemented here).
      reply = E.invalidFormBody({ _errors: [{ code: "CONTENT_TYPE_INVALID", message: 'Expected "Content-Type" header to be "application/json".' }] });
    } else if (rec.json === undefined) {
      reply = E.invalidJson();
    } else {
      if (rec.json && typeof rec.json === "object" && !Array.isArray(rec.json)) {
        rec.ignoredFields = Object.keys(rec.json).filter((k) => !DOCUMENTED_FIELDS.has(k));
      }
      reply = handlers.execute(webhook, rec.query, rec.json);
    }
    return { ...reply, headers: { ...headers, ...reply.headers } };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const contentType = String(req.headers["content-type"] ?? "");
    const versioned = VERSIONED.exec(url.pathname);
    const rec: RecordedRequest = {
      method: (req.method ?? "GET").toUpperCase(),
      path: url.pathname,
      version: versioned?.[1] !== undefined ? Number(versioned[1]) : null,
      query: Object.fromEntries(url.searchParams.entries()),
      headers: { ...req.headers },
      body,
      receivedAt: Date.now(),
    };
    if (/^application\/json\b/i.test(contentType) && body.length > 0) {
      try {
        rec.json = JSON.parse(body.toString("utf8"));
      } catch {
        // left undefined: answered 50109
      }
    }
    requests.push(rec);

    const fault: FaultAction | undefined = await opts.onRequest?.(rec);
    if (fault?.kind === "status") return send(res, { status: fault.status, body: fault.body, headers: fault.headers ?? {} });
    if (fault?.kind === "destroy-before") return void req.socket.destroy();
    if (fault?.kind === "delay") await sleep(fault.ms);
    if (closed) return;

    let reply: Reply;
    if (!versioned?.[2]) reply = E.routeNotFound();
    else if (rec.version !== null && (rec.version < 6 || rec.version > 10)) reply = E.discontinuedVersion();
    else reply = dispatch(rec, versioned[2], contentType);

    if (fault?.kind === "destroy-after") return void req.socket.destroy();
    if (fault?.kind === "hang-after") {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    send(res, reply);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, { status: 500, body: { message: `500: Internal Server Error (${String(err)})`, code: 0 } }));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => (server.off("error", reject), resolve()));
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    apiBase: `${base}/api/v10`,
    requests,
    messages,
    webhooks,
    deleteWebhook(id) {
      const i = webhooks.findIndex((w) => w.id === id);
      if (i >= 0) webhooks.splice(i, 1);
    },
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
