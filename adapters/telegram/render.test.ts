import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RenderError, type FeedItem, type PostStyle, type Rendered } from "../../src/core/index.js";
import { parseHtml } from "../../test/loopback/telegram-bot-api/html.js";
import { telegramConfig } from "./config.js";
import { escapeHtml, TelegramHtmlError, visibleLength, visibleText } from "./html.js";
import { renderTelegram, TELEGRAM_DEFAULT_TEMPLATE, telegramLimits, type TelegramMessagePayload, type TelegramPayload } from "./render.js";

const cfg = telegramConfig.parse({ botToken: "123456:ABC-DEF", chatId: "@crier_news" });
const limits = telegramLimits(cfg);
const LINK = "https://news.example.kz/2024/05/article?id=42&lang=kk";

const item = (over: Partial<FeedItem> = {}): FeedItem => ({
  feedId: "news", guid: "g1", link: LINK, title: "Title", summary: "Summary.", author: null,
  categories: [], imageUrl: null, publishedAt: null, ...over,
});
const style = (over: Partial<PostStyle> = {}): PostStyle => ({ template: TELEGRAM_DEFAULT_TEMPLATE, maxHashtags: 3, link: LINK, ...over });

/** The text message a render made (without `style.image` there is never a photo). */
function msg(out: Rendered<TelegramPayload>): TelegramMessagePayload {
  if (out.payload.kind !== "message") throw new Error(`expected a text message, got ${out.payload.kind}`);
  return out.payload;
}

const sentence = (s: string, times: number) => Array.from({ length: times }, () => s).join(" ");

/** What every rendered post must satisfy, checked against the loopback server's independent parser too. */
function expectValid(html: string, preview: string, length: number, link: string | null, max = 4096): void {
  expect(visibleLength(html)).toBeLessThanOrEqual(max);
  expect(length).toBe(preview.length);
  expect(parseHtml(html).text).toBe(preview); // the same text Telegram (per the loopback's parser) stores
  if (link) {
    expect(preview).toContain(link);
    expect(html).toContain(escapeHtml(link));
  }
}

describe("renderTelegram: golden items", () => {
  it.each<[string, Partial<FeedItem>, Partial<PostStyle>?]>([
    ["decoded curly quotes", { title: "It’s “here”: the city’s budget" }],
    ["< and & in the title", { title: "AT&T <b>wins</b> & 1 < 2 > 0 \"quoted\"" }],
    ["emoji ZWJ sequences", { title: "👩‍👩‍👧‍👦 Family day 🏳️‍🌈 🧑🏽‍💻", summary: sentence("👨‍👩‍👧 👍🏿 🇰🇿", 400) }],
    ["Kazakh Cyrillic", { title: "Қазақстанда жаңа заң қабылданды", summary: sentence("Өңірлердегі ұйымдар үшін маңызды өзгерістер.", 200) }],
    ["Russian Cyrillic", { title: "В Алматы выпал первый снег", summary: sentence("Синоптики обещают похолодание.", 300) }],
    ["CJK", { title: "東京で新しい図書館が開館", summary: sentence("市民は無料で利用できます。", 600) }],
    ["a 400-character title", { title: "Long ".repeat(80).trim() + "x".repeat(5) }],
    ["a 10,000-character summary", { summary: "word ".repeat(2000).trim() }],
    ["a 10,000-code-unit emoji summary", { summary: "😀".repeat(5000) }],
    ["several URLs in the summary", { summary: sentence("See https://a.example/x?y=1&z=2 and https://b.example/path_(1) too.", 150) }],
    ["no title", { title: "" }],
    ["no summary", { summary: "" }],
    ["no link", { link: null }, { link: null }],
  ])("%s", (_label, over, styleOver) => {
    const s = style(styleOver);
    const out = renderTelegram(item(over), cfg, limits, s);
    expectValid(msg(out).text, out.preview, out.length, s.link);
    expect(msg(out).linkPreview).toEqual({ isDisabled: false, url: s.link });
  });

  it("escapes title markup so the follower sees it literally", () => {
    const out = renderTelegram(item({ title: "AT&T <b>wins</b>" }), cfg, limits, style());
    expect(msg(out).text).toContain("<b>AT&amp;T &lt;b&gt;wins&lt;/b&gt;</b>");
    expect(out.preview.startsWith("AT&T <b>wins</b>")).toBe(true);
  });

  it("keeps a long title whole-grapheme and the link intact when cut", () => {
    const out = renderTelegram(item({ title: "👩‍👩‍👧‍👦".repeat(1000), summary: "x".repeat(10_000) }), cfg, limits, style());
    expectValid(msg(out).text, out.preview, out.length, LINK);
    expect(out.preview).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/); // no lone surrogate
  });

  it.each([LINK.length, 60, 120, 300, 1000])("fits a destination maxLength of %i", (max) => {
    const out = renderTelegram(item({ title: "Заголовок ".repeat(40), summary: "Текст 😀 ".repeat(900) }), cfg, { ...limits, maxLength: max }, style());
    expectValid(msg(out).text, out.preview, out.length, LINK, max);
  });

  it("drops the empty <b></b> of an untitled item", () => {
    const out = renderTelegram(item({ title: "" }), cfg, limits, style());
    expect(msg(out).text).toBe(`Summary.\n\n${escapeHtml(LINK)}`);
  });

  it("is plain JSON data and honours linkPreview/disableNotification", () => {
    const quiet = telegramConfig.parse({ botToken: "1:a", chatId: -1001, linkPreview: false, disableNotification: true });
    const out = renderTelegram(item(), quiet, limits, style());
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
    expect(out.payload).toMatchObject({ chatId: -1001, parseMode: "HTML", disableNotification: true, linkPreview: { isDisabled: true } });
  });
});

