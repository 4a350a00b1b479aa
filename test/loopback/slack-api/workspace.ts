// The workspace state both surfaces share: channels, stored messages, message timestamps and the
// per-channel posting limit. Rules and their sources: README.md.
import { WindowLimiter, secondsUntil } from "../harness-limits.js";
import { validateBlocks } from "./blocks.js";
import type { SlackLoopbackChannel, SlackLoopbackOptions, SlackLoopbackTeam, StoredMessage } from "./types.js";

/**
 * https://api.slack.com/changelog/2018-04-truncating-really-long-messages (read 2026-11-27): text longer than 40,000
 * characters is truncated, posted, and answered with the `message_truncated` warning.
 */
export const TEXT_MAX = 40_000;

export type PostOutcome =
  | { ok: true; message: StoredMessage; truncated: boolean }
  | { ok: false; error: "no_text" | "invalid_blocks" | "invalid_blocks_format" | "rate_limited"; errors?: string[]; retryAfterSeconds?: number };

export interface MessageBody {
  text?: unknown;
  blocks?: unknown;
  unfurl_links?: unknown;
}

export class Workspace {
  readonly messages: StoredMessage[] = [];
  private lastTsMicros = 0;
  /** Fixed windows per channel, from its first message (the harness's "from-first"). */
  private readonly limiter: WindowLimiter | undefined;

  constructor(
    readonly team: SlackLoopbackTeam,
    readonly channels: SlackLoopbackChannel[],
    rateLimit: SlackLoopbackOptions["rateLimit"],
    private readonly unreachableImage: SlackLoopbackOptions["unreachableImage"] = undefined,
  ) {
    this.limiter = rateLimit ? new WindowLimiter({ limit: rateLimit.limit, windowMs: rateLimit.windowMs }) : undefined;
  }

  /** chat.postMessage `channel`: "An encoded ID or channel name"; names with or without `#`. */
  findChannel(ref: unknown): SlackLoopbackChannel | undefined {
    if (typeof ref !== "string" || ref === "") return undefined;
    const name = ref.replace(/^#/, "");
    return this.channels.find((c) => c.id === ref || c.name === name);
  }

  findMessage(channelId: string, ts: unknown): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channelId && m.ts === ts && !m.deleted);
  }

  /** `ts` is "<epoch seconds>.<6 digits>", unique per workspace here (https://api.slack.com/messaging/retrieving#individual_messages, read 2026-11-27). */
  private nextTs(now: number): string {
    this.lastTsMicros = Math.max(this.lastTsMicros + 1, now * 1000);
    const s = Math.floor(this.lastTsMicros / 1_000_000);
    return `${s}.${String(this.lastTsMicros % 1_000_000).padStart(6, "0")}`;
  }

  /** Seconds to wait when the channel's window is full; only messages that would be posted count. */
  private take(channelId: string, now: number): number | undefined {
    const state = this.limiter?.take(channelId, now);
    return state && !state.allowed ? secondsUntil(state.resetAt, now) : undefined;
  }

  /** Validates and stores a message for a channel that exists, is not archived and may be posted to. */
  post(channel: SlackLoopbackChannel, body: MessageBody, via: StoredMessage["via"], now: number): PostOutcome {
    let blocks = body.blocks;
    if (typeof blocks === "string") {
      // Form posts carry blocks as "A JSON-based array of structured blocks, presented as a URL-encoded string".
      try {
        blocks = JSON.parse(blocks) as unknown;
      } catch {
        return { ok: false, error: "invalid_blocks_format" };
      }
    }
    const text = typeof body.text === "string" ? body.text : "";
    const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
    if (text.trim() === "" && !hasBlocks) return { ok: false, error: "no_text" };
    if (blocks !== undefined) {
      const errors = validateBlocks(blocks, (url) => !this.unreachableImage?.(url));
      if (errors.length) return { ok: false, error: "invalid_blocks", errors };
    }
    const wait = this.take(channel.id, now);
    if (wait !== undefined) return { ok: false, error: "rate_limited", retryAfterSeconds: wait };
    const codePoints = [...text];
    const truncated = codePoints.length > TEXT_MAX;
    const message: StoredMessage = {
      channel: channel.id,
      ts: this.nextTs(now),
      text: truncated ? codePoints.slice(0, TEXT_MAX).join("") : text,
      blocks: Array.isArray(blocks) ? blocks : undefined,
      unfurlLinks: typeof body.unfurl_links === "boolean" ? body.unfurl_links : undefined,
      via,
      deleted: false,
      postedAt: now,
    };
    this.messages.push(message);
    return { ok: true, message, truncated };
  }

  /** https://api.slack.com/methods/chat.getPermalink (read 2026-11-27) example: https://<domain>.slack.com/archives/<channel>/p<ts without the dot>. */
  permalink(message: StoredMessage): string {
    return `https://${this.team.domain}.slack.com/archives/${message.channel}/p${message.ts.replace(".", "")}`;
  }
}
