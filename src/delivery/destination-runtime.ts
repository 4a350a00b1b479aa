/** A destination while the process runs: its config, its lazily opened connection, its pause. */
import type { Logger } from "pino";
import type { Connection, Limits, PostStyle, Rendered, SessionStore } from "../core/adapter.js";
import type { FeedItem } from "../core/feed-item.js";
import type { Destination } from "../config/load.js";
import { mapCategories, toHashtags } from "../text/hashtags.js";
import { stripTracking, tagLink } from "../text/link.js";

/** The destination's post style for one item. Pure. */
export function postStyle(destination: Destination, item: FeedItem): PostStyle {
  const { common } = destination;
  return {
    template: common.template ?? destination.adapter.defaultTemplate,
    maxHashtags: common.maxHashtags,
    hashtags: toHashtags(mapCategories(item.categories, common.hashtagMap, common.hashtagIgnore), common.maxHashtags),
    link: postedLink(item, destination),
  };
}

/** The article link as posted: the feed's tracking parameters removed, the destination's UTM tags added. */
function postedLink(item: FeedItem, destination: Destination): string | null {
  if (!item.link) return null;
  const clean = stripTracking(item.link);
  const utm = destination.common.utm;
  return utm ? tagLink(clean, { ...utm, campaign: utm.campaign.replaceAll("{feed}", item.feedId) }) : clean;
}

/** The limits in force: the connection's (or the adapter's defaults), tightened by the config. Pure. */
export function effectiveLimits(destination: Destination, base: Limits): Limits {
  const max = destination.common.maxLength;
  return max !== undefined && max < base.maxLength ? { ...base, maxLength: max, source: "config" } : base;
}

export class DestinationRuntime {
  private connection: Connection<unknown> | null = null;
  pausedUntil: number | null = null;
  pausedReason: string | null = null;
  /** The rate gate holds the next send until this time (for status output). */
  heldUntil: number | null = null;
  /** Content rejections in a row as last written to the store (null: not known in this process). */
  rejectionStreak: number | null = null;

  constructor(
    readonly destination: Destination,
    private readonly logger: Logger,
    private readonly baseDir: string,
    private readonly session: SessionStore,
  ) {}

  get id(): string {
    return this.destination.id;
  }

  /** Why nothing is sent to this destination now, or null. */
  pauseReason(now: number): string | null {
    if (!this.destination.common.enabled) return "disabled in the config";
    if (this.destination.pausedReason) return this.destination.pausedReason;
    if (this.pausedReason !== null && (this.pausedUntil === null || this.pausedUntil > now)) return this.pausedReason;
    return null;
  }

  isPaused(now: number): boolean {
    return this.pauseReason(now) !== null;
  }

  async connect(): Promise<Connection<unknown>> {
    this.connection ??= await this.destination.adapter.connect(this.destination.cfg, {
      timeoutMs: this.destination.common.timeoutMs,
      logger: this.logger,
      baseDir: this.baseDir,
      session: this.session,
    });
    return this.connection;
  }

  /** Renders with the connection's limits, or the defaults before connecting. Pure given its inputs. */
  render(item: FeedItem, connection: Connection<unknown> | null, style: PostStyle = postStyle(this.destination, item)): Rendered<unknown> {
    const { adapter, cfg } = this.destination;
    const limits = effectiveLimits(this.destination, connection?.limits ?? adapter.defaultLimits(cfg));
    return adapter.render(item, cfg, limits, style);
  }

  async close(): Promise<void> {
    const c = this.connection;
    this.connection = null;
    await c?.close();
  }
}
