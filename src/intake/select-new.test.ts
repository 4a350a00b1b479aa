import { describe, expect, it } from "vitest";
import type { FeedItem } from "../core/feed-item.js";
import type { IdentifiedItem, KnownItems } from "../store/feeds.js";
import { FLOOD_CLOCK_SKEW_MS, FLOOD_MIN_ITEMS, FLOOD_NEWS_CAP, identify, planPoll, type PlanInput } from "./select-new.js";

const item = (over: Partial<FeedItem> = {}): FeedItem => ({
  feedId: "blog",
  guid: null,
  link: null,
  title: "Title",
  summary: "Summary",
  author: null,
  categories: [],
  imageUrl: null,
  publishedAt: null,
  ...over,
});

const HASH_KEY = /^hash:[0-9a-f]{32}$/;

describe("identify", () => {
  it.each<[string, FeedItem[], string | null, Array<[string | RegExp, string | null]>]>([
    ["guid wins, link normalised", [item({ guid: "g1", link: "HTTPS://E.com/a?utm_source=rss#top" })], null, [["guid:g1", "https://e.com/a"]]],
    ["no guid: the normalised link", [item({ link: "https://E.com/b?utm_medium=x" })], null, [["link:https://e.com/b", "https://e.com/b"]]],
    ["no guid, no link: a hash", [item()], null, [[HASH_KEY, null]]],
    ["unusable link: a hash", [item({ link: "mailto:a@b.c" })], null, [[HASH_KEY, null]]],
    [
      "a link shared by two items identifies neither",
      [item({ guid: "g1", link: "https://e.com/same" }), item({ guid: "g2", link: "https://e.com/same?utm_source=x" })],
      null,
      [["guid:g1", null], ["guid:g2", null]],
    ],
    [
      "shared link without guids: hashes",
      [item({ link: "https://e.com/same", title: "One" }), item({ link: "https://e.com/same", title: "Two" })],
      null,
      [[HASH_KEY, null], [HASH_KEY, null]],
    ],
    ["the channel link identifies nothing", [item({ link: "https://e.com/" })], "https://E.com", [[HASH_KEY, null]]],
    ["the channel link with a guid", [item({ guid: "g", link: "https://e.com/#x" })], "https://e.com/", [["guid:g", null]]],
    [
      "the same guid twice is kept once, with its link",
      [item({ guid: "g", link: "https://e.com/x" }), item({ guid: "g", link: "https://e.com/x" })],
      null,
      [["guid:g", "https://e.com/x"]],
    ],
    [
      "the same guid-less entry twice is kept once, keyed by its link",
      [item({ link: "https://e.com/x" }), item({ link: "https://e.com/x" })],
      null,
      [["link:https://e.com/x", "https://e.com/x"]],
    ],
    ["identical link-less entries are kept once", [item(), item()], null, [[HASH_KEY, null]]],
  ])("%s", (_name, items, channel, expected) => {
    const out = identify(items, channel);
    expect(out).toHaveLength(expected.length);
    out.forEach((entry, i) => {
      const [key, normLink] = expected[i] ?? ["", null];
      if (typeof key === "string") expect(entry.key).toBe(key);
      else expect(entry.key).toMatch(key);
      expect(entry.normLink).toBe(normLink);
    });
  });

  it.each([
    ["different titles", item({ title: "A" }), item({ title: "B" }), false],
    ["different summaries", item({ summary: "A" }), item({ summary: "B" }), false],
    ["title/summary boundary matters", item({ title: "a\nb", summary: "" }), item({ title: "a", summary: "b" }), false],
    ["same content, other fields differ", item({ author: "x" }), item({ author: "y" }), true],
  ])("hash keys: %s", (_name, a, b, same) => {
    const [ka] = identify([a], null);
    const [kb] = identify([b], null);
    expect(ka?.key === kb?.key).toBe(same);
  });

  it("keeps positions from the feed's order, first duplicate wins", () => {
    const out = identify([item({ guid: "a" }), item({ guid: "a", title: "later" }), item({ guid: "b" })], null);
    expect(out.map((e) => [e.key, e.position, e.item.title])).toEqual([
      ["guid:a", 0, "Title"],
      ["guid:b", 2, "Title"],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

const NOW = 1_700_000_000_000;
const noneKnown = (): KnownItems => ({ keys: new Set(), links: new Map() });
const knownOf = (entries: IdentifiedItem[]): KnownItems => ({
  keys: new Set(entries.map((e) => e.key)),
  links: new Map(entries.filter((e) => e.normLink).map((e) => [e.normLink as string, e.key])),
});
const articles = (n: number, dates?: Array<string | null>): FeedItem[] =>
  Array.from({ length: n }, (_, i) => item({ guid: `g${i}`, link: `https://e.com/${i}`, title: `T${i}`, publishedAt: dates?.[i] ?? null }));

const input = (over: Partial<PlanInput>): PlanInput => ({
  feedId: "blog",
  now: NOW,
  items: [],
  known: noneKnown(),
  hasHistory: false,
  routes: ["tg", "x"],
  seededRoutes: new Set(),
  backlog: 0,
  acceptMode: null,
  fetchMeta: { etag: '"e1"', lastModified: null, bodyHash: "h", freshUntil: null },
  complete: true,
  ...over,
});

const rows = (plan: ReturnType<typeof planPoll>, destinationId: string): string[] =>
  plan.deliveries.filter((d) => d.destinationId === destinationId).map((d) => `${d.itemKey}=${d.state}`);

describe("planPoll: first run and seeding", () => {
  it.each<[string, Array<string | null>, number, string[]]>([
    [
      "by date, newest first",
      ["2024-01-02T00:00:00Z", "2024-01-05T00:00:00Z", "2024-01-01T00:00:00Z", "2024-01-04T00:00:00Z", "2024-01-03T00:00:00Z"],
      2,
      ["guid:g1=pending", "guid:g3=pending", "guid:g4=skipped", "guid:g0=skipped", "guid:g2=skipped"],
    ],
    ["undated: feed order", [null, null, null, null], 2, ["guid:g0=pending", "guid:g1=pending", "guid:g2=skipped", "guid:g3=skipped"]],
    ["backlog 0 posts nothing", [null, null, null], 0, ["guid:g0=skipped", "guid:g1=skipped", "guid:g2=skipped"]],
    ["backlog larger than the feed", [null, null], 5, ["guid:g0=pending", "guid:g1=pending"]],
  ])("seeds every route: %s", (_name, dates, backlog, expected) => {
    const items = identify(articles(dates.length, dates), null);
    const plan = planPoll(input({ items, backlog }));
    expect(plan.seedRoutes).toEqual(["tg", "x"]);
    expect(rows(plan, "tg")).toEqual(expected);
    expect(rows(plan, "x")).toEqual(expected);
    expect(plan.newItems.map((n) => [n.key, n.aliasOf])).toEqual(items.map((e) => [e.key, null]));
    expect(plan.deliveries.filter((d) => d.state === "skipped").every((d) => /first run/.test(d.reason ?? ""))).toBe(true);
    expect(plan.deliveries.filter((d) => d.state === "pending").every((d) => d.reason === null)).toBe(true);
    expect(plan.hold).toBeNull();
    expect(plan.clearAccept).toBe(false);
    expect(plan.fetchMeta).toEqual({ etag: '"e1"', lastModified: null, bodyHash: "h", freshUntil: null });
    expect(plan.presentKeys).toEqual(items.map((e) => e.key));
  });

  it("an empty first fetch seeds nothing", () => {
    const plan = planPoll(input({ items: [], backlog: 3 }));
    expect(plan.seedRoutes).toEqual([]);
    expect(plan.deliveries).toEqual([]);
    expect(plan.newItems).toEqual([]);
  });

  it("carries normLink on planned rows", () => {
    const plan = planPoll(input({ items: identify(articles(1), null), backlog: 1, routes: ["tg"] }));
    expect(plan.deliveries).toEqual([{ destinationId: "tg", itemKey: "guid:g0", normLink: "https://e.com/0", state: "pending", reason: null }]);
  });
});

describe("planPoll: known feed", () => {
  const old = identify(articles(4), null);

  it("queues one new item for every seeded route", () => {
    const items = identify([item({ guid: "new", link: "https://e.com/new" }), ...articles(4)], null);
    const plan = planPoll(input({ items, known: knownOf(old), hasHistory: true, seededRoutes: new Set(["tg", "x"]) }));
    expect(plan.newItems.map((n) => n.key)).toEqual(["guid:new"]);
    expect(plan.deliveries.map((d) => `${d.destinationId}:${d.itemKey}=${d.state}`)).toEqual(["tg:guid:new=pending", "x:guid:new=pending"]);
    expect(plan.seedRoutes).toEqual([]);
  });

  it("nothing new: nothing planned", () => {
    const plan = planPoll(input({ items: old, known: knownOf(old), hasHistory: true, seededRoutes: new Set(["tg", "x"]) }));
    expect(plan.newItems).toEqual([]);
    expect(plan.deliveries).toEqual([]);
  });

  it.each<[number, string[]]>([
    [0, ["guid:new=skipped", "guid:g0=skipped", "guid:g1=skipped", "guid:g2=skipped", "guid:g3=skipped"]],
    [1, ["guid:new=pending", "guid:g0=skipped", "guid:g1=skipped", "guid:g2=skipped", "guid:g3=skipped"]],
  ])("a new route is seeded with backlog %i, no backfill beyond it", (backlog, expectedNewRoute) => {
    const items = identify([item({ guid: "new", link: "https://e.com/new" }), ...articles(4)], null);
    const plan = planPoll(
      input({ items, known: knownOf(old), hasHistory: true, routes: ["tg", "mastodon"], seededRoutes: new Set(["tg"]), backlog }),
    );
    expect(plan.seedRoutes).toEqual(["mastodon"]);
    expect(rows(plan, "tg")).toEqual(["guid:new=pending"]);
    expect(rows(plan, "mastodon")).toEqual(expectedNewRoute);
  });

  it("a changed guid with a known link is an alias: recorded, not delivered", () => {
    const items = identify([item({ guid: "g0-renamed", link: "https://e.com/0?utm_source=rss" }), ...articles(4).slice(1)], null);
    const plan = planPoll(input({ items, known: knownOf(old), hasHistory: true, seededRoutes: new Set(["tg", "x"]) }));
    expect(plan.newItems.map((n) => [n.key, n.aliasOf])).toEqual([["guid:g0-renamed", "guid:g0"]]);
    expect(plan.deliveries).toEqual([]);
  });
});

describe("planPoll: floods", () => {
  const history = identify(articles(20), null);
  const fetchWith = (fresh: number, total: number): IdentifiedItem[] =>
    identify(
      [...Array.from({ length: fresh }, (_, i) => item({ guid: `n${i}`, link: `https://e.com/n${i}` })), ...articles(total - fresh)],
      null,
    );

  it("threshold constant is as documented", () => expect(FLOOD_MIN_ITEMS).toBe(5));

  it.each<[string, number, number, boolean, boolean]>([
    ["5 of 5 new", 5, 5, true, true],
    ["5 of 9 new (more than half)", 5, 9, true, true],
    ["5 of 10 new (exactly half)", 5, 10, true, false],
    ["6 of 11 new", 6, 11, true, true],
    ["4 of 5 new (below the minimum)", 4, 5, true, false],
    ["20 of 20 on a first run", 20, 20, false, false],
  ])("%s -> held: %s", (_name, fresh, total, hasHistory, held) => {
    const plan = planPoll(
      input({ items: fetchWith(fresh, total), known: knownOf(history), hasHistory, seededRoutes: hasHistory ? new Set(["tg", "x"]) : new Set() }),
    );
    if (held) {
      expect(plan.hold).toContain(`${fresh} of ${total}`);
      expect(plan.hold).toContain("To post them: crier feed accept blog --post. To record them without posting (they are never posted): crier feed accept blog.");
      expect(plan.newItems).toEqual([]);
      expect(plan.deliveries).toEqual([]);
      expect(plan.seedRoutes).toEqual([]);
      expect(plan.clearAccept).toBe(false);
    } else {
      expect(plan.hold).toBeNull();
      expect(plan.newItems).toHaveLength(fresh);
    }
  });

  it("aliases do not count towards a flood", () => {
    const renamed = Array.from({ length: 5 }, (_, i) => item({ guid: `r${i}`, link: `https://e.com/${i}` }));
    const items = identify([item({ guid: "n", link: "https://e.com/n" }), ...renamed], null);
    const plan = planPoll(input({ items, known: knownOf(history), hasHistory: true, seededRoutes: new Set(["tg"]), routes: ["tg"] }));
    expect(plan.hold).toBeNull();
    expect(plan.newItems).toHaveLength(6);
    expect(rows(plan, "tg")).toEqual(["guid:n=pending"]);
  });

  it.each<["record" | "post", "skipped" | "pending"]>([
    ["record", "skipped"],
    ["post", "pending"],
  ])("an accepted flood (%s) plans %s rows and clears the accept", (acceptMode, state) => {
    const plan = planPoll(
      input({ items: fetchWith(6, 6), known: knownOf(history), hasHistory: true, seededRoutes: new Set(["tg", "x"]), acceptMode }),
    );
    expect(plan.hold).toBeNull();
    expect(plan.clearAccept).toBe(true);
    expect(plan.newItems).toHaveLength(6);
    expect(plan.deliveries).toHaveLength(12);
    expect(plan.deliveries.every((d) => d.state === state)).toBe(true);
    if (state === "skipped") expect(plan.deliveries.every((d) => /accepted by the operator/.test(d.reason ?? ""))).toBe(true);
  });
});

describe("planPoll: news after an outage is not a flood", () => {
  // The feed last polled fine an hour ago; then two polls failed and 8 articles piled up.
  const LAST_OK = NOW - 3_600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const history = identify(articles(20), null);
  const known = { known: knownOf(history), hasHistory: true, seededRoutes: new Set(["tg", "x"]), lastOkAt: LAST_OK };
  /** `fresh` new items dated by `dateOf(i)`, then old known ones up to `total`. */
  const fetchWith = (fresh: number, total: number, dateOf: (i: number) => string | null): IdentifiedItem[] =>
    identify(
      [...Array.from({ length: fresh }, (_, i) => item({ guid: `n${i}`, link: `https://e.com/n${i}`, publishedAt: dateOf(i) })), ...articles(total - fresh)],
      null,
    );

  it.each<[string, number, number, (i: number) => string | null, Partial<PlanInput>, boolean]>([
    ["8 of 10 dated after the last good poll: queued", 8, 10, (i) => iso(LAST_OK + (i + 1) * 60_000), {}, false],
    ["dated within the clock skew before the last good poll: still news", 8, 10, () => iso(LAST_OK - FLOOD_CLOCK_SKEW_MS + 1_000), {}, false],
    ["dated just before the skew allows: a flood", 8, 10, () => iso(LAST_OK - FLOOD_CLOCK_SKEW_MS - 1_000), {}, true],
    ["a re-import with old dates: held", 8, 10, (i) => iso(Date.UTC(2019, 0, 1 + i)), {}, true],
    ["an undated flood: held", 8, 10, () => null, {}, true],
    ["dated far in the future: held (not news)", 8, 10, () => iso(NOW + 86_400_000), {}, true],
    ["no successful poll known: dates cannot explain it, held", 8, 10, (i) => iso(LAST_OK + i), { lastOkAt: null }, true],
    [`${FLOOD_NEWS_CAP} dated since: news`, FLOOD_NEWS_CAP, FLOOD_NEWS_CAP + 2, (i) => iso(LAST_OK + i + 1), {}, false],
    [`${FLOOD_NEWS_CAP + 1} dated since (over the cap): held as a re-import`, FLOOD_NEWS_CAP + 1, FLOOD_NEWS_CAP + 3, (i) => iso(LAST_OK + i + 1), {}, true],
  ])("%s", (_name, fresh, total, dateOf, over, held) => {
    const plan = planPoll(input({ ...known, items: fetchWith(fresh, total, dateOf), ...over }));
    if (held) {
      expect(plan.hold).toMatch(/To post them: crier feed accept blog --post\. To record them without posting \(they are never posted\): crier feed accept blog\.$/);
      expect(plan.deliveries).toEqual([]);
      expect(plan.newItems).toEqual([]);
    } else {
      expect(plan.hold).toBeNull();
      expect(rows(plan, "tg")).toEqual(Array.from({ length: fresh }, (_, i) => `guid:n${i}=pending`));
      expect(rows(plan, "x")).toHaveLength(fresh);
    }
  });

  it("mixed: dated news is set apart, and the undated rest alone is judged (5 undated of 13 is not more than half)", () => {
    const items = identify(
      [
        ...Array.from({ length: 8 }, (_, i) => item({ guid: `d${i}`, link: `https://e.com/d${i}`, publishedAt: iso(LAST_OK + 60_000) })),
        ...Array.from({ length: 5 }, (_, i) => item({ guid: `u${i}`, link: `https://e.com/u${i}` })),
      ],
      null,
    );
    expect(planPoll(input({ ...known, items })).hold).toBeNull();
    const moreUndated = identify([...items.map((e) => e.item), ...Array.from({ length: 4 }, (_, i) => item({ guid: `v${i}`, link: `https://e.com/v${i}` }))], null);
    expect(planPoll(input({ ...known, items: moreUndated })).hold).toMatch(/^9 of 17 items are new at once and not dated since the feed's last successful poll; 8 more, dated since then, are news/);
  });

  it("the over-the-cap hold says how many are dated since the last poll", () => {
    const plan = planPoll(input({ ...known, items: fetchWith(FLOOD_NEWS_CAP + 1, FLOOD_NEWS_CAP + 1, (i) => iso(LAST_OK + i + 1)) }));
    expect(plan.hold).toMatch(new RegExp(`^${FLOOD_NEWS_CAP + 1} of ${FLOOD_NEWS_CAP + 1} items are new at once, ${FLOOD_NEWS_CAP + 1} of them dated since the last successful poll: more than the ${FLOOD_NEWS_CAP} taken as news at once`));
  });
});
