/** What the parse stage hands on, shared by the XML and JSON Feed readers. */
import type { WebSubLinks } from "./websub-links.js";
import type { FeedItem } from "../core/feed-item.js";

export interface ParsedFeed {
  title: string;
  /** The channel's own link (home page), absolute, or null. */
  channelLink: string | null;
  /** Items in the feed's order (usually newest first). */
  items: FeedItem[];
  /** Things that were recovered from, for the log. */
  warnings: string[];
  /** Which kind of document it was. */
  format?: "rss" | "rdf" | "atom" | "json";
  /** The character encoding the bytes were read with. */
  encoding?: string;
  /** WebSub discovery from the document: hub URLs and the feed's self URL (the topic). */
  websub?: WebSubLinks;
  /**
   * Items whose relative link Crier used to resolve against the feed's URL, not the site: that old
   * link, so that an item stored under it is known and not posted again. Absent when there are none.
   */
  legacyLinks?: ReadonlyMap<FeedItem, string>;
}

/** The feed could not be read at all. The message names the problem. */
export class ParseError extends Error {
  override name = "ParseError";
}
