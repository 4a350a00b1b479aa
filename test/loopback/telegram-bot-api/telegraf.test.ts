// Interop: telegraf (the client Crier uses) against the loopback server and against telegram-test-api.
// telegraf sends JSON for plain calls and multipart/form-data when a file is uploaded.
import { Telegraf, TelegramError } from "telegraf";
import { afterEach, describe, expect, it } from "vitest";
import { CHANNEL, TOKEN, fakePng, loopbackPool, nastyBytes } from "./helpers.js";
import { startTelegramTestApi, type TelegramTestApi } from "./third-party.js";

const pool = loopbackPool();
let thirdParty: TelegramTestApi | undefined;
afterEach(async () => {
  await pool.closeAll();
  await thirdParty?.close();
  thirdParty = undefined;
});

describe("telegraf against the loopback server", () => {
  it("sendMessage (JSON), sendPhoto (multipart upload), deleteMessage", async () => {
    const srv = await pool.start();
    const bot = new Telegraf(TOKEN, { telegram: { apiRoot: `${srv.url}/` } });
    expect((await bot.telegram.getMe()).id).toBe(123456);

    const msg = await bot.telegram.sendMessage(CHANNEL.id, "<b>Заголовок</b> 🚀 <a href=\"https://e.x/1\">read</a>", {
      parse_mode: "HTML",
      link_preview_options: { prefer_large_media: true, url: "https://e.x/1" },
    });
    expect(msg.text).toBe("Заголовок 🚀 read");
    expect(msg.entities).toEqual([
      { type: "bold", offset: 0, length: 9 },
      { type: "text_link", offset: 13, length: 4, url: "https://e.x/1" },
    ]);
    expect(srv.requests[1]?.contentType).toBe("application/json");

    const png = fakePng(800, 600, nastyBytes(50_000));
    const photo = await bot.telegram.sendPhoto(CHANNEL.id, { source: png, filename: "cover.png" }, { caption: "<i>cap</i>", parse_mode: "HTML" });
    expect(photo.caption).toBe("cap");
    expect(photo.photo[0]).toMatchObject({ width: 800, height: 600 });
    expect(srv.requests[2]?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(srv.messages[1]?.photo?.bytes.equals(png)).toBe(true);

    expect(await bot.telegram.deleteMessage(CHANNEL.id, msg.message_id)).toBe(true);
    expect(srv.messages[0]?.deleted).toBe(true);
  });

  it("errors surface as TelegramError with the Bot API description and parameters", async () => {
    const srv = await pool.start({ rateLimitPerMinute: 1 });
    const bot = new Telegraf(TOKEN, { telegram: { apiRoot: `${srv.url}/` } });
    await bot.telegram.sendMessage(CHANNEL.id, "first");
    const flood = await bot.telegram.sendMessage(CHANNEL.id, "second").catch((e: unknown) => e);
    expect(flood).toBeInstanceOf(TelegramError);
    expect((flood as TelegramError).code).toBe(429);
    expect((flood as TelegramError).parameters?.retry_after).toBeGreaterThanOrEqual(1);
    const parse = await bot.telegram.sendMessage(CHANNEL.id, "<div>", { parse_mode: "HTML" }).catch((e: unknown) => e);
    expect((parse as TelegramError).description).toBe(`Bad Request: can't parse entities: Unsupported start tag "div" at byte offset 0`);
  });
});

describe("telegraf against telegram-test-api", () => {
  it("sendMessage works and is visible through sentMessages()", async () => {
    thirdParty = await startTelegramTestApi();
    const bot = new Telegraf(thirdParty.token, { telegram: { apiRoot: thirdParty.apiRoot } });
    const msg = await bot.telegram.sendMessage(thirdParty.chatId, "plain text");
    expect(msg.text).toBe("plain text");
    expect(await thirdParty.sentMessages()).toEqual([expect.objectContaining({ text: "plain text" })]);
  });
});
