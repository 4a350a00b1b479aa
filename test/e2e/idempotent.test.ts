/**
 * Crash and fault injection on a platform that honours an idempotency key (Mastodon): a send
 * whose outcome is unknown is retried under the same key, so every article is delivered exactly
 * once and nothing is left `uncertain` — kills mid-send and lost answers included.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startFeedServer } from "../support/feed-server.js";
import { buildRss, newsItems } from "../support/rss.js";
import { runCli, writeConfig } from "../support/cli.js";
import { startDaemon, waitFor, type Daemon } from "../support/daemon.js";
import { seededRandom } from "../support/tcp-proxy.js";
import { startMastodonLoopback, type FaultAction } from "../loopback/mastodon-api/server.js";

const ARTICLES = 16;
const TOKEN = "loopback-token-crier";
let closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function scenario(mode: "crash" | "faults"): Promise<{ statuses: string[]; rows: Array<{ state: string }>; kills: number; faults: number }> {
  const random = seededRandom(mode === "crash" ? 7 : 11);
  let daemon: Daemon | null = null;
  let kills = 0;
  let faults = 0;
  const feeds = await startFeedServer();
  const masto = await startMastodonLoopback({
    onRequest: (req): FaultAction | undefined => {
      if (req.method !== "POST" || req.path !== "/api/v1/statuses") return undefined;
      const roll = random();
      if (mode === "crash") {
        if (roll < 0.25 && daemon?.alive()) {
          kills++;
          daemon.child.kill("SIGKILL"); // the platform takes the post; the sender is already dead
        }
        return undefined;
      }
      if (roll >= 0.35) return undefined;
      faults++;
      const kinds: FaultAction[] = [
        { kind: "status", status: 500, body: { error: "Internal server error" } },
        { kind: "destroy-before" },
        { kind: "destroy-after" },
        { kind: "hang-after" },
        { kind: "status", status: 503, body: { error: "Service Unavailable" } },
      ];
      return kinds[Math.floor(random() * kinds.length)];
    },
  });
  closers.push(() => feeds.close(), () => masto.close());
  let items = newsItems(40);
  feeds.setFeed("/news.xml", buildRss(items));
  const { config } = writeConfig(`
storage: { path: data/crier.db }
logLevel: warn
delivery: { retryBaseMs: 50, retryMaxMs: 300, maxAttempts: 100, intervalSchedule: "* * * * * *" }
feeds:
  - { id: news, url: "${feeds.url}/news.xml", schedule: "* * * * * *" }
destinations:
  - { id: masto, platform: mastodon, instance: "${masto.url}", accessToken: "\${MASTODON_TOKEN}", timeoutMs: 800 }
routes:
  - { feed: news, to: [masto] }
`);
  const env = { MASTODON_TOKEN: TOKEN };
  const rows = async () => {
    const r = await runCli(["--config", config, "deliveries", "--json", "--limit", "1000"]);
    return r.code === 0 ? (JSON.parse(r.stdout) as Array<{ state: string }>) : [];
  };
  const start = () => (daemon = startDaemon(config, env));
  start();
  try {
    await waitFor(async () => (await rows()).length === 40, 20_000, "the feed to be seeded");
    for (let n = 1; n <= ARTICLES; n++) {
      items = [...newsItems(1, { start: 40 + n }), ...items].slice(0, 60);
      feeds.setFeed("/news.xml", buildRss(items));
      await new Promise((r) => setTimeout(r, 120));
      if (!(daemon as Daemon | null)?.alive()) start();
    }
    await waitFor(
      async () => {
        if (!(daemon as Daemon | null)?.alive()) start();
        const live = (await rows()).filter((r) => r.state !== "skipped");
        return live.length === ARTICLES && live.every((r) => r.state === "sent" || r.state === "uncertain");
      },
      90_000,
      "every article settled",
    );
  } finally {
    const d = daemon as unknown as Daemon | null;
    if (d?.alive()) {
      d.child.kill("SIGTERM");
      await d.exited;
    }
  }
  return { statuses: masto.statuses.map((s) => s.text), rows: (await rows()).filter((r) => r.state !== "skipped"), kills, faults };
}

describe("an idempotent platform (Mastodon)", () => {
  it("crash injection: every article exactly once, none uncertain", async () => {
    const r = await scenario("crash");
    expect(new Set(r.statuses).size).toBe(r.statuses.length);
    expect(r.statuses).toHaveLength(ARTICLES);
    expect(r.rows.filter((row) => row.state === "uncertain")).toEqual([]);
    console.log(`crash injection (Mastodon): ${ARTICLES} articles, ${r.kills} kills mid-send, ${r.statuses.length} statuses, 0 duplicates, 0 uncertain`);
  }, 120_000);

  it("fault injection: lost answers and 5xx retried under the same key, every article exactly once, none uncertain", async () => {
    const r = await scenario("faults");
    expect(new Set(r.statuses).size).toBe(r.statuses.length);
    expect(r.statuses).toHaveLength(ARTICLES);
    expect(r.rows.filter((row) => row.state === "uncertain")).toEqual([]);
    console.log(`fault injection (Mastodon): ${ARTICLES} articles, ${r.faults} faults, ${r.statuses.length} statuses, 0 duplicates, 0 uncertain`);
  }, 120_000);
});
