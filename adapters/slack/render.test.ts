import { describe, expect, it } from "vitest";
import { RenderError, type FeedItem } from "../../src/core/index.js";
import { slackConfig } from "./config.js";
import { escapeMrkdwn, linkForMrkdwn, mrkdwnLinks, mrkdwnPreview, tidyLinks } from "./mrkdwn.js";
import { SLACK_DEFAULT_TEMPLATE, SLACK_SECTION_MAX, renderSlack, slackLimits } from "./render.js";

const cfg = slackConfig.parse({ botToken: "xoxb-1-abc", channel: "C0NEWS0001" });
const limits = slackLimits(cfg);
const LINK = "https://example.com/articles/2024/05/some-article?id=42&lang=en";

function item(over: Partial<FeedItem> = {}): FeedItem {
  return {
    feedId: "news", guid: "g1", link: LINK, title: "A title", summary: "A summary.", author: null,
    categories: ["Local news", "Politics"], imageUrl: null, publishedAt: "2024-05-01T10:00:00.000Z", ...over,
  };
}

const render = (over: Partial<FeedItem> = {}, template = SLACK_DEFAULT_TEMPLATE, max = limits.maxLength) => {
  const i = item(over);
  return renderSlack(i, cfg, { ...limits, maxLength: max }, { template, maxHashtags: 3, link: i.link });
};

describe("mrkdwn helpers", () => {
  it.each([
    ["plain", "plain"],
    ["AT&T", "AT&amp;T"],
    ["<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"],
    ["5 > 3 < 4", "5 &gt; 3 &lt; 4"],
    ["&amp; stays visible as typed", "&amp;amp; stays visible as typed"],
    ["<!channel> <@U123> <#C123>", "&lt;!channel&gt; &lt;@U123&gt; &lt;#C123&gt;"],
    ['quotes " \' and * _ ~ untouched', 'quotes " \' and * _ ~ untouched'],
  ])("escapeMrkdwn(%j)", (input, out) => expect(escapeMrkdwn(input)).toBe(out));

  it.each([
    [LINK, LINK],
    ["https://e.com/a|b", "https://e.com/a%7Cb"],
    ["https://e.com/a>b<c", "https://e.com/a%3Eb%3Cc"],
    ["https://e.com/a b", "https://e.com/a%20b"],
  ])("linkForMrkdwn(%j)", (input, out) => expect(linkForMrkdwn(input)).toBe(out));

  it.each([
    ["*<https://e.com|Title>*", "*<https://e.com|Title>*"],
    ["*<|Title>*\nsummary", "*Title*\nsummary"],
    ["*<https://e.com|>*\nsummary", "*<https://e.com>*\nsummary"],
    ["*<|>*\nsummary", "summary"],
    ["a   \n\n\n\nb", "a\n\nb"],
  ])("tidyLinks(%j)", (input, out) => expect(tidyLinks(input)).toBe(out));
});

