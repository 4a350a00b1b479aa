/**
 * Golden posts: the bundled WordPress-style demo feed rendered by every adapter with its
 * defaults, compared with reviewed files in test/golden/<platform>.txt. After a deliberate change,
 * review the diff and run `UPDATE_GOLDEN=1 npx vitest run test/golden`.
 */
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { adapters } from "../../adapters/index.js";
import { parseFeed } from "../../src/intake/parse.js";
import type { FeedItem } from "../../src/core/index.js";
import { destinationCommonSchema } from "../../src/config/schema.js";
import { renderPost } from "../../src/delivery/render.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FEED = path.join(HERE, "../../config/feeds/demo-news.xml");

/** A config that validates for each platform (credentials are never used: render is pure). */
const SAMPLE_CONFIGS: Record<string, Record<string, unknown>> = {
  console: {},
  telegram: { botToken: "1:x", chatId: "@riverside_courier" },
  x: { appKey: "k", appSecret: "s", accessToken: "t", accessSecret: "u", username: "riverside" },
  mastodon: { instance: "https://mastodon.example", accessToken: "t" },
  bluesky: { handle: "riverside.example", appPassword: "xxxx-xxxx-xxxx-xxxx" },
  discord: { webhookUrl: "https://discord.com/api/webhooks/223704706495545344/3d89bb7572e0fb30d8128367b3b1b44fecd1726de135cbe28a41f8b2f777c372ba2939e72279b94526ff5d1bd4358d65cf11" },
  slack: { botToken: "xoxb-1", channel: "C0123ABCD" },
  // Secrets as an operator writes them: ${ENV} references (their formats are each adapter's to check).
  facebook: { pageId: "104857600000001", pageAccessToken: "${FB_PAGE_TOKEN}" },
  instagram: { userId: "17841400000000001", accessToken: "${IG_TOKEN}" },
  threads: { accessToken: "${THREADS_TOKEN}" },
  linkedin: { accessToken: "${LI_TOKEN}", author: "urn:li:person:782bbtaQ" },
  tiktok: { clientKey: "awloopbackclientkey", clientSecret: "${TT_SECRET}", refreshToken: "${TT_REFRESH}", verifiedDomain: "https://news.example.org/" },
};

describe("golden posts for the demo WordPress feed", async () => {
  const parsed = await parseFeed(readFileSync(FEED), "application/rss+xml; charset=UTF-8", "riverside-courier", "https://news.example.org/feed/");
  const items: FeedItem[] = parsed.items;

  it("reads the demo feed as an editor would", () => {
    expect(items.map((i) => i.title)).toEqual([
      "Council approves ‘green corridor’ along the old rail line",
      "Harbour ferry fares rise by 12% from January & weekend service cut",
      "Школа в Заречье получит новый спортзал",
      "Riverside FC 3–1 Harbour Town: late goals seal derby win ⚽",
      "Library extends opening hours over the winter holidays",
    ]);
    expect(items[0]?.summary).toBe(
      "The 6.4 km path will link Millbrook and the harbour, with “no through traffic” for cars. Work starts in spring, the council said on Thursday.",
    );
    expect(items[1]?.summary).not.toContain("[…]");
    expect(items[3]?.summary).toBe("Two goals in the last ten minutes turned the derby.");
  });

  for (const adapter of adapters.values()) {
    it(`${adapter.platform}`, () => {
      const cfg = adapter.config.parse(SAMPLE_CONFIGS[adapter.platform] ?? {});
      // A destination with every default, rendered through the one render call deliveries use.
      const destination = { id: "golden", platform: adapter.platform, adapter, cfg, pausedReason: null, common: destinationCommonSchema().parse({ id: "golden", platform: adapter.platform }) };
      const out = items
        .map((item) => {
          // Platforms that pull the picture by URL post nothing without one: give them the article's.
          const pulls = adapter.imageLimits?.delivery === "pull" && item.imageUrl !== null;
          const image = pulls ? { bytes: Buffer.alloc(0), mime: "image/jpeg", width: 1080, height: 1080, alt: item.imageAlt ?? item.title, url: item.imageUrl!, publicUrl: item.imageUrl! } : undefined;
          let r: ReturnType<typeof renderPost>;
          try {
            r = renderPost(destination, item, image ? { image } : {});
          } catch (err) {
            // What the delivery records as skipped (e.g. Instagram without a picture).
            return `── ${item.title} · not posted: ${(err as Error).message}\n`;
          }
          return `── ${item.title} · ${r.length}/${r.limits.maxLength} ${r.limits.unit}\n${r.preview}\n`;
        })
        .join("\n");
      const file = path.join(HERE, `${adapter.platform}.txt`);
      if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, out);
      expect(out).toBe(readFileSync(file, "utf8"));
    });
  }
});
