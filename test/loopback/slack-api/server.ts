// Loopback stand-in for Slack's Web API (https://slack.com/api) and incoming webhooks
// (https://hooks.slack.com/services/…), for Crier's tests, on the shared harness
// (test/loopback/harness.ts: listening, closing, recording, body parsing, faults). Imports nothing
// from src/ or adapters/. Each rule cites its Slack documentation page, and the date it was read,
// in the module that implements it (web-api.ts, webhooks.ts, workspace.ts, blocks.ts, images.ts);
// README.md lists them all.
import { startHarness } from "../harness.js";
import { handleWebApi } from "./web-api.js";
import { handleWebhook, text } from "./webhooks.js";
import { Workspace } from "./workspace.js";
import type { RecordedRequest, SlackLoopback, SlackLoopbackOptions, SlackLoopbackWebhook } from "./types.js";

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

const API = /^\/api\/(?<method>[A-Za-z.]+)$/;
const WEBHOOK = /^\/services\/[^/]+\/[^/]+\/[^/]+$/;

/** Which surface a request is for: set on the record before the fault hook sees it. */
function annotate(rec: RecordedRequest): void {
  const api = API.exec(rec.path)?.groups?.method;
  rec.surface = api ? "web-api" : rec.path.startsWith("/services/") ? "webhook" : "other";
  if (api) rec.apiMethod = api;
}

export async function startSlackLoopback(opts: SlackLoopbackOptions = {}): Promise<SlackLoopback> {
  const team = opts.team ?? DEFAULT_TEAM;
  const bot = opts.bot ?? DEFAULT_BOT;
  const channels = opts.channels ?? DEFAULT_CHANNELS.map((c) => ({ ...c }));
  const webhooks = opts.webhooks ?? DEFAULT_WEBHOOKS.map((h) => ({ ...h }));
  const ws = new Workspace(team, channels, opts.rateLimit, opts.unreachableImage);

  const h = await startHarness({
    onRequest: (req: RecordedRequest) => (annotate(req), opts.onRequest?.(req)),
    notFound: () => text(404, "not found"),
    // Loopback choice: a handler that fails answers like the Web API's internal_error.
    internalError: (err) => ({ status: 500, body: { ok: false, error: "internal_error", detail: String(err) } }),
  });
  // Web API answers are JSON (the harness's application/json; charset=utf-8); webhook answers text.
  h.route("*", API, (req) => handleWebApi(req, req.params.method ?? "", ws, bot, Date.now()));
  h.route("*", WEBHOOK, (req) => handleWebhook(req, webhooks, ws, Date.now()));

  return {
    url: h.url,
    apiBase: `${h.url}/api`,
    webhookUrl: (hook = webhooks[0]) => {
      if (!hook) throw new Error("the loopback has no webhooks");
      return `https://hooks.slack.com/services/${hook.teamId}/${hook.hookId}/${hook.secret}`;
    },
    team,
    bot,
    channels,
    webhooks,
    requests: h.requests as RecordedRequest[],
    messages: ws.messages,
    close: () => h.close(),
  };
}
