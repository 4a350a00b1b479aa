import { describe, expect, it } from "vitest";
import type { FeedItem } from "../core/feed-item.js";
import { routeFilterSchema } from "../config/schema.js";
import { filterReason } from "./filter.js";
import { compileRouteFilter } from "../config/route-filter.js";

const NOW = Date.UTC(2026, 10, 27, 12);
/** A filter as config load makes it; a refused pattern fails the test. */
const filterOf = (raw: unknown) =>
  compileRouteFilter(routeFilterSchema().parse(raw), (path, reason) => {
    throw new Error(`${path.join(".")}: ${reason}`);
  });
/** What config load reports for the filter: [path, reason]. */
function refusals(raw: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  compileRouteFilter(routeFilterSchema().parse(raw), (path, reason) => out.push([path.join("."), reason]));
  return out;
}
const item: FeedItem = {
  feedId: "f", guid: "1", link: "https://e.org/1", title: "Council approves budget", summary: "A sponsored look at the new plan.",
  author: "Amira Haddad", categories: ["Local politics", "Money"], imageUrl: null, publishedAt: new Date(NOW - 5 * 3_600_000).toISOString(),
};

describe("filterReason", () => {
  it.each<[string, unknown, string | null]>([
    ["no filter rules", {}, null],
    ["include keyword matches", { include: { keywords: ["BUDGET"] } }, null],
    ["include keyword misses", { include: { keywords: ["football"] } }, "filtered: matches no include rule"],
    ["include category", { include: { categories: ["local politics"] } }, null],
    ["include author misses", { include: { authors: ["Tom Okafor"] } }, "filtered: matches no include rule"],
    ["exclude keyword", { exclude: { keywords: ["sponsored"] } }, 'filtered: exclude keyword "sponsored"'],
    ["exclude regex", { exclude: { regex: "^council\\b" } }, "filtered: exclude regex /^council\\b/"],
    ["exclude category", { exclude: { categories: ["MONEY"] } }, 'filtered: exclude category "MONEY"'],
    ["exclude author", { exclude: { authors: ["amira haddad"] } }, 'filtered: exclude author "amira haddad"'],
    ["too old", { maxAgeHours: 4 }, "filtered: older than maxAgeHours 4 (5 h old)"],
    ["young enough", { maxAgeHours: 6 }, null],
    ["include passes, exclude wins", { include: { keywords: ["budget"] }, exclude: { authors: ["Amira Haddad"] } }, 'filtered: exclude author "Amira Haddad"'],
  ])("%s", (_name, raw, expected) => {
    expect(filterReason(item, filterOf(raw), NOW)).toBe(expected);
  });

  it("lets an undated item through the age rule (its age is checked again at send time)", () => {
    expect(filterReason({ ...item, publishedAt: null }, filterOf({ maxAgeHours: 1 }), NOW)).toBeNull();
  });

  it("refuses an invalid regular expression in the config", () => {
    expect(refusals({ exclude: { regex: "([" } })).toEqual([["exclude.regex", expect.stringContaining("must be a valid regular expression")]]);
  });

  it.each<[string, Partial<FeedItem>, string | null]>([
    ["(a+)+$", { title: `${"a".repeat(30)}!`, summary: "" }, null],
    ["(a+)+$", { title: "Sponsored", summary: `${"a".repeat(5_000)}` }, "filtered: exclude regex /(a+)+$/"],
    ["^(\\w+\\s?)*$", { title: "word ".repeat(5_000), summary: "!" }, null],
    ["^été", { title: "Été indien à Marseille" }, "filtered: exclude regex /^été/"],
  ])("exclude /%s/ runs in linear time and matches as before", (regex, fields, expected) => {
    expect(filterReason({ ...item, ...fields }, filterOf({ exclude: { regex } }), NOW)).toBe(expected);
  });

  it.each<[string, string]>([
    ["council(?= approves)", "lookahead is not supported (filters run in linear time)"],
    ["(?<=the )budget", "lookbehind is not supported (filters run in linear time)"],
    ["(\\w)\\1", "a backreference is not supported (filters run in linear time)"],
  ])("refuses /%s/, which needs a backtracking engine, naming the field", (regex, reason) => {
    expect(refusals({ include: { regex }, exclude: { regex: "^ok$" } })).toEqual([["include.regex", expect.stringContaining(reason)]]);
  });
});
