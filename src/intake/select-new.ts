/**
 * Stage 3, select new: gives every item an identity, decides which are new to the feed, which
 * routes need seeding, and whether the poll looks like a flood to hold. Pure: plain data in,
 * a PollPlan out; the store applies the plan in one transaction.
 */
import { createHash } from "node:crypto";
import type { FeedItem } from "../core/feed-item.js";
import { normalizeLink } from "../text/link.js";
import type { IdentifiedItem, KnownItems, PlannedDelivery, PollPlan } from "../store/feeds.js";

/**
 * Identity: the guid; else the normalised link; else a hash of title and summary. A link shared
 * by two items of one fetch, or equal to the channel link, identifies nothing. `legacyLinks`: the
 * link an earlier Crier resolved for an item, when it differs; the key it gave is `legacyKey`.
 */
export function identify(items: readonly FeedItem[], channelLink: string | null, legacyLinks?: ReadonlyMap<FeedItem, string>): IdentifiedItem[] {
  const normChannel = channelLink ? normalizeLink(channelLink) : null;
  const hashes = items.map((item) => createHash("sha256").update(`${item.title}\n${item.summary}`).digest("hex").slice(0, 32));
  // With every hash known, identities() always answers.
  const current = identities(items, items.map((item) => item.link), hashes, normChannel) ?? [];
  const legacy = legacyLinks?.size ? identities(items, items.map((item) => legacyLinks.get(item) ?? item.link), hashes, normChannel) : null;
  const seen = new Set<string>();
  const out: IdentifiedItem[] = [];
  items.forEach((item, position) => {
    const { key, normLink } = current[position] ?? { key: "", normLink: null };
    if (seen.has(key)) return; // the same entry twice in one document: keep the first
    seen.add(key);
    const legacyKey = legacy?.[position]?.key;
    out.push({ item, key, normLink, position, ...(legacyKey && legacyKey !== key ? { legacyKey } : {}) });
  });
  return out;
}

/**
 * The keys of a scan's identities (scan-keys.ts), exactly as `identify` gives them for the parsed
 * items, in the same order, a repeated key left out. Null when a key would depend on an item's
 * text (no guid, and a link that does not identify it): then the feed needs its full parse.
 */
export function identifyScanned(items: ReadonlyArray<{ guid: string | null; link: string | null; legacyLink: string | null }>, channelLink: string | null): Array<Omit<IdentifiedItem, "item">> | null {
  const normChannel = channelLink ? normalizeLink(channelLink) : null;
  const hashes = items.map(() => null);
  const current = identities(items, items.map((item) => item.link), hashes, normChannel);
  const withLegacy = items.some((item) => item.legacyLink);
  const legacy = withLegacy ? identities(items, items.map((item) => item.legacyLink ?? item.link), hashes, normChannel) : null;
  if (!current || (withLegacy && !legacy)) return null;
  const seen = new Set<string>();
  const out: Array<Omit<IdentifiedItem, "item">> = [];
  current.forEach(({ key, normLink }, position) => {
    if (seen.has(key)) return;
    seen.add(key);
    const legacyKey = legacy?.[position]?.key;
    out.push({ key, normLink, position, ...(legacyKey && legacyKey !== key ? { legacyKey } : {}) });
  });
  return out;
}

/**
 * Each item's key and identifying link, with `links` standing for the items' links. A null hash:
 * the item's text is not known; null when a key depends on it.
 */
function identities(
  items: ReadonlyArray<{ guid: string | null }>,
  links: ReadonlyArray<string | null>,
  hashes: ReadonlyArray<string | null>,
  normChannel: string | null,
): Array<{ key: string; normLink: string | null }> | null {
  const norms = links.map((link) => (link ? normalizeLink(link) : null));
  // Distinct entries per link: the same entry twice (same guid, or no guid and same content) shares nothing.
  const entriesByLink = new Map<string, Set<string>>();
  const unknownText = new Set<string>();
  items.forEach((item, i) => {
    const norm = norms[i];
    if (!norm) return;
    const hash = hashes[i];
    if (!item.guid && hash == null) unknownText.add(norm);
    const entry = item.guid ? `guid:${item.guid}` : `hash:${hash ?? i}`;
    entriesByLink.set(norm, (entriesByLink.get(norm) ?? new Set<string>()).add(entry));
  });
  const out: Array<{ key: string; normLink: string | null }> = [];
  for (const [position, item] of items.entries()) {
    const norm = norms[position] ?? null;
    // Whether two entries without a guid that share a link are one entry depends on their text.
    if (norm && unknownText.has(norm) && (entriesByLink.get(norm)?.size ?? 0) > 1) return null;
    const normLink = norm && entriesByLink.get(norm)?.size === 1 && norm !== normChannel ? norm : null;
    const hash = hashes[position];
    if (!item.guid && !normLink && hash == null) return null;
    out.push({ key: item.guid ? `guid:${item.guid}` : normLink ? `link:${normLink}` : `hash:${hash}`, normLink });
  }
  return out;
}

