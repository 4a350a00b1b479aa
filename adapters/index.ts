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
 * Platforms asked for that Crier cannot post to, with why: config validation refuses them with this
 * explanation instead of "unknown platform" (the core never names a platform itself).
 */
export const refusedPlatforms: ReadonlyMap<string, string> = new Map([
  [
    "youtube",
    // https://developers.google.com/youtube/v3/guides/implementation/activities: "the activities.insert method will be
    // deprecated ... effective in the API on or after May 18, 2020" (channel bulletins); the Data API has no community-post resource.
    "YouTube has no API to publish text or link posts: community posts have none, and channel bulletins (activities.insert) were retired in 2020. Remove this destination, or post to YouTube by hand",
  ],
]);
