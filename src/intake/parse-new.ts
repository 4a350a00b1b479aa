/**
 * New items first: a changed document whose identity scan found some items known is parsed as the
 * same document without the known items' elements (a feed of the new ones, usually one item of
 * fifty), by the same parseFeed; the known items stand in from the scan's identities, with no text.
 * Anything that does not line up with the scan (count, identities, channel link) gives null: the
 * caller parses the whole document. Pure.
 */
import type { FeedItem } from "../core/feed-item.js";
import { parseFeed, type ParseOptions } from "./parse.js";
import type { ParsedFeed } from "./parse-types.js";
import type { ScannedFeed } from "./scan-keys.js";

/**
 * Parses only the items of `scan` not in `known` (positions in the document). Null when the scan
 * has no byte ranges or the smaller document does not read as the scan said.
 */
export async function parseNewItems(
  body: Buffer,
  scan: ScannedFeed,
  known: ReadonlySet<number>,
  contentType: string | null,
  feedId: string,
  feedUrl: string | null,
  opts: Pick<ParseOptions, "minImageWidth"> = {},
): Promise<ParsedFeed | null> {
  const ranges = scan.ranges;
  if (!ranges || ranges.length !== scan.items.length) return null;
  const kept: Buffer[] = [];
  let from = 0;
  ranges.forEach(([start, end], position) => {
    if (!known.has(position)) return;
    kept.push(body.subarray(from, start));
    from = end;
  });
  kept.push(body.subarray(from));
  const parsed = await parseFeed(Buffer.concat(kept), contentType, feedId, feedUrl, opts).catch(() => null);
  const fresh = scan.items.flatMap((identity, position) => (known.has(position) ? [] : [identity]));
  if (!parsed || parsed.channelLink !== scan.channelLink || parsed.items.length !== fresh.length) return null;
  const same = parsed.items.every((item, k) => {
    const expected = fresh[k];
    return expected !== undefined && item.guid === expected.guid && item.link === expected.link && (parsed.legacyLinks?.get(item) ?? null) === expected.legacyLink;
  });
  if (!same) return null;
  const legacyLinks = new Map<FeedItem, string>();
  let next = 0;
  const items = scan.items.map((identity, position): FeedItem => {
    if (!known.has(position)) {
      const item = parsed.items[next++] as FeedItem;
      if (identity.legacyLink) legacyLinks.set(item, identity.legacyLink);
      return item;
    }
    // Known: what selection needs (its identity); its text, image and date are never read again.
    const item: FeedItem = { feedId, guid: identity.guid, link: identity.link, title: "", summary: "", author: null, categories: [], imageUrl: null, imageAlt: null, publishedAt: null };
    if (identity.legacyLink) legacyLinks.set(item, identity.legacyLink);
    return item;
  });
  const { legacyLinks: _dropped, ...rest } = parsed;
  return { ...rest, items, ...(legacyLinks.size ? { legacyLinks } : {}) };
}
