/**
 * THE render call: one item for one destination, as it will be posted. Real deliveries, the dry
 * run, `crier preview` and alerts all render through `renderPost`, so that what is shown is what
 * is sent. Pure (the adapter's render is pure).
 */
import type { Limits, PostStyle, Rendered } from "../core/adapter.js";
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

export interface RenderOptions {
  /** The open connection's limits (discovered at connect); null or absent: the adapter's defaults. */
  limits?: Limits | null;
  /** The image that goes with the post (found and fitted), when there is one. */
  image?: { url: string; alt: string } | undefined;
  /** A style of its own instead of the destination's (alerts: title and detail, no link). */
  style?: PostStyle;
}

/**
 * Renders `item` for `destination`: its post style (template, hashtags, tagged link), the image
 * when one goes with it, and the limits in force (the connection's or the adapter's defaults,
 * tightened by the config). @throws RenderError when the item cannot be posted there.
 */
export function renderPost(destination: Destination, item: FeedItem, opts: RenderOptions = {}): Rendered<unknown> {
  const { adapter, cfg } = destination;
  const base = opts.style ?? postStyle(destination, item);
  const style = opts.image ? { ...base, image: opts.image } : base;
  const limits = effectiveLimits(destination, opts.limits ?? adapter.defaultLimits(cfg ?? undefined));
  return adapter.render(item, cfg, limits, style);
}
