import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { telegramConfig } from "./config.js";

const base = { botToken: "123456:ABC-DEF1234ghIkl", chatId: "@crier_news" };

describe("telegramConfig", () => {
  it("fills the defaults", () => {
    expect(telegramConfig.parse(base)).toEqual({
      ...base, apiBase: "https://api.telegram.org", linkPreview: true, disableNotification: false, longCaption: "short-caption",
    });
  });

  it.each<[string, Record<string, unknown>, unknown]>([
    ["a numeric chat id", { chatId: -1001234567890 }, -1001234567890],
    ["a numeric chat id given as text (e.g. from ${ENV})", { chatId: "-1001234567890" }, -1001234567890],
    ["an @channelusername", { chatId: "@Crier_News_2" }, "@Crier_News_2"],
    ["an unresolved ${ENV} chat id (structural pass)", { chatId: "${TG_CHAT}" }, "${TG_CHAT}"],
  ])("accepts %s", (_label, over, chatId) => {
    expect(telegramConfig.parse({ ...base, ...over }).chatId).toEqual(chatId);
  });

  it("accepts an unresolved ${ENV} token (the core validates structure before resolving)", () => {
    expect(telegramConfig.safeParse({ ...base, botToken: "${TELEGRAM_BOT_TOKEN}" }).success).toBe(true);
  });

  it.each<[string, Record<string, unknown>]>([
    ["no token", { botToken: undefined }],
    ["a token without the bot id", { botToken: "ABC-DEF" }],
    ["a token with spaces", { botToken: "123 :abc" }],
    ["a half-resolved token", { botToken: "${TOKEN}x" }],
    ["no chat", { chatId: undefined }],
    ["a chat name without @", { chatId: "crier_news" }],
    ["a too short @name", { chatId: "@abc" }],
    ["a fractional chat id", { chatId: 1.5 }],
    ["a non-http apiBase", { apiBase: "ftp://api.telegram.org" }],
    ["a non-URL apiBase", { apiBase: "api.telegram.org" }],
    ["a non-boolean linkPreview", { linkPreview: "yes" }],
    ["an unknown longCaption", { longCaption: "truncate" }],
    ["an unknown key", { parseMode: "MarkdownV2" }],
    ["maxLength (a destination-wide key, not Telegram's)", { maxLength: 100 }],
  ])("refuses %s", (_label, over) => {
    expect(telegramConfig.safeParse({ ...base, ...over }).success).toBe(false);
  });

  it("describes every field (feeds the generated docs) and the README's table lists it", () => {
    const readme = readFileSync(new URL("./README.md", import.meta.url), "utf8");
    for (const [name, field] of Object.entries(telegramConfig.shape)) {
      expect(field.description, name).toBeTruthy();
      expect(readme, name).toContain(`| \`${name}\` |`);
    }
  });
});
