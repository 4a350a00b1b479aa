import { describe, expect, it } from "vitest";
import { RenderError, type FeedItem, type PostStyle } from "../../src/core/index.js";
import { TRICKY_ITEMS } from "../../test/contract/tricky-items.js";
import { discordConfig } from "./config.js";
import { DISCORD_DEFAULT_TEMPLATE, DISCORD_LIMITS, discordLimits, renderDiscord, type DiscordPayload } from "./render.js";
import { codePoints, escapeMarkdown, unescapeMarkdown } from "./text.js";

const cfg = discordConfig.parse({ webhookUrl: "https://discord.com/api/webhooks/223704706495545344/abcdefghijklmnopqrstuvwxyz0123456789", color: "#5865F2" });
const limits = discordLimits(cfg);
const style = (item: FeedItem, template = DISCORD_DEFAULT_TEMPLATE): PostStyle => ({ template, maxHashtags: 3, link: item.link });
const base = TRICKY_ITEMS[0]![1];

/** Every documented limit, counted as Discord counts (code points). */
function expectWithinLimits(p: DiscordPayload): void {
  expect(codePoints(p.content ?? "")).toBeLessThanOrEqual(DISCORD_LIMITS.content);
  expect(p.embeds).toHaveLength(1);
  const e = p.embeds[0]!;
  expect(codePoints(e.title ?? "")).toBeLessThanOrEqual(DISCORD_LIMITS.title);
  expect(codePoints(e.description ?? "")).toBeLessThanOrEqual(DISCORD_LIMITS.description);
  expect(codePoints(e.footer?.text ?? "")).toBeLessThanOrEqual(DISCORD_LIMITS.footerText);
  expect(codePoints(e.title ?? "") + codePoints(e.description ?? "") + codePoints(e.footer?.text ?? "")).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
  expect(p.allowed_mentions).toEqual({ parse: [] });
}

const templates = ["", "{title}\n\n{summary}\n\n{link} {hashtags}", "{summary} {summary} {summary}"];

