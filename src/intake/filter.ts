/** Route filters: which items go to a destination. Pure. */
import type { FeedItem } from "../core/feed-item.js";
import type { Matcher, RouteFilter } from "../config/schema.js";

/** Why `item` is filtered out of the route (naming the rule), or null when it passes. */
export function filterReason(item: FeedItem, filter: RouteFilter | undefined, now: number): string | null {
  if (!filter) return null;
  if (filter.maxAgeHours !== undefined && item.publishedAt) {
    const ageHours = (now - Date.parse(item.publishedAt)) / 3_600_000;
    if (ageHours > filter.maxAgeHours) return `filtered: older than maxAgeHours ${filter.maxAgeHours} (${Math.floor(ageHours)} h old)`;
  }
  if (filter.include) {
    const hit = firstMatch(item, filter.include);
    if (!hit) return "filtered: matches no include rule";
  }
  if (filter.exclude) {
    const hit = firstMatch(item, filter.exclude);
    if (hit) return `filtered: exclude ${hit}`;
  }
  return null;
}

/** The rule that matches, in words ("keyword \"sponsored\""), or null. */
export function firstMatch(item: FeedItem, m: Matcher): string | null {
  const text = `${item.title}\n${item.summary}`.toLocaleLowerCase();
  for (const k of m.keywords) if (text.includes(k.toLocaleLowerCase())) return `keyword "${k}"`;
  if (m.regex?.test(`${item.title}\n${item.summary}`)) return `regex /${m.regex.source}/`;
  const categories = item.categories.map((c) => c.toLocaleLowerCase());
  for (const c of m.categories) if (categories.includes(c.toLocaleLowerCase())) return `category "${c}"`;
  const author = item.author?.toLocaleLowerCase();
  for (const a of m.authors) if (author === a.toLocaleLowerCase()) return `author "${a}"`;
  return null;
}
