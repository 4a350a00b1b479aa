import { expect } from "vitest";
import type { Rendered } from "../../src/core/index.js";
import { describeAdapterContract, type ErrorCase } from "../../test/contract/adapter-contract.js";
import { DEFAULT_BOT, DEFAULT_WEBHOOKS, startSlackLoopback } from "../../test/loopback/slack-api/server.js";
import { errorFor, loadFixture } from "./fixtures/replay.js";
import { slackAdapter } from "./index.js";
import type { SlackPayload } from "./render.js";

const hook = DEFAULT_WEBHOOKS[0]!;
const WEBHOOK_URL = `https://hooks.slack.com/services/${hook.teamId}/${hook.hookId}/${hook.secret}`;
const fixture = (name: string) => () => errorFor(loadFixture(name));

// The kit checks that every secret key appears in validConfig; a Slack destination uses one of
// two, so the other is present as `undefined` (what an absent YAML key parses to).
const bot = { botToken: DEFAULT_BOT.token, channel: "C0NEWS0001", webhookUrl: undefined };
const webhook = { webhookUrl: WEBHOOK_URL, botToken: undefined };

const botErrors: ErrorCase[] = [
  { name: "invalid_auth", error: fixture("postmessage-invalid-auth"), kind: "auth" },
  { name: "is_archived", error: fixture("postmessage-is-archived"), kind: "destination-broken" },
  { name: "invalid_blocks", error: fixture("postmessage-invalid-blocks"), kind: "rejected" },
  { name: "429 ratelimited", error: fixture("postmessage-ratelimited-429"), kind: "rate-limited", waitMs: 30_000 },
  { name: "internal_error", error: fixture("postmessage-internal-error"), kind: "unknown-outcome" },
];

describeAdapterContract({
  adapter: slackAdapter,
  validConfig: bot,
  invalidConfigs: [
    { config: { channel: "C0NEWS0001" }, path: "botToken" },
    { config: { botToken: DEFAULT_BOT.token }, path: "channel" },
    { config: {}, path: "webhookUrl" },
    { config: { ...bot, webhookUrl: WEBHOOK_URL }, path: "botToken" },
    { config: { botToken: "xoxp-user-token", channel: "C0NEWS0001" }, path: "botToken" },
    { config: { ...bot, channel: "News Room" }, path: "channel" },
    { config: { ...bot, apiBase: "ftp://slack.com/api" }, path: "apiBase" },
    { config: { ...bot, unfurlLinks: "yes" }, path: "unfurlLinks" },
  ],
  errorCases: botErrors,
  async startLoopback() {
    const lb = await startSlackLoopback();
    return {
      cfg: { botToken: lb.bot.token, channel: "C0NEWS0001", apiBase: lb.apiBase },
      badCredentialsCfg: { botToken: "xoxb-9999-wrong-token-value", channel: "C0NEWS0001", apiBase: lb.apiBase },
      verify(rendered: Rendered<unknown>, sent) {
        const payload = rendered.payload as SlackPayload;
        expect(lb.messages).toHaveLength(1);
        const message = lb.messages[0]!;
        expect(message).toMatchObject({ channel: "C0NEWS0001", text: payload.text, blocks: payload.blocks, unfurlLinks: true });
        expect(sent).toEqual({ remoteId: `C0NEWS0001/${message.ts}`, remoteUrl: `https://crier-loopback.slack.com/archives/C0NEWS0001/p${message.ts.replace(".", "")}` });
        const req = lb.requests.find((r) => r.apiMethod === "chat.postMessage");
        expect(req?.json).toEqual({ channel: "C0NEWS0001", ...payload });
        expect(req?.headers.authorization).toBe(`Bearer ${lb.bot.token}`);
        // <&> in the item arrive escaped, never as markup.
        expect(payload.text).toContain("AT&amp;T &lt;b&gt;bold&lt;/b&gt;");
        expect(payload.text).not.toContain("<script>");
      },
      close: () => lb.close(),
    };
  },
});

describeAdapterContract({
  adapter: slackAdapter,
  validConfig: webhook,
  invalidConfigs: [
    { config: { webhookUrl: "https://hooks.slack.com/workflows/T1/A1/123/abc" }, path: "webhookUrl" },
    { config: { webhookUrl: "https://discord.com/api/webhooks/1/abc" }, path: "webhookUrl" },
    { config: { webhookUrl: WEBHOOK_URL, channel: "#news" }, path: "channel" },
    { config: { botToken: DEFAULT_BOT.token, channel: "C0NEWS0001", webhookBase: "http://127.0.0.1:1" }, path: "webhookBase" },
  ],
  errorCases: [
    { name: "webhook 403 invalid_token", error: fixture("webhook-403-invalid-token"), kind: "auth" },
    { name: "webhook 410 channel_is_archived", error: fixture("webhook-410-channel-is-archived"), kind: "destination-broken" },
    { name: "webhook 400 no_text", error: fixture("webhook-400-no-text"), kind: "rejected" },
    { name: "webhook 429", error: fixture("webhook-429-rate-limited"), kind: "rate-limited", waitMs: 12_000 },
    { name: "webhook 500 rollup_error", error: fixture("webhook-500-rollup-error"), kind: "unknown-outcome" },
  ],
  async startLoopback() {
    const lb = await startSlackLoopback();
    return {
      cfg: { webhookUrl: lb.webhookUrl(), webhookBase: lb.url },
      badCredentialsCfg: { webhookUrl: lb.webhookUrl().replace(/[^/]+$/, "wrongwebhooksecret"), webhookBase: lb.url },
      verify(rendered: Rendered<unknown>, sent) {
        expect(sent).toEqual({ remoteId: "webhook:crier-1", remoteUrl: null });
        expect(lb.messages).toEqual([expect.objectContaining({ channel: "C0NEWS0001", text: (rendered.payload as SlackPayload).text, via: "webhook" })]);
        expect(lb.requests[0]?.json).toEqual(rendered.payload);
      },
      close: () => lb.close(),
    };
  },
});
