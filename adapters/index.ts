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

/**
 * Platforms asked for that Crier cannot post to, each with why: config validation refuses them
 * with that explanation instead of "unknown platform".
 */
export const refusedPlatforms: ReadonlyMap<string, string> = new Map([
  [
    "youtube",
    "YouTube has no API for text or link posts: community posts never had one, and channel bulletins (activities.insert) were retired on or after 18 May 2020 (https://developers.google.com/youtube/v3/guides/implementation/activities). The YouTube Data API uploads videos; none of its calls publishes an article link. Remove this destination, and share articles on YouTube by hand",
  ],
]);
