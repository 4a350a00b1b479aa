import { describe, expect, it } from "vitest";
import { normalizeLink, tagLink } from "./link.js";

const utm = { source: "telegram", medium: "social", campaign: "news" };

describe("tagLink", () => {
  it.each([
    ["https://e.org/a/", "https://e.org/a/?utm_source=telegram&utm_medium=social&utm_campaign=news"],
    ["https://e.org/?p=123", "https://e.org/?p=123&utm_source=telegram&utm_medium=social&utm_campaign=news"],
    // Never doubled: the feed's own utm_* are replaced.
    ["https://e.org/a/?utm_source=rss&utm_medium=rss&p=1", "https://e.org/a/?p=1&utm_source=telegram&utm_medium=social&utm_campaign=news"],
    ["https://e.org/a/#comments", "https://e.org/a/?utm_source=telegram&utm_medium=social&utm_campaign=news#comments"],
  ])("%s", (link, tagged) => {
    expect(tagLink(link, utm)).toBe(tagged);
    expect(tagLink(tagLink(link, utm), utm)).toBe(tagged);
  });

  it("is never part of identity", () => {
    const link = "https://e.org/a/?p=1";
    expect(normalizeLink(tagLink(link, utm))).toBe(normalizeLink(link));
  });

  it("encodes the values", () => {
    expect(tagLink("https://e.org/", { source: "x & y", medium: "social", campaign: "a/b" })).toContain("utm_source=x%20%26%20y");
  });
});

import { stripTracking } from "./link.js";
describe("stripTracking", () => {
  it.each([
    ["https://e.org/a/?utm_source=rss&utm_medium=rss", "https://e.org/a/"],
    ["https://e.org/a/?p=1&fbclid=abc#top", "https://e.org/a/?p=1#top"],
    ["https://E.org/a/?q=a+b", "https://E.org/a/?q=a+b"], // untouched: no tracking parameter
    ["not a url", "not a url"],
  ])("%s -> %s", (link, expected) => {
    expect(stripTracking(link)).toBe(expected);
  });
});
