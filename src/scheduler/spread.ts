/** Spreading a schedule's polls over part of its interval. Pure. */
import { createHash } from "node:crypto";

/**
 * Offsets are whole steps of this (ms): the feeds of one step start together, so a spread cycle
 * wakes once a step, not once a feed (100,000 feeds over 5 minutes: 300 wake-ups, not 100,000).
 */
export const SPREAD_STEP_MS = 1000;

/**
 * Each feed's start offset within `spreadMs`: fixed per feed id (a hash), so a feed is polled at
 * the same point of every interval, and a schedule's feeds are spread evenly, a step at a time
 * (`SPREAD_STEP_MS`, or a tenth of a shorter window). Sorted by offset; `index`: the feed's place in `feeds`.
 */
export function spreadOut<F extends { id: string }>(feeds: readonly F[], spreadMs: number): Array<{ feed: F; offset: number; index: number }> {
  if (spreadMs <= 0 || feeds.length < 2) return feeds.map((feed, index) => ({ feed, offset: 0, index }));
  const step = Math.max(1, Math.min(SPREAD_STEP_MS, Math.floor(spreadMs / 10)));
  return feeds
    .map((feed, index) => ({ feed, offset: Math.floor((fractionOf(feed.id) * spreadMs) / step) * step, index }))
    .sort((a, b) => a.offset - b.offset);
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
