/**
 * The config's routes read into what a running Crier keeps: feed id -> destination ids, and the
 * route filters (issue 17: 100,000 routes). Feeds routed alike share one list from the start, and
 * a route is dropped from the list once read, so that the routes' raw forms and a list per feed
 * are never all alive at once.
 */
import type { RouteConfig, RouteFilter } from "./schema.js";
import type { Interner } from "./compact.js";
import { compileRouteFilter } from "./route-filter.js";

export interface RouteTable {
  /** feed id -> destination ids, in config order; feeds routed alike share one (read-only) list. */
  routes: Map<string, string[]>;
  /** feed id -> destination id -> the route's filter (absent: everything passes). */
  routeFilters: Map<string, Map<string, RouteFilter>>;
}

export interface RouteContext {
  intern: Interner;
  /** Every feed's and destination's id, valid entry or not (a broken entry is reported once, by itself). */
  /** Every feed entry's id with its index in the list, and how many entries the list has. */
  feedIds: ReadonlyMap<string, number>;
  feedEntries: number;
  destinationIds: { has(id: string): boolean };
  where: (p: PropertyKey[]) => string;
  problems: string[];
}

/**
 * Reads `list` (valid routes; `indexOf[position]`: a route's index in the file) and sets each
 * entry to undefined once read. Problems are pushed in list order.
 */
export function readRoutes(list: Array<RouteConfig | undefined>, indexOf: readonly number[], ctx: RouteContext): RouteTable {
  const { intern, where, problems } = ctx;
  const routes = new Map<string, string[]>();
  const routeFilters = new Map<string, Map<string, RouteFilter>>();
  const sharedLists = new Map<string, string[]>();
  const share = (ids: string[]): string[] => {
    const key = ids.join("\u0000");
    const shared = sharedLists.get(key);
    if (shared) return shared;
    sharedLists.set(key, ids);
    return ids;
  };
  /**
   * Each feed's latest route (its position; -1: none yet), by the feed's index in its list (a
   * Map over 100,000 ids cost ~6 MB while loading), and for feeds routed more than once (rare),
   * which route routed each destination last.
   */
  const lastRouteAt = new Int32Array(ctx.feedEntries).fill(-1);
  const lastRouteOfUnknown = new Map<string, number>();
  const pairsOf = new Map<string, Map<string, number>>();
  /** Positions of the routes with a filter. */
  const filtered = new Set<number>();
  list.forEach((route, position) => {
    if (!route) return;
    const index = indexOf[position] ?? position;
    if (route.filter) filtered.add(position);
    // Keyed by the feed's own id string, listing the destinations' (not copies of each).
    const feedId = intern.string(route.feed);
    if (!ctx.feedIds.has(route.feed)) problems.push(`${where(["routes", index, "feed"])}: no feed with id "${route.feed}"`);
    const current = routes.get(feedId);
    const feedIndex = ctx.feedIds.get(route.feed);
    const before = feedIndex !== undefined ? (lastRouteAt[feedIndex] ?? -1) : (lastRouteOfUnknown.get(feedId) ?? -1);
    if (before >= 0 && !pairsOf.has(feedId)) pairsOf.set(feedId, new Map((current ?? []).map((to) => [to, before])));
    // Where each destination was routed before: the feed's table, or (its first route) this route's own.
    const pairs = pairsOf.get(feedId) ?? (route.to.length > 1 ? new Map<string, number>() : null);
    route.to.forEach((to, j) => {
      if (!ctx.destinationIds.has(to)) problems.push(`${where(["routes", index, "to", j])}: no destination with id "${to}"`);
      // The same pair twice is merged, unless a filter makes it ambiguous which one applies.
      const earlier = pairs?.get(to);
      if (earlier !== undefined && (route.filter || filtered.has(earlier))) {
        problems.push(`${where(["routes", index, "to", j])}: ${route.feed} -> ${to} is already routed in routes[${indexOf[earlier] ?? earlier}], and a filter makes it ambiguous`);
      }
      pairs?.set(to, position);
    });
    if (feedIndex !== undefined) lastRouteAt[feedIndex] = position;
    else lastRouteOfUnknown.set(feedId, position);
    // Copied on write: the list in the table may be shared with other feeds.
    let ids = current;
    for (const to of route.to) {
      if (ids?.includes(to)) continue;
      if (ids === current) ids = [...(current ?? [])];
      ids?.push(intern.string(to));
    }
    if (ids !== current || !current) routes.set(feedId, share(ids ?? []));
    if (route.filter) {
      const filter = compileRouteFilter(route.filter, (p, reason) => problems.push(`${where(["routes", index, "filter", ...p])}: ${reason}`));
      const filters = routeFilters.get(feedId) ?? new Map<string, RouteFilter>();
      for (const to of route.to) filters.set(intern.string(to), filter);
      routeFilters.set(feedId, filters);
    }
    list[position] = undefined;
  });
  return { routes, routeFilters };
}
