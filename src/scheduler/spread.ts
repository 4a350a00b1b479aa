/** Spreading a schedule's polls over part of its interval. Pure. */
import { createHash } from "node:crypto";

/**
 * Each feed's start offset within `spreadMs`: fixed per feed id (a hash), so a feed is polled at
 * the same point of every interval, and a schedule's feeds are spread evenly. Sorted by offset.
 */
export function spreadOut<F extends { id: string }>(feeds: readonly F[], spreadMs: number): Array<{ feed: F; offset: number }> {
  if (spreadMs <= 0 || feeds.length < 2) return feeds.map((feed) => ({ feed, offset: 0 }));
  return feeds.map((feed) => ({ feed, offset: Math.floor(fractionOf(feed.id) * spreadMs) })).sort((a, b) => a.offset - b.offset);
}

const fractions = new Map<string, number>();
/** A feed's place in [0, 1), from a hash of its id; computed once per id. */
function fractionOf(id: string): number {
  let fraction = fractions.get(id);
  if (fraction === undefined) {
    fraction = createHash("sha1").update(id).digest().readUInt32BE(0) / 2 ** 32;
    fractions.set(id, fraction);
  }
  return fraction;
}