describe("renderSlack", () => {
  it("fills the default template: bold title link, summary, hashtags; text = section text", () => {
    const r = render();
    const expected = `*<${LINK.replace("&", "&amp;")}|A title>*\nA summary.\n#LocalNews #Politics`;
    expect(r.payload).toEqual({ text: expected, blocks: [{ type: "section", text: { type: "mrkdwn", text: expected } }], unfurl_links: true });
    expect(r.preview).toBe(`A title (${LINK})\nA summary.\n#LocalNews #Politics`);
    expect(r.length).toBe(expected.length);
    expect(JSON.parse(JSON.stringify(r.payload))).toEqual(r.payload);
  });

  it.each<[string, string, string]>([
    ["& < > escaped", "AT&T <b>bold</b> 5 > 3", "AT&amp;T &lt;b&gt;bold&lt;/b&gt; 5 &gt; 3"],
    ["a | in the title stays in the link text", "Left | Right", "Left | Right"],
    ["a > in the title cannot close the link", "a > b", "a &gt; b"],
    ["a fake link in the title stays text", "<https://evil.example|click>", "&lt;https://evil.example|click&gt;"],
    ["mentions stay text", "<!channel> wake up", "&lt;!channel&gt; wake up"],
  ])("%s", (_name, title, inLink) => {
    const text = render({ title, summary: "" }).payload.text;
    expect(text.startsWith(`*<${LINK.replace("&", "&amp;")}|${inLink}>*`)).toBe(true);
    expect(mrkdwnLinks(text)).toEqual([LINK]);
    expect(text).not.toMatch(/<(?!https:\/\/example\.com)/); // the only raw < opens our link
  });

  it("a | or > in the link is percent-encoded, so the URL half ends where it should", () => {
    const text = render({ link: "https://e.com/a|b>c", title: "T" }).payload.text;
    expect(text.startsWith("*<https://e.com/a%7Cb%3Ec|T>*")).toBe(true);
  });

  it("no link: the title is bold text", () => {
    expect(render({ link: null, summary: "" }).payload.text).toBe("*A title*\n\n#LocalNews #Politics");
  });

  it("a custom template with a plain {link} gets it escaped (Slack auto-links it)", () => {
    expect(render({}, "{title} {link}").payload.text).toBe(`A title ${LINK.replace("&", "&amp;")}`);
  });

  it("unfurlLinks: false is passed on", () => {
    const off = slackConfig.parse({ botToken: "xoxb-1-abc", channel: "C0NEWS0001", unfurlLinks: false });
    expect(renderSlack(item(), off, limits, { template: SLACK_DEFAULT_TEMPLATE, maxHashtags: 3, link: LINK }).payload.unfurl_links).toBe(false);
  });

  const cases: Array<[string, Partial<FeedItem>]> = [
    ["400-character title", { title: "Breaking ".repeat(45).slice(0, 400) }],
    ["10,000-character summary", { summary: "Lorem ipsum dolor sit amet. ".repeat(360) }],
    ["escaping grows the text: 3,000 ampersands", { summary: "&".repeat(3000) }],
    ["escaping grows the text: < and > everywhere", { title: "<>".repeat(200), summary: "x < y > z & w ".repeat(400) }],
    ["emoji count 2 UTF-16 units each", { title: "👩‍👩‍👧‍👦 family 🇰🇿", summary: "🧑🏽‍💻".repeat(1500) }],
    ["Cyrillic and Kazakh", { title: "Қазақстанда жаңа заң қабылданды", summary: "Сегодня парламент принял закон. ".repeat(150) }],
    ["CJK", { title: "東京で新しい法律が可決されました", summary: "日本語の要約です。".repeat(500) }],
    ["a very long word", { summary: "x".repeat(6000) }],
  ];

  it.each(cases)("%s: within 3,000, link intact", (_name, over) => {
    const r = render(over);
    const text = r.payload.text;
    expect(text.length).toBeLessThanOrEqual(SLACK_SECTION_MAX);
    expect(r.length).toBe(text.length);
    expect(r.payload.blocks[0].text.text).toBe(text);
    expect(mrkdwnLinks(text)).toContain(LINK);
    expect(mrkdwnPreview(text)).toContain(LINK);
  });

  it.each([1000, 200, 120])("fits a tighter limit of %i", (max) => {
    const r = render({ summary: "Word & word ".repeat(400) }, SLACK_DEFAULT_TEMPLATE, max);
    expect(r.length).toBeLessThanOrEqual(max);
    expect(mrkdwnLinks(r.payload.text)).toEqual([LINK]);
  });

  it("when the title must go, the link stays as <url>", () => {
    const r = render({ title: "T".repeat(100), summary: "" }, SLACK_DEFAULT_TEMPLATE, LINK.length + 8);
    expect(r.payload.text).toBe(`*<${LINK.replace("&", "&amp;")}>*`);
  });

  it.each<[string, Partial<FeedItem>, number]>([
    ["nothing to post", { title: "", summary: "", link: null, categories: [] }, 3000],
    ["the link alone is over the limit", {}, 40],
  ])("refuses %s with a RenderError", (_name, over, max) => {
    expect(() => render(over, SLACK_DEFAULT_TEMPLATE, max)).toThrow(RenderError);
  });
});
