/**
 * The adapter registry: one line per installed platform (console first, then alphabetical), each
 * a loader. A command loads only the adapters its config names: each adapter (its module and its
 * config schema) is a module of the built CLI's bundle, initialised only when loaded. `./index.ts`
 * loads them all (`crier adapters`, the docs, tests).
 */
import type { AnyAdapter } from "../src/core/index.js";

export const adapterLoaders: ReadonlyMap<string, () => Promise<AnyAdapter>> = new Map<string, () => Promise<AnyAdapter>>([
  ["console", async () => (await import("./console/index.js")).consoleAdapter],
  ["bluesky", async () => (await import("./bluesky/index.js")).blueskyAdapter],
  ["discord", async () => (await import("./discord/index.js")).discordAdapter],
  ["facebook", async () => (await import("./facebook/index.js")).facebookAdapter],
  ["instagram", async () => (await import("./instagram/index.js")).instagramAdapter],
  ["linkedin", async () => (await import("./linkedin/index.js")).linkedinAdapter],
  ["mastodon", async () => (await import("./mastodon/index.js")).mastodonAdapter],
  ["slack", async () => (await import("./slack/index.js")).slackAdapter],
  ["telegram", async () => (await import("./telegram/index.js")).telegramAdapter],
  ["threads", async () => (await import("./threads/index.js")).threadsAdapter],
  ["tiktok", async () => (await import("./tiktok/index.js")).tiktokAdapter],
  ["x", async () => (await import("./x/index.js")).xAdapter],
]);

/** Every installed adapter, loaded, by platform (`crier adapters`, the docs, tests). */
export async function loadAllAdapters(): Promise<ReadonlyMap<string, AnyAdapter>> {
  return new Map(await Promise.all([...adapterLoaders].map(async ([platform, load]) => [platform, await load()] as const)));
}

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
