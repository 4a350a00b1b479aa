/**
 * A config's feeds by id: one Map per feed list, shared by the services that look feeds up
 * (intake and delivery each built their own: at 100,000 feeds two Maps of ~5 MB, and the
 * arrays of pairs they were built from promoted while a restart's catch-up began).
 */
import type { Feed } from "./load-feeds.js";

const indexes = new WeakMap<readonly Feed[], ReadonlyMap<string, Feed>>();

/** The feeds of `feeds` by id. */
export function feedsById(feeds: readonly Feed[]): ReadonlyMap<string, Feed> {
  let index = indexes.get(feeds);
  if (!index) {
    const byId = new Map<string, Feed>();
    for (const feed of feeds) byId.set(feed.id, feed);
    indexes.set(feeds, (index = byId));
  }
  return index;
}
