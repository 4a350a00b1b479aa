import { expect } from "vitest";
import { describeAdapterContract } from "../../test/contract/adapter-contract.js";
import { DEFAULT_WEBHOOK, startDiscordLoopback, webhookUrlOf } from "../../test/loopback/discord-api/server.js";
import { errorFor, loadFixture, networkError } from "./fixtures/replay.js";
import { discordAdapter } from "./index.js";
import type { DiscordPayload } from "./render.js";

const webhookUrl = webhookUrlOf(DEFAULT_WEBHOOK);

describeAdapterContract({
  adapter: discordAdapter,
  validConfig: { webhookUrl, username: "Crier", color: "#5865F2" },
  invalidConfigs: [
    { config: {}, path: "webhookUrl" },
    { config: { webhookUrl: "https://hooks.slack.com/services/T000/B000/XXXX" }, path: "webhookUrl" },
    { config: { webhookUrl: `${webhookUrl}?thread_id=1234567890123456789` }, path: "webhookUrl" },
    { config: { webhookUrl, apiBase: "ftp://discord.com/api" }, path: "apiBase" },
    { config: { webhookUrl, color: "#12345" }, path: "color" },
    { config: { webhookUrl, color: 0x1000000 }, path: "color" },
    { config: { webhookUrl, username: "Discord News" }, path: "username" },
    { config: { webhookUrl, threadId: 1234567890123456789 }, path: "threadId" },
  ],
  errorCases: [
    { name: "401 invalid webhook token", error: () => errorFor(loadFixture("401-invalid-webhook-token")), kind: "auth" },
    { name: "404 unknown (deleted) webhook", error: () => errorFor(loadFixture("404-unknown-webhook")), kind: "destination-broken" },
    { name: "400 invalid form body", error: () => errorFor(loadFixture("400-content-too-long")), kind: "rejected" },
    { name: "400 empty message", error: () => errorFor(loadFixture("400-empty-message")), kind: "rejected" },
    { name: "429 webhook limit", error: () => errorFor(loadFixture("429-user")), kind: "rate-limited", waitMs: 64_570 },
    { name: "429 global limit", error: () => errorFor(loadFixture("429-global")), kind: "rate-limited", waitMs: 64_570 },
    { name: "500", error: () => errorFor(loadFixture("500-internal-server-error")), kind: "unknown-outcome" },
    { name: "connection refused", error: () => networkError("connection-refused"), kind: "transient" },
    { name: "connection reset", error: () => networkError("socket-reset"), kind: "unknown-outcome" },
  ],
  linksOf: (rendered) => [(rendered.payload as DiscordPayload).embeds[0]?.url ?? ""],
  async startLoopback() {
    const lb = await startDiscordLoopback();
    return {
      cfg: { webhookUrl, apiBase: lb.apiBase },
      badCredentialsCfg: { webhookUrl: `https://discord.com/api/webhooks/${DEFAULT_WEBHOOK.id}/not-the-token-not-the-token`, apiBase: lb.apiBase },
      verify(rendered, sent) {
        const payload = rendered.payload as DiscordPayload;
        expect(lb.messages).toHaveLength(1);
        const message = lb.messages[0];
        expect(message).toMatchObject({ id: sent.remoteId, webhookId: DEFAULT_WEBHOOK.id, channelId: DEFAULT_WEBHOOK.channelId, mentionEveryone: false });
        expect(message?.embeds).toEqual(payload.embeds.map((e) => ({ ...e, type: "rich" })));
        const post = lb.requests.find((r) => r.method === "POST");
        expect(post).toMatchObject({ path: `/api/v10/webhooks/${DEFAULT_WEBHOOK.id}/${DEFAULT_WEBHOOK.token}`, query: { wait: "true" }, ignoredFields: [] });
        expect(post?.json).toEqual(payload);
        expect(String(post?.headers["user-agent"])).toMatch(/^DiscordBot \(/);
        expect(sent.remoteUrl).toBe(`https://discord.com/channels/${DEFAULT_WEBHOOK.guildId}/${DEFAULT_WEBHOOK.channelId}/${sent.remoteId}`);
      },
      close: () => lb.close(),
    };
  },
});
