/**
 * The config's routes read into what a running Crier keeps: feed id -> destination ids, and the
 * route filters (issue 17: 100,000 routes). Feeds routed alike share one list from the start, and
 * each route is read as soon as it is parsed, so that the routes' raw forms and a list per feed
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
  /** Every feed entry's id (valid entry or not: a broken entry is reported once, by itself) with its index in the list, and how many entries the list has. */
  feedIds: ReadonlyMap<string, number>;
  feedEntries: number;
  /** Every destination's id, valid entry or not. */
  destinationIds: { has(id: string): boolean };
  where: (p: PropertyKey[]) => string;
  problems: string[];
}

/**
 * Reads valid routes one at a time, as the config's check parses them (`read`), into the table
 * (`table`): a route's parsed form is garbage as soon as it is read, never one of 100,000 kept
 * until the last is parsed (they outlived the young generation: ~40 MB promoted at 100,000
 * routes). Problems are pushed as routes are read (the config's check sorts them into file order).
 */
export class RouteReader {
  private readonly routes = new Map<string, string[]>();
  private readonly routeFilters = new Map<string, Map<string, RouteFilter>>();
  private readonly sharedLists = new Map<string, string[]>();
  /**
   * Each feed's latest route (its index in the file; -1: none yet), by the feed's index in its
   * list (a Map over 100,000 ids cost ~6 MB while loading), and for feeds routed more than once
   * (rare), which route routed each destination last.
   */
  private readonly lastRouteAt: Int32Array;
  private readonly lastRouteOfUnknown = new Map<string, number>();
  private readonly pairsOf = new Map<string, Map<string, number>>();
  /** Indexes of the routes with a filter. */
  private readonly filtered = new Set<number>();

  constructor(private readonly ctx: RouteContext) {
    this.lastRouteAt = new Int32Array(ctx.feedEntries).fill(-1);
  }

  /** Feeds routed alike share one list from the start. */
  private share(ids: string[]): string[] {
    const key = ids.join("\u0000");
    const shared = this.sharedLists.get(key);
    if (shared) return shared;
    this.sharedLists.set(key, ids);
    return ids;
  }

  /** One valid route, `index` its place in the file's list; routes are read in list order. */
  read(route: RouteConfig, index: number): void {
    const { ctx, routes, pairsOf, filtered } = this;
    const { intern, where, problems } = ctx;
    if (route.filter) filtered.add(index);
    // Keyed by the feed's own id string, listing the destinations' (not copies of each).
    const feedId = intern.string(route.feed);
    if (!ctx.feedIds.has(route.feed)) problems.push(`${where(["routes", index, "feed"])}: no feed with id "${route.feed}"`);
    const current = routes.get(feedId);
    const feedIndex = ctx.feedIds.get(route.feed);
    const before = feedIndex !== undefined ? (this.lastRouteAt[feedIndex] ?? -1) : (this.lastRouteOfUnknown.get(feedId) ?? -1);
    if (before >= 0 && !pairsOf.has(feedId)) pairsOf.set(feedId, new Map((current ?? []).map((to) => [to, before])));
    // Where each destination was routed before: the feed's table, or (its first route) this route's own.
    const pairs = pairsOf.get(feedId) ?? (route.to.length > 1 ? new Map<string, number>() : null);
    route.to.forEach((to, j) => {
      if (!ctx.destinationIds.has(to)) problems.push(`${where(["routes", index, "to", j])}: no destination with id "${to}"`);
      // The same pair twice is merged, unless a filter makes it ambiguous which one applies.
      const earlier = pairs?.get(to);
      if (earlier !== undefined && (route.filter || filtered.has(earlier))) {
        problems.push(`${where(["routes", index, "to", j])}: ${route.feed} -> ${to} is already routed in routes[${earlier}], and a filter makes it ambiguous`);
      }
      pairs?.set(to, index);
    });
    if (feedIndex !== undefined) this.lastRouteAt[feedIndex] = index;
    else this.lastRouteOfUnknown.set(feedId, index);
    // Copied on write: the list in the table may be shared with other feeds.
    let ids = current;
    for (const to of route.to) {
      if (ids?.includes(to)) continue;
      if (ids === current) ids = [...(current ?? [])];
      ids?.push(intern.string(to));
    }
    if (ids !== current || !current) routes.set(feedId, this.share(ids ?? []));
    if (route.filter) {
      const filter = compileRouteFilter(route.filter, (p, reason) => problems.push(`${where(["routes", index, "filter", ...p])}: ${reason}`));
      const filters = this.routeFilters.get(feedId) ?? new Map<string, RouteFilter>();
      for (const to of route.to) filters.set(intern.string(to), filter);
      this.routeFilters.set(feedId, filters);
    }
  }

  /** The table of the routes read. */
  table(): RouteTable {
    return { routes: this.routes, routeFilters: this.routeFilters };
  }
}