describe("renderDiscord", () => {
  it.each(TRICKY_ITEMS.flatMap(([name, item]) => templates.map((t) => [name, JSON.stringify(t), item, t] as const)))(
    "%s with template %s: every embed limit kept, the article is the embed url",
    (_name, _t, item, template) => {
      const r = renderDiscord(item, cfg, limits, style(item, template));
      expectWithinLimits(r.payload);
      expect(r.payload.embeds[0]?.url).toBe(item.link);
      expect(r.length).toBeLessThanOrEqual(limits.maxLength);
      expect(r.payload.embeds[0]).toMatchObject({ timestamp: item.publishedAt, color: 0x5865f2 });
    },
  );

  it.each([
    ["400-character title", "x ".repeat(200), 256],
    ["257 flags (514 code points)", "🇰🇿".repeat(257), 256],
    ["family emoji (7 code points each)", "👩‍👩‍👧‍👦".repeat(60), 256],
  ])("cuts a %s to the 256-character title as Discord counts, never inside a grapheme", (_name, title, max) => {
    const r = renderDiscord({ ...base, title }, cfg, limits, style(base));
    const out = r.payload.embeds[0]?.title ?? "";
    expect(codePoints(out)).toBeLessThanOrEqual(max);
    expect(out.endsWith("…")).toBe(true);
    expect(out.replace(/…$/, "")).toSatisfy((s: string) => title.startsWith(s.trim()));
  });

  it("fills the 4,096-character description from a long summary, and the 6,000 budget with content", () => {
    const item = { ...base, summary: "word ".repeat(3000) };
    const alone = renderDiscord(item, cfg, limits, style(item));
    expect(codePoints(alone.payload.embeds[0]?.description ?? "")).toBeGreaterThan(4000);
    const withContent = renderDiscord(item, cfg, limits, style(item, "{summary}"));
    expect(codePoints(withContent.payload.content ?? "")).toBeGreaterThan(1900);
    expect(withContent.length).toBeLessThanOrEqual(6000);
    expectWithinLimits(withContent.payload);
  });

  it("a tighter operator limit shortens the whole post", () => {
    const item = TRICKY_ITEMS[2]![1];
    const r = renderDiscord(item, cfg, { ...limits, maxLength: 300, source: "config" }, style(item, "{title}"));
    expect(r.length).toBeLessThanOrEqual(300);
    expect(r.payload.embeds[0]?.url).toBe(item.link);
  });

  it("mentions in feed text can never ping: allowed_mentions parse [] on every payload", () => {
    const item = { ...base, title: "@everyone look <@&165511591545143296>", summary: "@here <@80351110224678912> and <#103735883630395392>" };
    const r = renderDiscord(item, cfg, limits, style(item, "{title} {summary}"));
    expect(r.payload.allowed_mentions).toEqual({ parse: [] });
    // Tags are escaped too, so they show as typed instead of as a role or user chip.
    expect(r.payload.content).toContain("\\<@&165511591545143296>");
    expect(r.payload.embeds[0]?.description).toContain("\\<@80351110224678912>");
    expect(r.preview).toContain("@everyone look <@&165511591545143296>");
  });

  it.each([
    ["markdown in a title", "**Bold** _claims_ ~~gone~~ `code` ||spoiler|| [x](y)", "\\*\\*Bold\\*\\* \\_claims\\_ \\~\\~gone\\~\\~ \\`code\\` \\|\\|spoiler\\|\\| \\[x\\](y)"],
    ["a header-looking start", "# Not a header", "\\# Not a header"],
    ["a list-looking start", "- not a list", "\\- not a list"],
    ["HTML-looking text", "AT&T <b>bold</b> 5 > 3", "AT&T \\<b>bold\\</b> 5 > 3"],
  ])("escapes %s", (_name, title, escaped) => {
    const r = renderDiscord({ ...base, title }, cfg, limits, style(base));
    expect(r.payload.embeds[0]?.title).toBe(escaped);
    expect(r.preview.split("\n")[0]).toBe(title);
  });

  it("leaves URLs in text whole", () => {
    expect(escapeMarkdown("see https://example.com/a_b*c and _x_")).toBe("see https://example.com/a_b*c and \\_x\\_");
    expect(unescapeMarkdown(escapeMarkdown("a\\b *c* 1. d"))).toBe("a\\b *c* 1. d");
  });

  it("the footer names the author and the feed, as plain text", () => {
    const r = renderDiscord({ ...base, author: "Desk_1 *x*" }, cfg, limits, style(base));
    expect(r.payload.embeds[0]?.footer).toEqual({ text: "Desk_1 *x* · contract" });
  });

  it("sets username and avatar_url from the config; leaves out what is absent", () => {
    const c = discordConfig.parse({ webhookUrl: cfg.webhookUrl, username: "Crier News", avatarUrl: "https://example.org/a.png" });
    const item = { ...base, publishedAt: null, author: null };
    const { payload } = renderDiscord(item, c, limits, style(item));
    expect(payload).toEqual({
      username: "Crier News", avatar_url: "https://example.org/a.png", allowed_mentions: { parse: [] },
      embeds: [{ title: "A story", url: item.link, description: "A summary.", footer: { text: "contract" } }],
    });
  });

  it("an untitled article gets its host as the clickable title", () => {
    const r = renderDiscord({ ...base, title: "" }, cfg, limits, style(base));
    expect(r.payload.embeds[0]).toMatchObject({ title: "news.example.org", url: base.link });
  });

  it("without a link: no url, the text still posts", () => {
    const item = { ...base, link: null };
    const r = renderDiscord(item, cfg, limits, style(item));
    expect(r.payload.embeds[0]?.url).toBeUndefined();
    expect(r.payload.embeds[0]?.title).toBe("A story");
  });

  it("refuses an item with nothing to post", () => {
    const item = { ...base, link: null, title: "", summary: "" };
    expect(() => renderDiscord(item, cfg, limits, style(item))).toThrow(RenderError);
  });

  it("is pure and plain JSON", () => {
    const a = renderDiscord(base, cfg, limits, style(base, "{title}"));
    expect(renderDiscord(base, cfg, limits, style(base, "{title}"))).toEqual(a);
    expect(JSON.parse(JSON.stringify(a.payload))).toEqual(a.payload);
  });
});
