/** Spreading a schedule's polls over part of its interval. Pure. */
import { hash as digest } from "node:crypto";

/**
 * Offsets are whole steps of this (ms): the feeds of one step start together, so a spread cycle
 * wakes once a step, not once a feed (100,000 feeds over 5 minutes: 300 wake-ups, not 100,000).
 */
export const SPREAD_STEP_MS = 1000;

/**
 * Each feed's start offset within `spreadMs`: fixed per feed id (a hash), so a feed is polled at
 * the same point of every interval, and a schedule's feeds are spread evenly, a step at a time
 * (`SPREAD_STEP_MS`, or a tenth of a shorter window). In order of offset; `index`: the feed's place
 * in `feeds`. The order is kept in two typed arrays and each entry made as it is read: a cycle of
 * 100,000 feeds lasts most of its interval, and an object per feed would live as long.
 */
export function* spreadOut<F extends { id: string }>(feeds: readonly F[], spreadMs: number): Generator<{ feed: F; offset: number; index: number }> {
  if (spreadMs <= 0 || feeds.length < 2) {
    for (let index = 0; index < feeds.length; index++) yield { feed: feeds[index] as F, offset: 0, index };
    return;
  }
  const step = Math.max(1, Math.min(SPREAD_STEP_MS, Math.floor(spreadMs / 10)));
  const offsets = new Float64Array(feeds.length);
  const order = new Uint32Array(feeds.length);
  feeds.forEach((feed, index) => {
    offsets[index] = Math.floor((fractionOf(feed.id) * spreadMs) / step) * step;
    order[index] = index;
  });
  order.sort((a, b) => (offsets[a] ?? 0) - (offsets[b] ?? 0) || a - b);
  for (const index of order) yield { feed: feeds[index] as F, offset: offsets[index] ?? 0, index };
}

/** Each id's hash, as a small integer (no boxed number per feed), computed once per id. */
const hashes = new Map<string, number>();
/** A feed's place in [0, 1), from a hash of its id. */
function fractionOf(id: string): number {
  let hash = hashes.get(id);
  if (hash === undefined) {
    // One-shot, as hex: no Hash object, native context or Buffer per feed (100,000 of each on the first
    // spread tick grew the process's malloc arena by ~30 MB). The digest's first 4 bytes, as int32.
    hash = Number.parseInt(digest("sha1", id).slice(0, 8), 16) | 0;
    hashes.set(id, hash);
  }
  return (hash >>> 0) / 2 ** 32;
}