/**
 * The keys a fetched document's items keep when none of them is new (each known by its key, or
 * by the legacy key `adoptLegacyKeys` would adopt), else null.
 */
export function keysIfNoneNew(items: ReadonlyArray<Pick<IdentifiedItem, "key" | "legacyKey">>, known: KnownItems): string[] | null {
  const keys = new Set(items.map((entry) => entry.key));
  const out: string[] = [];
  for (const entry of items) {
    if (known.keys.has(entry.key)) out.push(entry.key);
    else if (entry.legacyKey !== undefined && known.keys.has(entry.legacyKey) && !keys.has(entry.legacyKey)) out.push(entry.legacyKey);
    else return null;
  }
  return out;
}

/**
 * The plan of a full fetch whose items are all known, on a feed whose routes are all seeded and
 * that awaits no accept: what `planPoll` gives then (nothing new, nothing to deliver or hold),
 * without the items themselves. Pure.
 */
export function planNoneNew(feedId: string, now: number, presentKeys: string[], fetchMeta: PollPlan["fetchMeta"]): PollPlan {
  return { feedId, now, fetchMeta, presentKeys, newItems: [], deliveries: [], seedRoutes: [], hold: null, clearAccept: false };
}

/** What to ask the store about these items: their keys (legacy keys too) and identifying links. */
export function knownQuery(items: ReadonlyArray<Pick<IdentifiedItem, "key" | "normLink" | "legacyKey">>): { keys: string[]; links: string[] } {
  return {
    keys: items.flatMap((i) => (i.legacyKey ? [i.key, i.legacyKey] : [i.key])),
    links: items.flatMap((i) => (i.normLink ? [i.normLink] : [])),
  };
}

/**
 * An item stored under its legacy key (its relative link resolved the old way) keeps that key:
 * it is known, not new, and stays present in its feed.
 */
export function adoptLegacyKeys(items: readonly IdentifiedItem[], known: KnownItems): IdentifiedItem[] {
  const keys = new Set(items.map((entry) => entry.key));
  return items.map((entry) =>
    entry.legacyKey && !known.keys.has(entry.key) && known.keys.has(entry.legacyKey) && !keys.has(entry.legacyKey) ? { ...entry, key: entry.legacyKey } : entry,
  );
}

export interface PlanInput {
  feedId: string;
  now: number;
  items: IdentifiedItem[];
  known: KnownItems;
  hasHistory: boolean;
  /** Destination ids routed from this feed, in config order. */
  routes: string[];
  seededRoutes: ReadonlySet<string>;
  backlog: number;
  acceptMode: "record" | "post" | null;
  fetchMeta: PollPlan["fetchMeta"];
  /** The items are the whole feed (a fetch), not only what a hub pushed: absent items have left it. */
  complete: boolean;
  /** Per destination: why an item is filtered out of its route, or null. */
  filter?: (destinationId: string, item: FeedItem) => string | null;
  /** The feed's last successful poll (epoch ms): items dated since are news, not a flood. */
  lastOkAt?: number | null;
}

/** A poll with at least this many new items, and more than half new, is a flood. */
export const FLOOD_MIN_ITEMS = 5;
/** Feed and Crier clocks may disagree: an item dated up to this long before the last good poll is still news. */
export const FLOOD_CLOCK_SKEW_MS = 10 * 60_000;
/**
 * At most this many new items dated since the last good poll are taken as news at once (after an
 * outage); more looks like a re-import that re-dated everything, and is held like any flood.
 */
export const FLOOD_NEWS_CAP = 50;

