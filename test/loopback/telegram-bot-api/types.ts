// Public types of the loopback Telegram Bot API server (re-exported by server.ts).
// Nothing here may import from src/ or adapters/.
import type { Harness, HarnessFault, RecordedRequest, UploadedFile } from "../harness.js";
import type { Entity } from "./html.js";

export type { Entity } from "./html.js";
export type { FaultAction } from "../fault.js";
export type { HarnessFault, UploadedFile } from "../harness.js";

export type ChatType = "channel" | "private" | "group" | "supergroup";

export interface LoopbackChat {
  id: number;
  type: ChatType;
  username?: string;
  title?: string;
}

export interface TelegramLoopbackOptions {
  /** Valid bot tokens, e.g. "123456:ABC-DEF". */
  tokens: string[];
  chats: LoopbackChat[];
  /** Per chat, in a rolling minute; beyond it the server answers 429 with parameters.retry_after (seconds). */
  rateLimitPerMinute?: number;
  /** A fault for a call (after it is recorded, before it is processed), or undefined to answer normally. */
  onRequest?: (call: BotApiCall) => HarnessFault | undefined | Promise<HarnessFault | undefined>;
  /** Clock in epoch milliseconds (default Date.now); lets tests move the rate-limit window and the 48 h delete limit. */
  now?: () => number;
}

/** One request as a Bot API call: the method and token from the path, the parameters of every encoding merged. */
export interface BotApiCall {
  /** Bot API method name exactly as it appeared in the path (methods are case-insensitive). */
  method: string;
  httpMethod: string;
  path: string;
  token: string;
  contentType: string;
  params: Record<string, unknown>;
  /** Multipart file parts by field name. */
  files: Record<string, UploadedFile>;
  receivedAt: number;
  /** The request as the harness recorded it (headers, raw body, answered status). */
  http: RecordedRequest;
}

export interface StoredMessage {
  chatId: number;
  messageId: number;
  /** Unix time in seconds, as in the Message object. */
  date: number;
  text?: string;
  caption?: string;
  /** Entities of the text, or of the caption for photos. */
  entities: Entity[];
  photo?: { bytes: Buffer; width?: number; height?: number };
  linkPreviewOptions?: unknown;
  receivedAt: number;
  deleted: boolean;
  raw: BotApiCall;
}

export interface TelegramLoopback {
  /** e.g. "http://127.0.0.1:PORT" (apiRoot for telegraf is url + "/"). */
  url: string;
  /** Every request as a Bot API call, in order (including refused and faulted ones). */
  readonly requests: BotApiCall[];
  /** Accepted posts. */
  messages: StoredMessage[];
  /** The harness underneath: raw requests, `inject`, `waitForRequest`. */
  harness: Harness;
  close(): Promise<void>;
}
