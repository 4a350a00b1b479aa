/** The adapter registry: one line per installed platform. */
import type { AnyAdapter } from "../src/core/index.js";
import { blueskyAdapter } from "./bluesky/index.js";
import { consoleAdapter } from "./console/index.js";
import { discordAdapter } from "./discord/index.js";
import { mastodonAdapter } from "./mastodon/index.js";
import { slackAdapter } from "./slack/index.js";
import { telegramAdapter } from "./telegram/index.js";
import { xAdapter } from "./x/index.js";

export const adapters: ReadonlyMap<string, AnyAdapter> = new Map<string, AnyAdapter>(
  [consoleAdapter, telegramAdapter, xAdapter, mastodonAdapter, blueskyAdapter, discordAdapter, slackAdapter].map((adapter) => [adapter.platform, adapter]),
);