export function planPoll(input: PlanInput): PollPlan {
  const { items, known } = input;
  const plan: PollPlan = {
    feedId: input.feedId,
    now: input.now,
    fetchMeta: input.fetchMeta,
    presentKeys: input.complete ? items.map((i) => i.key) : null,
    newItems: [],
    deliveries: [],
    seedRoutes: [],
    hold: null,
    clearAccept: false,
  };
  for (const entry of items) {
    if (known.keys.has(entry.key)) continue;
    // The guid changed but the article (its link) is known: remember the new key, post nothing.
    const aliasOf = entry.normLink ? (known.links.get(entry.normLink) ?? null) : null;
    plan.newItems.push({ ...entry, aliasOf });
  }
  const fresh = plan.newItems.filter((n) => n.aliasOf === null);

  const hold = input.hasHistory && !input.acceptMode ? floodReason(input, fresh, items.length) : null;
  if (hold) return { ...plan, newItems: [], hold };
  plan.clearAccept = input.acceptMode !== null;
  const recordOnly = input.acceptMode === "record";

  // Items are "newest first" by date, else by feed order.
  const newestFirst = [...items].sort(byNewest);
  for (const destinationId of input.routes) {
    if (input.seededRoutes.has(destinationId)) {
      for (const entry of fresh) {
        plan.deliveries.push(
          recordOnly
            ? skipped(destinationId, entry, "flood accepted by the operator: recorded without posting")
            : pending(destinationId, entry, input.filter),
        );
      }
      continue;
    }
    if (!items.length) continue; // an empty first fetch does not seed
    plan.seedRoutes.push(destinationId);
    newestFirst.forEach((entry, index) => {
      plan.deliveries.push(
        index < input.backlog
          ? pending(destinationId, entry, input.filter)
          : skipped(destinationId, entry, `first run of this route: recorded, not posted (backlog ${input.backlog})`),
      );
    });
  }
  return plan;
}

/**
 * Why this poll looks like a flood (a domain move or a re-import: many new keys at once), or null.
 * What the feed says counts: items dated since its last successful poll (less the clock skew, and
 * not in the future) are news that piled up during an outage, up to FLOOD_NEWS_CAP; the rest (old
 * or missing dates, changed links) decide. Pure.
 */
function floodReason(input: PlanInput, fresh: readonly IdentifiedItem[], total: number): string | null {
  const since = input.lastOkAt == null ? null : input.lastOkAt - FLOOD_CLOCK_SKEW_MS;
  const news = since === null ? 0 : fresh.filter((n) => datedBetween(n.item, since, input.now + FLOOD_CLOCK_SKEW_MS)).length;
  const choices = `nothing posted. To post them: crier feed accept ${input.feedId} --post. To record them without posting (they are never posted): crier feed accept ${input.feedId}.`;
  if (news > FLOOD_NEWS_CAP) {
    return `${fresh.length} of ${total} items are new at once, ${news} of them dated since the last successful poll: more than the ${FLOOD_NEWS_CAP} taken as news at once (a re-import?); ${choices}`;
  }
  const unexplained = fresh.length - news;
  if (unexplained < FLOOD_MIN_ITEMS || unexplained * 2 <= total) return null;
  const dated = news ? `; ${news} more, dated since then, are news` : "";
  return `${unexplained} of ${total} items are new at once and not dated since the feed's last successful poll${dated} (a domain move or re-import?); ${choices}`;
}

function datedBetween(item: FeedItem, after: number, notAfter: number): boolean {
  const at = item.publishedAt ? Date.parse(item.publishedAt) : Number.NaN;
  return at > after && at <= notAfter;
}

function pending(destinationId: string, entry: IdentifiedItem, filter?: PlanInput["filter"]): PlannedDelivery {
  const reason = filter?.(destinationId, entry.item) ?? null;
  if (reason) return skipped(destinationId, entry, reason);
  return { destinationId, itemKey: entry.key, normLink: entry.normLink, state: "pending", reason: null };
}

function skipped(destinationId: string, entry: IdentifiedItem, reason: string): PlannedDelivery {
  return { destinationId, itemKey: entry.key, normLink: entry.normLink, state: "skipped", reason };
}

function byNewest(a: IdentifiedItem, b: IdentifiedItem): number {
  const ta = a.item.publishedAt ? Date.parse(a.item.publishedAt) : null;
  const tb = b.item.publishedAt ? Date.parse(b.item.publishedAt) : null;
  if (ta !== null && tb !== null && ta !== tb) return tb - ta;
  return a.position - b.position;
}
