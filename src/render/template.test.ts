import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { RenderError } from "../core/adapter.js";
import type { FeedItem } from "../core/feed-item.js";
import { graphemeLength } from "../text/graphemes.js";
import { fill, fitTemplate, itemFields, unknownPlaceholders, type FitRules, type TemplateFields } from "./template.js";

const identity = (s: string): string => s;
const escapeHtml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const LINK = "https://example.com/articles/2024/some-slug?id=42"; // 49 characters
const TEMPLATE = "{title}\n\n{summary}\n\n{link}\n{hashtags}";

const fields = (over: Partial<TemplateFields> = {}): TemplateFields => ({
  title: "A fairly long title about things",
  summary: "The summary sentence is here. And another one follows it.",
  link: LINK,
  author: "Ann",
  hashtags: "#News #World",
  feed: "blog",
  ...over,
});

describe("unknownPlaceholders", () => {
  it.each([
    ["all known", "{title}\n{summary}\n{link} {author} {hashtags} {feed}", []],
    ["one unknown", "{title} {nope}", ["nope"]],
    ["wrong case is reported, not posted literally", "{Title} {link}", ["Title"]],
    ["underscores and digits", "{feed_name} {link2}", ["feed_name", "link2"]],
    ["prototype names are not placeholders", "{constructor} {toString}", ["constructor", "toString"]],
    ["braces around text are not placeholders", "{ not one } {} {1x}", []],
  ])("%s", (_name, template, expected) => {
    expect(unknownPlaceholders(template)).toEqual(expected);
  });
});

describe("fill", () => {
  it.each([
    ["fills every field", "{title} by {author} in {feed}: {link} {hashtags}", fields(), identity, `A fairly long title about things by Ann in blog: ${LINK} #News #World`],
    ["escapes field values, not the template", "<b>{title}</b>", fields({ title: "Fish & <Chips>" }), escapeHtml, "<b>Fish &amp; &lt;Chips&gt;</b>"],
    ["collapses blank lines left by an empty summary", TEMPLATE, fields({ summary: "" }), identity, `A fairly long title about things\n\n${LINK}\n#News #World`],
    ["collapses many blank lines", "{title}\n\n\n\n{link}", fields(), identity, `A fairly long title about things\n\n${LINK}`],
    ["drops trailing spaces and a trailing empty line", "{title}  \n{link}\n{hashtags}", fields({ hashtags: "" }), identity, `A fairly long title about things\n${LINK}`],
    ["leaves unknown names literally", "{title} {nope}", fields(), identity, "A fairly long title about things {nope}"],
    ["leaves prototype names literally", "{constructor}{title}", fields(), identity, "{constructor}A fairly long title about things"],
    ["$ patterns in values are literal", "{title}", fields({ title: "Cost $& and $1 $$" }), identity, "Cost $& and $1 $$"],
    ["placeholders inside values are not expanded", "{title}", fields({ title: "has {link} inside" }), identity, "has {link} inside"],
  ])("%s", (_name, template, f, escape, expected) => {
    expect(fill(template, f, escape)).toBe(expected);
  });
});

