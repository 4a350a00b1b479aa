// Loopback stand-in for Slack's Web API (https://slack.com/api) and incoming webhooks
// (https://hooks.slack.com/services/…), for Crier's tests. Plain node:http on 127.0.0.1; imports
// nothing from src/ or adapters/. Each rule cites its Slack documentation page in the module that
// implements it (web-api.ts, webhooks.ts, workspace.ts, blocks.ts, images.ts); README.md lists them all.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { handleWebApi } from "./web-api.js";
import { handleWebhook } from "./webhooks.js";
import { Workspace } from "./workspace.js";
import type { FaultAction, RecordedRequest, Reply, SlackLoopback, SlackLoopbackOptions, SlackLoopbackWebhook } from "./types.js";

export type * from "./types.js";

export const DEFAULT_TEAM = { id: "T0LOOPBACK", name: "Crier Loopback", domain: "crier-loopback" };
export const DEFAULT_BOT = { token: "xoxb-1111-2222-loopbacktokenvalue", userId: "U0CRIERBOT", userName: "crier", botId: "B0CRIERBOT" };
export const DEFAULT_CHANNELS = [
  { id: "C0NEWS0001", name: "news" },
  { id: "C0ARCHIVED", name: "old-news", archived: true },
  { id: "C0NOTMEMBR", name: "private-news", member: false },
];
export const DEFAULT_WEBHOOKS: SlackLoopbackWebhook[] = [
  { teamId: "T0LOOPBACK", hookId: "B0HOOKNEWS", secret: "webhooksecretnews0001", channelId: "C0NEWS0001" },
  { teamId: "T0LOOPBACK", hookId: "B0HOOKOLD0", secret: "webhooksecretold00001", channelId: "C0ARCHIVED" },
];

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function record(req: http.IncomingMessage, body: Buffer): RecordedRequest {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const contentType = String(req.headers["content-type"] ?? "");
  const api = /^\/api\/([A-Za-z.]+)$/.exec(url.pathname)?.[1];
  const rec: RecordedRequest = {
    method: (req.method ?? "GET").toUpperCase(),
    path: url.pathname,
    surface: api ? "web-api" : url.pathname.startsWith("/services/") ? "webhook" : "other",
    ...(api ? { apiMethod: api } : {}),
    query: Object.fromEntries(url.searchParams),
    headers: { ...req.headers },
    body,
    receivedAt: Date.now(),
  };
  if (body.length > 0 && /^application\/json/i.test(contentType)) {
    try {
      rec.json = JSON.parse(body.toString("utf8")) as unknown;
    } catch {
      // left undefined: answered as invalid
    }
  }
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) rec.form = Object.fromEntries(new URLSearchParams(body.toString("utf8")));
  return rec;
}

export async function startSlackLoopback(opts: SlackLoopbackOptions = {}): Promise<SlackLoopback> {
  const team = opts.team ?? DEFAULT_TEAM;
  const bot = opts.bot ?? DEFAULT_BOT;
  const channels = opts.channels ?? DEFAULT_CHANNELS.map((c) => ({ ...c }));
  const webhooks = opts.webhooks ?? DEFAULT_WEBHOOKS.map((h) => ({ ...h }));
  const ws = new Workspace(team, channels, opts.rateLimit, opts.unreachableImage);
  const requests: RecordedRequest[] = [];
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
    // Web API answers are JSON; webhook answers plain text ("ok", "no_text", …).
    const isText = typeof reply.body === "string";
    const payload = isText ? (reply.body as string) : reply.body === undefined ? "" : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      "content-type": isText ? "text/html" : "application/json; charset=utf-8",
      "content-length": String(Buffer.byteLength(payload)),
      ...reply.headers,
    });
    res.end(payload);
  }

  function route(rec: RecordedRequest): Reply {
    const now = Date.now();
    if (rec.surface === "web-api" && rec.apiMethod) return handleWebApi(rec, rec.apiMethod, ws, bot, now);
    if (rec.surface === "webhook") return handleWebhook(rec, webhooks, ws, now);
    return { status: 404, body: "not found" };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rec = record(req, await readBody(req));
    requests.push(rec);
    const fault: FaultAction | undefined = await opts.onRequest?.(rec);
    if (fault?.kind === "status") return send(res, { status: fault.status, body: fault.body, headers: fault.headers ?? {} });
    if (fault?.kind === "destroy-before") return void req.socket.destroy();
    if (fault?.kind === "delay") await sleep(fault.ms);
    if (closed) return;
    const reply = route(rec);
    if (fault?.kind === "destroy-after") return void req.socket.destroy();
    if (fault?.kind === "hang-after") {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    send(res, reply);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, { status: 500, body: { ok: false, error: "internal_error", detail: String(err) } }));
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
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    apiBase: `${url}/api`,
    webhookUrl: (hook = webhooks[0]) => {
      if (!hook) throw new Error("the loopback has no webhooks");
      return `https://hooks.slack.com/services/${hook.teamId}/${hook.hookId}/${hook.secret}`;
    },
    team,
    bot,
    channels,
    webhooks,
    requests,
    messages: ws.messages,
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
