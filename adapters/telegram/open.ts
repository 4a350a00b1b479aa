/** Opens the client: telegraf's `Telegram` on its own agent. Loaded by connect, on first use (telegraf loads here). */
import http from "node:http";
import https from "node:https";
import { Input, Telegram } from "telegraf";
import type { TelegramConfig } from "./config.js";
import type { TelegramClient } from "./send.js";

/**
 * telegraf resolves `./bot<token>/<method>` against apiRoot, so a base with a path
 * ("http://host/telegram") needs its trailing slash or the path is lost.
 */
export function apiRoot(apiBase: string): string {
  const url = new URL(apiBase);
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url.toString();
}

/** No network until the first call. */
export function openTelegram(cfg: TelegramConfig): TelegramClient {
  const root = apiRoot(cfg.apiBase);
  // Our own agent, so that close() really releases the sockets (telegraf's default https agent is
  // shared by every client in the process; for http:// roots it uses Node's global agent).
  const agent = root.startsWith("https:") ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const telegram = new Telegram(cfg.botToken, { apiRoot: root, agent });
  telegram.options.agent = agent; // the constructor drops `agent` for http:// roots
  return { telegram, input: Input, agent, cfg };
}
