import { describe, expect, it } from "vitest";
import { DISCORD_API_BASE, discordConfig, parseWebhookUrl } from "./config.js";

const ID = "223704706495545344";
const TOKEN = "3d89bb7572e0fb30d8128367b3b1b44fecd1726de135cbe28a41f8b2f777c372ba2939e7";
const URL_ = `https://discord.com/api/webhooks/${ID}/${TOKEN}`;

describe("parseWebhookUrl", () => {
  it.each([
    [URL_, { id: ID, token: TOKEN }],
    [`https://discordapp.com/api/webhooks/${ID}/${TOKEN}`, { id: ID, token: TOKEN }],
    [`https://canary.discord.com/api/webhooks/${ID}/${TOKEN}`, { id: ID, token: TOKEN }],
    [`https://discord.com/api/v10/webhooks/${ID}/${TOKEN}/`, { id: ID, token: TOKEN }],
    [`  ${URL_}  `, { id: ID, token: TOKEN }],
    [`http://discord.com/api/webhooks/${ID}/${TOKEN}`, null],
    [`https://discord.example.com/api/webhooks/${ID}/${TOKEN}`, null],
    [`${URL_}?thread_id=1`, null],
    [`${URL_}/slack`, null],
    [`https://discord.com/api/webhooks/${ID}`, null],
    [`https://discord.com/api/webhooks/abc/${TOKEN}`, null],
    ["not a url", null],
  ])("%s", (url, expected) => expect(parseWebhookUrl(url)).toEqual(expected));
});

describe("discordConfig", () => {
  it("fills the defaults", () => {
    expect(discordConfig.parse({ webhookUrl: URL_ })).toEqual({ webhookUrl: URL_, apiBase: DISCORD_API_BASE });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ["a #hex colour", { color: "#5865F2" }, { color: 0x5865f2 }],
    ["an integer colour", { color: 0 }, { color: 0 }],
    ["a thread id", { threadId: "1234567890123456789" }, { threadId: "1234567890123456789" }],
    ["a username, trimmed", { username: "  Crier News " }, { username: "Crier News" }],
    ["an avatar", { avatarUrl: "https://example.org/a.png" }, { avatarUrl: "https://example.org/a.png" }],
  ])("accepts %s", (_label, over, expected) => {
    expect(discordConfig.parse({ webhookUrl: URL_, ...over })).toMatchObject(expected);
  });

  it("accepts unresolved ${ENV} references (the core checks structure before resolving)", () => {
    expect(discordConfig.safeParse({ webhookUrl: "${DISCORD_WEBHOOK_URL}", threadId: "${DISCORD_THREAD}" }).success).toBe(true);
  });

  it.each<[string, Record<string, unknown>]>([
    ["no webhook URL", { webhookUrl: undefined }],
    ["a half-resolved reference", { webhookUrl: "${URL}x" }],
    ["a three-digit colour", { color: "#fff" }],
    ["a negative colour", { color: -1 }],
    ["a name with clyde", { username: "Clyde" }],
    ["an 81-character name", { username: "n".repeat(81) }],
    ["a thread id as a YAML number (precision lost)", { threadId: 1234567890123456789 }],
    ["a non-http avatar", { avatarUrl: "ftp://example.org/a.png" }],
    ["an unknown key", { chatId: 1 }],
  ])("refuses %s", (_label, over) => {
    expect(discordConfig.safeParse({ webhookUrl: URL_, ...over }).success).toBe(false);
  });

  it("never echoes the webhook URL in its error", () => {
    const r = discordConfig.safeParse({ webhookUrl: `${URL_}?thread_id=1` });
    expect(JSON.stringify(r.error?.issues.map((i) => i.message))).not.toContain(TOKEN);
  });
});
