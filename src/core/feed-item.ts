/**
 * A feed entry after parsing and normalisation: plain data, the same for every platform.
 * Produced by the parse stage; stored (as JSON) with the seen item so that rendering can
 * happen at delivery time, after a restart, without the feed.
 */
export interface FeedItem {
  /** Id of the feed in the config that produced this item. */
  feedId: string;
  /** Raw `<guid>`/`<id>` as the feed gave it, or null. */
  guid: string | null;
  /** Absolute article URL as the feed gave it (resolved, not normalised), or null. */
  link: string | null;
  /** Title, entity-decoded plain text ("" when the feed has none). */
  title: string;
  /** Plain-text summary from description/content, whitespace folded ("" when none). */
  summary: string;
  /** Author name (dc:creator, author), or null. */
  author: string | null;
  /** Categories/tags as the feed gave them, decoded, de-duplicated. */
  categories: string[];
  /** Absolute URL of the article's image (enclosure, media:content, first meaningful <img>), or null. */
  imageUrl: string | null;
  /** The image's alt text from the feed (img alt, media:description), or null (then the title is used). Optional for items stored before images existed. */
  imageAlt?: string | null;
  /** Publication date as ISO 8601 UTC, or null when the feed gives none or an invalid one. */
  publishedAt: string | null;
}
