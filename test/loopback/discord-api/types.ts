// Public types of the Discord webhook loopback (re-exported by server.ts).
import type { HarnessFault, RecordedRequest as HarnessRequest } from "../harness.js";

export interface LoopbackWebhook {
  /** Snowflake, e.g. "223704706495545344". */
  id: string;
  /** The secret in the webhook URL. */
  token: string;
  /** Default name shown on posts (webhook object `name`). */
  name: string;
  channelId: string;
  /** null: a webhook without a guild (the docs' application webhooks). */
  guildId: string | null;
  /** A forum or media channel: posts need `thread_id` or `thread_name` (error 220001). */
  forum?: boolean;
  /** Threads of the channel that `thread_id` may name. */
  threadIds?: string[];
}

export interface DiscordLoopbackOptions {
  /** Default: one webhook, DEFAULT_WEBHOOK. */
  webhooks?: LoopbackWebhook[];
  /** Per webhook and route (X-RateLimit-Bucket); default 5 requests per 2 s (the docs' example limit). */
  rateLimit?: { limit: number; windowMs: number };
  /** Per client IP across all routes; default 50 per second (#global-rate-limit). */
  globalRateLimit?: { limit: number; windowMs: number };
  /** Fault hook (the harness's), called for every request after it is recorded and before it is processed. */
  onRequest?: (req: RecordedRequest) => HarnessFault | undefined | Promise<HarnessFault | undefined>;
}

export type { FaultAction } from "../fault.js";
export type { HarnessFault } from "../harness.js";

/** The harness's record of a request, with what the Discord server learnt of it. */
export interface RecordedRequest extends HarnessRequest {
  /** API version from the path (`/api/v10/…` → 10), or null for the unversioned `/api/…`. */
  version?: number | null;
  /** Set when the path named a webhook and the token matched. */
  webhookId?: string;
  /** Top-level keys of an Execute Webhook body that the docs do not list (Discord ignores them; tests should not send any). */
  ignoredFields?: string[];
}

/** A message as the loopback stores it (and as GET returns it, see messages.ts). */
export interface StoredMessage {
  id: string;
  webhookId: string;
  /** The channel, or the thread when `thread_id` was given. */
  channelId: string;
  guildId: string | null;
  content: string;
  /** As sent, with `type: "rich"` added and strings trimmed (#embed-limits: "trimmed automatically"). */
  embeds: Array<Record<string, unknown>>;
  username: string;
  avatarUrl: string | null;
  tts: boolean;
  flags: number;
  /** What would ping: computed from content and allowed_mentions (#allowed-mentions-object). */
  mentionEveryone: boolean;
  mentionUsers: string[];
  mentionRoles: string[];
  timestamp: string;
  deleted: boolean;
}

export interface DiscordLoopback {
  /** `http://127.0.0.1:<port>`; the API lives under `/api` and `/api/v{n}`, as on discord.com. */
  url: string;
  /** `url + "/api/v10"`: what a client uses as its API base. */
  apiBase: string;
  requests: RecordedRequest[];
  messages: StoredMessage[];
  webhooks: LoopbackWebhook[];
  /** Deletes a webhook, as a server admin would: later calls get 404 Unknown Webhook. */
  deleteWebhook(id: string): void;
  close(): Promise<void>;
}

export type { Reply } from "../harness.js";
