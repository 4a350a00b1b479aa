/** Spreading a schedule's polls over part of its interval. Pure. */
import { createHash } from "node:crypto";

/**
 * Each feed's start offset within `spreadMs`: fixed per feed id (a hash), so a feed is polled at
 * the same point of every interval, and a schedule's feeds are spread evenly. Sorted by offset.
 */
export function spreadOut<F extends { id: string }>(feeds: readonly F[], spreadMs: number): Array<{ feed: F; offset: number }> {
  if (spreadMs <= 0 || feeds.length < 2) return feeds.map((feed) => ({ feed, offset: 0 }));
  return feeds
    .map((feed) => ({ feed, offset: Math.floor((createHash("sha1").update(feed.id).digest().readUInt32BE(0) / 2 ** 32) * spreadMs) }))
    .sort((a, b) => a.offset - b.offset);
}

