/** The adapter registry: one line per installed platform (console first, then alphabetical). */
import type { AnyAdapter } from "../src/core/index.js";
import { blueskyAdapter } from "./bluesky/index.js";
import { consoleAdapter } from "./console/index.js";
import { discordAdapter } from "./discord/index.js";
import { facebookAdapter } from "./facebook/index.js";
import { instagramAdapter } from "./instagram/index.js";
import { linkedinAdapter } from "./linkedin/index.js";
import { mastodonAdapter } from "./mastodon/index.js";
import { slackAdapter } from "./slack/index.js";
import { telegramAdapter } from "./telegram/index.js";
import { threadsAdapter } from "./threads/index.js";
import { tiktokAdapter } from "./tiktok/index.js";
import { xAdapter } from "./x/index.js";

export const adapters: ReadonlyMap<string, AnyAdapter> = new Map<string, AnyAdapter>(
  [
    consoleAdapter,
    blueskyAdapter,
    discordAdapter,
    facebookAdapter,
    instagramAdapter,
    linkedinAdapter,
    mastodonAdapter,
    slackAdapter,
    telegramAdapter,
    threadsAdapter,
    tiktokAdapter,
    xAdapter,
  ].map((adapter) => [adapter.platform, adapter]),
);
