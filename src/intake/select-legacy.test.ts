/**
 * Items stored before relative links were resolved against the site: their old key (from the link
 * as it was resolved against the feed URL) is looked up too, and kept when the store has it.
 */
import { describe, expect, it } from "vitest";
import type { FeedItem } from "../core/feed-item.js";
import type { KnownItems } from "../store/feeds.js";
import { adoptLegacyKeys, identify, knownQuery } from "./select-new.js";

const item = (over: Partial<FeedItem> = {}): FeedItem => ({
  feedId: "news",
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
const known = (keys: string[], links: Array<[string, string]> = []): KnownItems => ({ keys: new Set(keys), links: new Map(links) });
const SITE = "https://www.example-news.com/";

describe("identify with legacy links", () => {
  const relative = item({ link: "https://www.example-news.com/content/123" });
  const withGuid = item({ guid: "g-7", link: "https://www.example-news.com/content/7" });
  const absolute = item({ link: "https://www.example-news.com/content/9", title: "Other" });
  const legacy = new Map([
    [relative, "https://proxy.example.net/content/123"],
    [withGuid, "https://proxy.example.net/content/7"],
  ]);

  it.each<[string, FeedItem, string, string | undefined]>([
    ["a link key gets the old link's key as its legacy key", relative, "link:https://www.example-news.com/content/123", "link:https://proxy.example.net/content/123"],
    ["a guid key does not depend on the link: no legacy key", withGuid, "guid:g-7", undefined],
    ["an item without a legacy link has none", absolute, "link:https://www.example-news.com/content/9", undefined],
  ])("%s", (_name, which, key, legacyKey) => {
    const entry = identify([relative, withGuid, absolute], SITE, legacy).find((e) => e.item === which);
    expect(entry?.key).toBe(key);
    expect(entry?.legacyKey).toBe(legacyKey);
  });

  it("a relative link to the home page: the channel link identifies nothing now, but its old link did", () => {
    const home = item({ link: SITE, title: "Front page" });
    const [entry] = identify([home], SITE, new Map([[home, "https://proxy.example.net/"]]));
    expect(entry?.key).toMatch(/^hash:/);
    expect(entry?.normLink).toBeNull();
    expect(entry?.legacyKey).toBe("link:https://proxy.example.net/");
  });

  it("without legacy links, nothing changes", () => {
    expect(identify([relative], SITE).map((e) => Object.keys(e).sort())).toEqual([["item", "key", "normLink", "position"]]);
  });

  it("asks the store for keys and legacy keys, and for identifying links", () => {
    expect(knownQuery(identify([relative, withGuid], SITE, legacy))).toEqual({
      keys: ["link:https://www.example-news.com/content/123", "link:https://proxy.example.net/content/123", "guid:g-7"],
      links: ["https://www.example-news.com/content/123", "https://www.example-news.com/content/7"],
    });
  });
});

describe("adoptLegacyKeys", () => {
  const a = item({ link: "https://www.example-news.com/content/1", title: "A" });
  const b = item({ link: "https://www.example-news.com/content/2", title: "B" });
  const entries = identify([a, b], SITE, new Map([[a, "https://proxy.example.net/content/1"], [b, "https://proxy.example.net/content/2"]]));

  it.each<[string, KnownItems, string[]]>([
    ["stored under the old key: keeps it (known, not new)", known(["link:https://proxy.example.net/content/1"]), ["link:https://proxy.example.net/content/1", "link:https://www.example-news.com/content/2"]],
    ["stored under the new key: the new key", known(["link:https://www.example-news.com/content/1", "link:https://proxy.example.net/content/1"]), ["link:https://www.example-news.com/content/1", "link:https://www.example-news.com/content/2"]],
    ["unknown either way: new, under the new key", known([]), ["link:https://www.example-news.com/content/1", "link:https://www.example-news.com/content/2"]],
  ])("%s", (_name, store, keys) => {
    expect(adoptLegacyKeys(entries, store).map((e) => e.key)).toEqual(keys);
  });

  it("never gives two items one key", () => {
    const c = item({ link: "https://proxy.example.net/content/1", title: "C" }); // its link is a's old one
    const both = identify([a, c], SITE, new Map([[a, "https://proxy.example.net/content/1"]]));
    expect(adoptLegacyKeys(both, known(["link:https://proxy.example.net/content/1"])).map((e) => e.key)).toEqual([
      "link:https://www.example-news.com/content/1",
      "link:https://proxy.example.net/content/1",
    ]);
  });
});