describe("fitTemplate", () => {
  const rules = (maxLength: number): FitRules => ({ escape: identity, measure: graphemeLength, maxLength });
  type Stage = "whole" | "summary shortened" | "hashtags dropped" | "title shortened" | "link only";
  const original = fields();

  it.each<[number, Stage]>([
    [500, "whole"],
    [155, "whole"],
    [150, "summary shortened"],
    [120, "summary shortened"],
    [100, "summary shortened"],
    [90, "hashtags dropped"],
    [83, "hashtags dropped"],
    [80, "title shortened"],
    [60, "title shortened"],
    [49, "link only"],
  ])("max %i: %s", (max, stage) => {
    const out = fitTemplate(TEMPLATE, original, rules(max));
    expect(graphemeLength(out)).toBeLessThanOrEqual(max);
    expect(out).toContain(LINK);
    const [head = "", ...rest] = out.split("\n\n");
    switch (stage) {
      case "whole":
        expect(out).toBe(fill(TEMPLATE, original, identity));
        break;
      case "summary shortened": {
        expect(head).toBe(original.title);
        expect(out.endsWith("\n#News #World")).toBe(true);
        const summary = rest[0] ?? "";
        expect(summary.endsWith("…")).toBe(true);
        expect(original.summary.startsWith(summary.slice(0, -1))).toBe(true);
        break;
      }
      case "hashtags dropped":
        expect(out).toBe(`${original.title}\n\n${LINK}`);
        break;
      case "title shortened":
        expect(rest).toEqual([LINK]);
        expect(head.endsWith("…")).toBe(true);
        expect(original.title.startsWith(head.slice(0, -1))).toBe(true);
        break;
      case "link only":
        expect(out).toBe(LINK);
        break;
    }
  });

  it.each([
    ["link longer than max", TEMPLATE, 48],
    ["fixed text plus link longer than max", `Read: {link}`, 50],
    ["tiny max", TEMPLATE, 1],
  ])("throws RenderError: %s", (_name, template, max) => {
    expect(() => fitTemplate(template, original, rules(max))).toThrow(RenderError);
  });

  it("drops the author last, keeping the link", () => {
    expect(fitTemplate("{author}\n{link}", fields({ author: "A. Very Long Author Name" }), rules(60))).toBe(LINK);
  });

  it("blank lines collapse when the summary is empty", () => {
    const out = fitTemplate(TEMPLATE, fields({ summary: "" }), rules(500));
    expect(out).toBe(`A fairly long title about things\n\n${LINK}\n#News #World`);
    expect(out).not.toMatch(/\n{3,}/);
  });

  it("shortens a 400-character title with emoji and Cyrillic, keeping the link", () => {
    const title = "Новости 👩‍👩‍👧‍👦 ".repeat(40).slice(0, 400);
    const out = fitTemplate("{title} {link}", fields({ title }), rules(100));
    expect(graphemeLength(out)).toBeLessThanOrEqual(100);
    expect(out.endsWith(` ${LINK}`)).toBe(true);
    expect(out).toContain("…");
  });

  describe("with a measure that counts HTML escapes", () => {
    const html = (maxLength: number): FitRules => ({ escape: escapeHtml, measure: (s) => s.length, maxLength });

    it.each([200, 172, 171, 120, 100, 80, 70, 60])("max %i is never exceeded", (max) => {
      const f = fields({ title: "Fish & Chips & more & more & more", summary: "A & B & C & D & E & F & G & H" });
      const out = fitTemplate(TEMPLATE, f, html(max));
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out).toContain(LINK);
    });

    it("property: escaped length ≤ max, link whole, or RenderError only when the link cannot fit", () => {
      const chunk = fc.constantFrom("&", "<", ">", "a", "word", " ", "Привет", "漢字", "👩‍👩‍👧‍👦", "&amp;", ". ");
      const textArb = fc.array(chunk, { maxLength: 60 }).map((c) => c.join(""));
      fc.assert(
        fc.property(textArb, textArb, fc.integer({ min: 1, max: 300 }), (title, summary, max) => {
          const f = fields({ title, summary, hashtags: "#A&B" });
          let out: string;
          try {
            out = fitTemplate(TEMPLATE, f, html(max));
          } catch (err) {
            expect(err).toBeInstanceOf(RenderError);
            expect(LINK.length).toBeGreaterThan(max);
            return;
          }
          expect(out.length).toBeLessThanOrEqual(max);
          expect(out).toContain(LINK);
        }),
        { numRuns: 500 },
      );
    });
  });
});

describe("itemFields", () => {
  const item: FeedItem = {
    feedId: "blog",
    guid: "g",
    link: "https://e.com/a",
    title: "T",
    summary: "S",
    author: null,
    categories: ["Local politics", "2024", "local politics", "Образование"],
    imageUrl: null,
    publishedAt: null,
  };
  it.each<[string | null, number, string, string]>([
    ["https://e.com/a?utm_source=crier", 3, "https://e.com/a?utm_source=crier", "#LocalPolitics #Образование"],
    ["https://e.com/a", 1, "https://e.com/a", "#LocalPolitics"],
    [null, 0, "", ""],
  ])("link %s, maxHashtags %i", (link, maxHashtags, expectedLink, hashtags) => {
    expect(itemFields(item, { link, maxHashtags })).toEqual({
      title: "T",
      summary: "S",
      link: expectedLink,
      author: "",
      hashtags,
      feed: "blog",
    });
  });
});
