// Second opinion: the third-party emulator `telegram-test-api` (npm), started on 127.0.0.1.
// Unlike ./server.ts it does no HTML parsing, no length checks, no multipart (so no sendPhoto
// upload), and its Message.date is in milliseconds, not Unix seconds. Bot messages are read back
// through its client API (POST /getUpdatesHistory, via TelegramClient.getUpdatesHistory()).
import telegramTestApi from "telegram-test-api";
import { closedPort } from "../harness.js";

// The package is CommonJS (`module.exports = TelegramServer`) but its typings declare
// `export default`, so under NodeNext the default import is typed as the module namespace.
type TelegramServerClass = typeof telegramTestApi.default;
const TelegramServer: TelegramServerClass =
  (telegramTestApi as unknown as { default?: TelegramServerClass }).default ?? (telegramTestApi as unknown as TelegramServerClass);

export interface TelegramTestApi {
  /** Pass as telegraf's `telegram.apiRoot` (the emulator serves /bot<token>/<method>). */
  apiRoot: string;
  token: string;
  chatId: number;
  /** Messages the bot sent, as stored by the emulator (params of the sendMessage call plus its bookkeeping). */
  sentMessages(): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export async function startTelegramTestApi(
  opts: { token?: string; chatId?: number } = {},
): Promise<TelegramTestApi> {
  const token = opts.token ?? "123456:TEST-API-TOKEN";
  const chatId = opts.chatId ?? 4242;
  // The emulator has no "port 0" (it falls back to 9000): a free port is borrowed first.
  const server = new TelegramServer({ port: await closedPort(), host: "127.0.0.1", storeTimeout: 600 });
  await server.start();
  const client = server.getClient(token, { chatId, userId: chatId });
  return {
    apiRoot: server.config.apiURL,
    token,
    chatId,
    async sentMessages() {
      const history = await client.getUpdatesHistory();
      const botUpdateIds = new Set(server.storage.botMessages.map((bot) => bot.updateId));
      return history
        .filter((update) => botUpdateIds.has(update.updateId) && "message" in update)
        .map((update) => ({ ...(update as unknown as { message: Record<string, unknown> }).message }));
    },
    async close() {
      await server.stop();
    },
  };
}
