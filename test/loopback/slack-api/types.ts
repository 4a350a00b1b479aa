// Public types of the Slack loopback (re-exported by server.ts).
import type { HarnessFault, RecordedRequest as HarnessRequest } from "../harness.js";
export interface SlackLoopbackTeam {
  id: string;
  name: string;
  /** Workspace subdomain: permalinks are https://<domain>.slack.com/archives/… */
  domain: string;
}

export interface SlackLoopbackBot {
  /** The Bot User OAuth Token the Web API accepts (xoxb-…). */
  token: string;
  userId: string;
  /** The bot user's name, as auth.test reports it. */
  userName: string;
  botId: string;
}

export interface SlackLoopbackChannel {
  id: string;
  /** Without `#`. */
  name: string;
  archived?: boolean;
  /** Whether the bot is a member (chat.postMessage answers `not_in_channel` otherwise). Default true. */
  member?: boolean;
}

/** One incoming webhook: https://hooks.slack.com/services/<teamId>/<hookId>/<secret>. */
export interface SlackLoopbackWebhook {
  teamId: string;
  hookId: string;
  secret: string;
  channelId: string;
  /** A disabled or removed webhook answers 404 `no_service`. */
  disabled?: boolean;
}

export interface SlackLoopbackOptions {
  team?: SlackLoopbackTeam;
  bot?: SlackLoopbackBot;
  channels?: SlackLoopbackChannel[];
  webhooks?: SlackLoopbackWebhook[];
  /** Messages per channel (chat.postMessage and webhooks together) per window; beyond, 429 + Retry-After. Off when unset. */
  rateLimit?: { limit: number; windowMs: number };
  /** Fault hook (the harness's), called for every request after it is recorded and before it is processed. */
  onRequest?: (req: RecordedRequest) => HarnessFault | undefined | Promise<HarnessFault | undefined>;
  /**
   * Image URLs Slack's fetcher cannot download (default: none). An image block with one fails the
   * message (`invalid_blocks`, "downloading image failed"); an image element (accessory) still posts.
   */
  unreachableImage?: (url: string) => boolean;
}

export type { FaultAction } from "../fault.js";
export type { HarnessFault } from "../harness.js";

/** The harness's record of a request (path, query, headers, body, json, form, …), with Slack's surface. */
export interface RecordedRequest extends HarnessRequest {
  /** `web-api` for /api/<method>, `webhook` for /services/…, else `other`. */
  surface?: "web-api" | "webhook" | "other";
  /** For web-api requests: the method name, e.g. `chat.postMessage`. */
  apiMethod?: string;
}

export interface StoredMessage {
  /** Channel ID. */
  channel: string;
  ts: string;
  /** `text` as stored (after truncation to 40,000 characters). */
  text: string;
  blocks: unknown[] | undefined;
  unfurlLinks: boolean | undefined;
  via: "chat.postMessage" | "webhook";
  deleted: boolean;
  postedAt: number;
}

export interface SlackLoopback {
  /** `http://127.0.0.1:<port>`: Web API root is `${url}/api`; webhooks are `${url}/services/…`. */
  url: string;
  /** `${url}/api`, for a client's apiBase. */
  apiBase: string;
  /** The official form of a webhook's URL (https://hooks.slack.com/services/…), for configs; send it to `url`. */
  webhookUrl(hook?: SlackLoopbackWebhook): string;
  team: SlackLoopbackTeam;
  bot: SlackLoopbackBot;
  channels: SlackLoopbackChannel[];
  webhooks: SlackLoopbackWebhook[];
  requests: RecordedRequest[];
  messages: StoredMessage[];
  close(): Promise<void>;
}

export type { Reply } from "../harness.js";