describe("renderTelegram: fuzzed titles and summaries", () => {
  it("never exceeds the limit and always parses", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 600 }), fc.string({ unit: "grapheme", maxLength: 6000 }), (title, summary) => {
        const out = renderTelegram(item({ title, summary }), cfg, limits, style());
        expectValid(msg(out).text, out.preview, out.length, LINK);
      }),
      { numRuns: 150 },
    );
  });
});

describe("renderTelegram: templates", () => {
  it.each([
    '<a href="{link}">{title}</a>\n\n{summary}',
    "<b>{title}</b>\n<i>{author}</i>\n<blockquote expandable>{summary}</blockquote>\n{link}\n{hashtags}",
    '<tg-spoiler>{title}</tg-spoiler> <span class="tg-spoiler">x</span> <u>{feed}</u> <code>{link}</code>',
  ])("accepts %j", (template) => {
    const out = renderTelegram(item({ author: "Ann & Bob", categories: ["Local news"] }), cfg, limits, style({ template }));
    expect(() => visibleText(msg(out).text)).not.toThrow();
    expect(parseHtml(msg(out).text).text).toBe(out.preview);
  });

  it.each([
    ["<h1>{title}</h1>\n{link}", /unsupported tag <h1>/],
    ["<b>{title}</b><br>{link}", /unsupported tag <br>/],
    ['<div class="x">{title}</div> {link}', /unsupported tag <div>/],
    ["<span>{title}</span> {link}", /tg-spoiler/],
    ["<b>{title}\n{link}", /<b> is never closed/],
    ["<b>{title}</i> {link}", /does not close <b>/],
    ["{title} & more {link}", /bare "&"/],
    ["{title} -> {link}", /bare ">"/],
    ["{title} &nbsp; {link}", /bare "&"/],
  ])("refuses %j with a RenderError", (template, reason) => {
    const render = () => renderTelegram(item(), cfg, limits, style({ template }));
    expect(render).toThrow(RenderError);
    expect(render).toThrow(reason);
  });

  it("refuses an item with nothing to post", () => {
    expect(() => renderTelegram(item({ title: "", summary: "", link: null }), cfg, limits, style({ link: null }))).toThrow(RenderError);
  });

  it("refuses when the link alone does not fit", () => {
    expect(() => renderTelegram(item(), cfg, { ...limits, maxLength: 10 }, style())).toThrow(RenderError);
  });
});

describe("html helpers", () => {
  it.each([
    ["plain", "plain", 5],
    ["<b>a</b>&amp;&lt;&gt;&quot;", 'a&<>"', 5],
    ["&#128512;&#x1F600;", "😀😀", 4],
    ["👩‍👩‍👧‍👦", "👩‍👩‍👧‍👦", 11],
    ['<a href="https://x.example/?a=1&amp;b=2">link</a>', "link", 4],
    ["<pre><code class=\"language-ts\">x</code></pre>", "x", 1],
  ])("visibleText(%j)", (html, text, length) => {
    expect(visibleText(html)).toBe(text);
    expect(visibleLength(html)).toBe(length);
  });

  it.each(["&#xD800;", "&#0;", "&copy;", "<", "a<b", "</b>"])("refuses %j", (html) => {
    expect(() => visibleText(html)).toThrow(TelegramHtmlError);
  });
});
