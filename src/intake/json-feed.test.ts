import { describe, expect, it } from "vitest";
import { isJsonFeed, parseJsonFeed } from "./json-feed.js";
import { ParseError } from "./parse-types.js";

const FEED_URL = "https://blog.example.org/feed.json";
const feed = (items: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ version: "https://jsonfeed.org/version/1.1", title: "Blog &amp; more", home_page_url: "https://blog.example.org/", items, ...extra });

describe("parseJsonFeed", () => {
  it("maps a JSON Feed 1.1 item", () => {
    const parsed = parseJsonFeed(
      feed([
        {
          id: "https://blog.example.org/?p=1",
          url: "/2024/06/30/hello/",
          title: "Hello &amp; welcome",
          content_html: `<p>Body <img src="/img/1.jpg"> text</p>`,
          date_published: "2024-06-30T12:00:00+02:00",
          authors: [{ name: "Jane" }],
          tags: ["News", "News", 3, "Local"],
        },
      ]),
      "f",
      FEED_URL,
    );
    expect(parsed).toMatchObject({ title: "Blog & more", channelLink: "https://blog.example.org/", format: "json", warnings: [] });
    expect(parsed.items).toEqual([
      {
        feedId: "f",
        guid: "https://blog.example.org/?p=1",
        link: "https://blog.example.org/2024/06/30/hello/",
        title: "Hello & welcome",
        summary: "Body text",
        author: "Jane",
        categories: ["News", "Local"],
        imageUrl: "https://blog.example.org/img/1.jpg",
        publishedAt: "2024-06-30T10:00:00.000Z",
      },
    ]);
  });

  it("reads JSON Feed 1.0: numeric ids, author, summary and content_text as plain text", () => {
    const parsed = parseJsonFeed(
      JSON.stringify({
        version: "https://jsonfeed.org/version/1",
        title: "T",
        items: [
          { id: 42, url: "https://x.example/42", summary: "x < y & z", author: { name: "Jo" }, date_modified: "2024-06-30T12:00:00Z", image: "https://x.example/i.png" },
          { id: "43", external_url: "https://elsewhere.example/", content_text: "<b> is a tag" },
        ],
      }),
      "f",
      null,
    );
    expect(parsed.items.map((i) => [i.guid, i.link, i.summary, i.author, i.publishedAt, i.imageUrl])).toEqual([
      ["42", "https://x.example/42", "x < y & z", "Jo", "2024-06-30T12:00:00.000Z", "https://x.example/i.png"],
      ["43", "https://elsewhere.example/", "<b> is a tag", null, null, null],
    ]);
  });

  it("ignores fields of the wrong type, leaves out items that are not objects, says so", () => {
    const parsed = parseJsonFeed(feed([{ id: "1", title: 7, url: ["x"], content_text: "kept", date_published: "garbage" }, "junk", null, { id: "3" }]), "f", FEED_URL);
    expect(parsed.items.map((i) => [i.guid, i.title, i.link, i.summary, i.publishedAt])).toEqual([["1", "", null, "kept", null]]);
    expect(parsed.warnings).toEqual(["left out 2 JSON Feed items that are not objects", "left out 1 entry with no title, link, text or image"]);
  });

  it.each<[unknown, string]>([
    ["1", `"version" is "1", not the spec's URL (https://jsonfeed.org/version/1): read as JSON Feed 1.0`],
    ["1.0", `"version" is "1.0", not the spec's URL (https://jsonfeed.org/version/1): read as JSON Feed 1.0`],
    ["1.1", `"version" is "1.1", not the spec's URL (https://jsonfeed.org/version/1.1): read as JSON Feed 1.1`],
    [1, `"version" is 1, not the spec's URL (https://jsonfeed.org/version/1): read as JSON Feed 1.0`],
    [1.1, `"version" is 1.1, not the spec's URL (https://jsonfeed.org/version/1.1): read as JSON Feed 1.1`],
  ])("reads a bare version %j instead of the spec's URL, with a warning", (version, warning) => {
    const parsed = parseJsonFeed(feed([{ id: "1", url: "https://blog.example.org/1", title: "One" }], { version }), "f", FEED_URL);
    expect(parsed.items.map((i) => [i.guid, i.link, i.title])).toEqual([["1", "https://blog.example.org/1", "One"]]);
    expect(parsed.warnings).toEqual([warning]);
  });

  it.each(["https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1", "http://jsonfeed.org/version/1.1/"])("reads the version URL %s without a warning", (version) => {
    expect(parseJsonFeed(feed([{ id: "1", title: "One" }], { version }), "f", FEED_URL).warnings).toEqual([]);
  });

  it.each<[string, string | null, string, string | null]>([
    ["a relative url: against home_page_url, not the feed's URL", "https://blog.example.org/", "https://blog.example.org/posts/1", "https://cdn.example.net/feeds/posts/1"],
    ["a relative home_page_url: itself against the feed's URL", "/site/", "https://cdn.example.net/site/posts/1", "https://cdn.example.net/feeds/posts/1"],
    ["no home_page_url: the feed's URL", null, "https://cdn.example.net/feeds/posts/1", null],
  ])("%s", (_name, homePage, link, legacy) => {
    const parsed = parseJsonFeed(
      JSON.stringify({ version: "https://jsonfeed.org/version/1.1", ...(homePage ? { home_page_url: homePage } : {}), items: [{ id: "1", url: "posts/1", title: "t" }] }),
      "f",
      "https://cdn.example.net/feeds/blog.json",
    );
    const [item] = parsed.items;
    expect(item?.link).toBe(link);
    // The link as Crier resolved it before, so that an item stored under it is recognised.
    expect((item && parsed.legacyLinks?.get(item)) ?? null).toBe(legacy);
  });

  it.each<[string, string, RegExp]>([
    ["no version", JSON.stringify({ items: [] }), /JSON, but not a JSON Feed \("version"/],
    ["another version URL", JSON.stringify({ version: "https://example.org/v1", items: [] }), /not a JSON Feed version URL/],
    ["version 2", JSON.stringify({ version: "2", items: [] }), /not a JSON Feed version URL/],
    ["a version that only starts like one", JSON.stringify({ version: "1.1beta", items: [] }), /not a JSON Feed version URL/],
    ["no items", JSON.stringify({ version: "https://jsonfeed.org/version/1.1" }), /"items"/],
    ["an array", "[]", /not a JSON Feed \(the document/],
    ["broken JSON", "{\n\n  oops", /^malformed JSON at line 3/],
  ])("refuses %s", (_name, text, message) => {
    let error: unknown;
    try {
      parseJsonFeed(text, "f", FEED_URL);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toMatch(message);
  });
});

describe("isJsonFeed", () => {
  it.each<[string, string, string | null, boolean]>([
    ["a leading {", ' \n{"version":1}', null, true],
    ["labelled JSON Feed", "[]", "application/feed+json; charset=utf-8", true],
    ["labelled JSON", "x", "application/json", true],
    ["labelled JSON but XML inside", "<rss/>", "application/json", false],
    ["XML", "<rss/>", "application/rss+xml", false],
    ["text labelled XML", "{", "text/xml", true],
  ])("%s", (_name, text, contentType, expected) => {
    expect(isJsonFeed(text, contentType)).toBe(expected);
  });
});
