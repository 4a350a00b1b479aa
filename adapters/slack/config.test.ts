import { describe, expect, it } from "vitest";
import { modeOf, slackConfig, webhookTarget } from "./config.js";
import { slackAdapter } from "./index.js";

const HOOK = "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/AbCdEf0123456789";
const bot = { botToken: "xoxb-123-456-abcDEF", channel: "C0123ABCD" };

describe("slackConfig", () => {
  it("fills the defaults in each mode", () => {
    expect(slackConfig.parse(bot)).toEqual({ ...bot, apiBase: "https://slack.com/api", unfurlLinks: true });
    expect(slackConfig.parse({ webhookUrl: HOOK })).toEqual({ webhookUrl: HOOK, apiBase: "https://slack.com/api", unfurlLinks: true });
  });

  it.each<[string, Record<string, unknown>]>([
    ["${ENV} secrets before they are resolved", { botToken: "${SLACK_BOT_TOKEN}", channel: "${SLACK_CHANNEL}" }],
    ["an ${ENV} webhook URL", { webhookUrl: "${SLACK_WEBHOOK_URL}" }],
    ["a GovSlack webhook", { webhookUrl: HOOK.replace("hooks.slack.com", "hooks.slack-gov.com") }],
    ["a #channel name", { ...bot, channel: "#news-desk" }],
    ["a bare channel name", { ...bot, channel: "news_desk" }],
    ["a private (G…) channel id", { ...bot, channel: "G0123ABCD" }],
    ["webhookBase with a path", { webhookUrl: HOOK, webhookBase: "http://127.0.0.1:8080/slack" }],
  ])("accepts %s", (_name, input) => {
    expect(slackConfig.safeParse(input).success).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ["nothing", {}, "webhookUrl", /either|required/],
    ["both modes", { ...bot, webhookUrl: HOOK }, "botToken", /not both/],
    ["a webhook with a channel", { webhookUrl: HOOK, channel: "#news" }, "channel", /not both/],
    ["a token without channel", { botToken: bot.botToken }, "channel", /required with botToken/],
    ["a channel without token", { channel: "C0123ABCD" }, "botToken", /required with channel/],
    ["a user token", { ...bot, botToken: "xoxp-1-2" }, "botToken", /xoxb-/],
    ["an http webhook", { webhookUrl: HOOK.replace("https", "http") }, "webhookUrl", /incoming-webhook URL/],
    ["a webhook on another host", { webhookUrl: HOOK.replace("hooks.slack.com", "example.com") }, "webhookUrl", /incoming-webhook URL/],
    ["a half-resolved reference", { webhookUrl: "${HOOK}x" }, "webhookUrl", /incoming-webhook URL/],
    ["an uppercase channel name", { ...bot, channel: "#News" }, "channel", /channel ID/],
    ["webhookBase in bot mode", { ...bot, webhookBase: "http://127.0.0.1:1" }, "webhookBase", /only used with webhookUrl/],
    ["an apiBase with a query", { ...bot, apiBase: "https://slack.com/api?x=1" }, "apiBase", /http\(s\) URL/],
    ["an unknown key", { ...bot, chanel: "x" }, "", /Unrecognized key/i],
  ])("refuses %s, naming %j", (_name, input, path, message) => {
    const r = slackConfig.safeParse(input);
    expect(r.success).toBe(false);
    const issue = r.error?.issues.find((i) => i.path.join(".") === path);
    expect(issue?.message).toMatch(message);
  });

  it("lists both credentials as secrets and describes every field", () => {
    expect([...slackAdapter.secrets].sort()).toEqual(["botToken", "webhookUrl"]);
    for (const [name, field] of Object.entries(slackConfig.shape)) expect(field.description, name).toBeTruthy();
  });
});

describe("helpers", () => {
  it.each([
    [undefined, HOOK],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080/services/T0123ABCD/B0123ABCD/AbCdEf0123456789"],
    ["http://proxy.local/slack/", "http://proxy.local/slack/services/T0123ABCD/B0123ABCD/AbCdEf0123456789"],
  ])("webhookTarget(%j)", (base, target) => expect(webhookTarget(HOOK, base)).toBe(target));

  it("modeOf picks the mode", () => {
    expect(modeOf(slackConfig.parse(bot))).toEqual({ kind: "bot", token: bot.botToken, channel: bot.channel });
    expect(modeOf(slackConfig.parse({ webhookUrl: HOOK }))).toEqual({ kind: "webhook", url: HOOK });
  });
});
