// Public types of the loopback Telegram Bot API server (re-exported by server.ts).
// Nothing here may import from src/ or adapters/.
import type { Entity } from "./html.js";

import type { FaultAction } from "../fault.js";
export type { Entity } from "./html.js";

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
  /** Per chat; beyond it the server answers 429 with parameters.retry_after (seconds). */
  rateLimitPerMinute?: number;
  /** Fault injection hook, called (after the request is recorded) before processing. */
  onRequest?: (req: RecordedRequest) => FaultAction | undefined | Promise<FaultAction | undefined>;
  /** Clock in epoch milliseconds (default Date.now); lets tests move the rate-limit window and the 48 h delete limit. */
  now?: () => number;
}

export type { FaultAction } from "../fault.js";

export interface UploadedFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface RecordedRequest {
  /** Bot API method name exactly as it appeared in the path (methods are case-insensitive). */
  method: string;
  httpMethod: string;
  path: string;
  token: string;
  contentType: string;
  params: Record<string, unknown>;
  files: Record<string, UploadedFile>;
  receivedAt: number;
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
  raw: RecordedRequest;
}

export interface TelegramLoopback {
  /** e.g. "http://127.0.0.1:PORT" (apiRoot for telegraf is url + "/"). */
  url: string;
  /** Every request, in order (including rejected and faulted ones). */
  requests: RecordedRequest[];
  /** Accepted posts. */
  messages: StoredMessage[];
  close(): Promise<void>;
}
