// The shared adapter contract for Telegram, against the loopback Bot API. Each error case is what
// telegraf really throws: the recorded answer served by the loopback (a fault), or a real refused
// connection.
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { afterAll, expect } from "vitest";
import type { FeedItem, Rendered } from "../../src/core/index.js";
import { describeAdapterContract } from "../../test/contract/adapter-contract.js";
import { closedPort } from "../../test/loopback/harness.js";
import { startTelegramLoopback, type HarnessFault, type LoopbackChat, type TelegramLoopback } from "../../test/loopback/telegram-bot-api/server.js";
import { parseHtml } from "../../test/loopback/telegram-bot-api/html.js";
import { telegramAdapter, type TelegramMessagePayload, type TelegramPayload } from "./index.js";

const TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
const CHANNEL: LoopbackChat = { id: -1001234567890, type: "channel", username: "crier_contract", title: "Contract" };
const valid = { botToken: "${TELEGRAM_BOT_TOKEN}", chatId: "@crier_contract" };

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), "utf8"));
const message: TelegramMessagePayload = {
  kind: "message", chatId: CHANNEL.id, text: "<b>x</b>", parseMode: "HTML", linkPreview: { isDisabled: true, url: null }, disableNotification: false,
};

/** What telegraf throws for a send the loopback answers with `fault`, or sent to `apiBase`. */
let replay: TelegramLoopback | undefined;
afterAll(async () => replay?.close());
async function thrown(how: { fault?: HarnessFault; apiBase?: string }): Promise<unknown> {
  replay ??= await startTelegramLoopback({ tokens: [TOKEN], chats: [CHANNEL] });
  if (how.fault) replay.harness.inject(how.fault);
  const cfg = telegramAdapter.config.parse({ botToken: TOKEN, chatId: CHANNEL.id, apiBase: how.apiBase ?? replay.url });
  const session = { load: async () => null, save: async () => {}, clear: async () => {} };
  const conn = await telegramAdapter.connect(cfg, { timeoutMs: 5_000, logger: pino({ level: "silent" }), baseDir: ".", session });
  try {
    await conn.send(message, { deliveryId: 1, idempotencyKey: "k", queuedAt: 0, signal: AbortSignal.timeout(5_000) });
  } catch (err) {
    return err;
  } finally {
    await conn.close();
  }
  throw new Error("the send should have failed");
}
const recorded = (name: string, status: number) => () => thrown({ fault: { kind: "status", status, body: fixture(name) } });

describeAdapterContract({
  adapter: telegramAdapter,
  validConfig: valid,
  invalidConfigs: [
    { config: { chatId: "@crier_contract" }, path: "botToken" },
    { config: { ...valid, botToken: "not a token" }, path: "botToken" },
    { config: { botToken: TOKEN }, path: "chatId" },
    { config: { ...valid, chatId: "crier_contract" }, path: "chatId" },
    { config: { ...valid, apiBase: "ftp://api.telegram.org" }, path: "apiBase" },
    { config: { ...valid, longCaption: "truncate" }, path: "longCaption" },
  ],
  errorCases: [
    { name: "401 Unauthorized", error: recorded("401-unauthorized", 401), kind: "auth" },
    { name: "403 bot kicked from the channel", error: recorded("403-bot-kicked-channel", 403), kind: "destination-broken" },
    { name: "400 chat not found", error: recorded("400-chat-not-found", 400), kind: "destination-broken" },
    { name: "400 can't parse entities", error: recorded("400-cant-parse-entities", 400), kind: "rejected" },
    { name: "429 flood control", error: recorded("429-too-many-requests", 429), kind: "rate-limited", waitMs: 35_000 },
    { name: "502 Bad Gateway", error: recorded("502-bad-gateway", 502), kind: "unknown-outcome" },
    { name: "the answer lost after the post was taken", error: () => thrown({ fault: { kind: "destroy-after" } }), kind: "unknown-outcome" },
    { name: "nothing listening", error: async () => thrown({ apiBase: `http://127.0.0.1:${await closedPort()}` }), kind: "transient" },
  ],
  async startLoopback() {
    const lb = await startTelegramLoopback({ tokens: [TOKEN], chats: [CHANNEL] });
    return {
      cfg: { botToken: TOKEN, chatId: "@crier_contract", apiBase: lb.url },
      badCredentialsCfg: { botToken: "654321:WRONG-token-for-the-contract", chatId: "@crier_contract", apiBase: lb.url },
      verify(rendered: Rendered<unknown>, sent, item: FeedItem) {
        const payload = rendered.payload as TelegramPayload;
        if (payload.kind !== "message") throw new Error("no image was given: the post is a text message");
        expect(sent).toEqual({ remoteId: "1", remoteUrl: "https://t.me/crier_contract/1" });
        const req = lb.requests.find((r) => r.method === "sendMessage");
        expect(req?.params).toMatchObject({ chat_id: "@crier_contract", text: payload.text, parse_mode: "HTML", link_preview_options: { is_disabled: false, url: item.link } });
        // What followers read is the text Telegram parsed out of the HTML: the preview, fields escaped.
        expect(lb.messages[0]?.text).toBe(parseHtml(payload.text).text);
        expect(lb.messages[0]?.text).toBe(rendered.preview);
        expect(rendered.preview).toContain('AT&T <b>bold</b> & "quotes"');
      },
      close: () => lb.close(),
    };
  },
});
