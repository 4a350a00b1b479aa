/**
 * Crash and fault injection on platforms that honour an idempotency key (Mastodon's
 * Idempotency-Key, Bluesky's record key derived from the delivery): a send
 * whose outcome is unknown is retried under the same key, so every article is delivered exactly
 * once and nothing is left `uncertain` — kills mid-send and lost answers included.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startFeedServer } from "../support/feed-server.js";
import { buildRss, newsItems } from "../support/rss.js";
import { scaled } from "../support/timing.js";
import { runCli, writeConfig } from "../support/cli.js";
import { startDaemon, waitFor, type Daemon } from "../support/daemon.js";
import { seededRandom } from "../support/tcp-proxy.js";
import { startMastodonLoopback, type FaultAction } from "../loopback/mastodon-api/server.js";
import { startBlueskyPds, type FaultAction as PdsFault } from "../loopback/bluesky-pds/server.js";

type Platform = "mastodon" | "bluesky";
/** What the scenario needs of a platform: where to post, and what it holds afterwards (one title per post). */
interface Target {
  destination: string;
  env: Record<string, string>;
  titles(): Promise<string[]>;
}

/** `onPost` decides, for each post that arrives, whether to kill crier or answer with a fault. */
async function startTarget(platform: Platform, onPost: () => "kill" | "fault" | undefined, pickFault: () => number): Promise<Target> {
  if (platform === "mastodon") {
    const masto = await startMastodonLoopback({
      onRequest: (req): FaultAction | undefined => {
        if (req.method !== "POST" || req.path !== "/api/v1/statuses") return undefined;
        if (onPost() !== "fault") return undefined;
        const kinds: FaultAction[] = [
          { kind: "status", status: 500, body: { error: "Internal server error" } },
          { kind: "destroy-before" },
          { kind: "destroy-after" },
          { kind: "hang-after" },
          { kind: "status", status: 503, body: { error: "Service Unavailable" } },
        ];
        return kinds[Math.floor(pickFault() * kinds.length)];
      },
    });
    closers.push(() => masto.close());
    return {
      destination: `{ id: target, platform: mastodon, instance: "${masto.url}", accessToken: "\${TOKEN}", timeoutMs: 800 }`,
      env: { TOKEN: "loopback-token-crier" },
      titles: async () => masto.statuses.map((st) => st.text.split("\n")[0] ?? ""),
    };
  }
  const pds = await startBlueskyPds({
    fault: (req): PdsFault | undefined => {
      if (req.nsid !== "com.atproto.repo.createRecord") return undefined;
      if (onPost() !== "fault") return undefined;
      const kinds: PdsFault[] = [
        { kind: "status", status: 500, body: { error: "InternalServerError", message: "Internal Server Error" } },
        { kind: "destroy-after" },
        { kind: "hang-after" },
        { kind: "status", status: 502, body: { error: "UpstreamFailure", message: "Bad Gateway" } },
      ];
      return kinds[Math.floor(pickFault() * kinds.length)];
    },
  });
  closers.push(() => pds.close());
  return {
    destination: `{ id: target, platform: bluesky, service: "${pds.url}", handle: "${pds.handle}", appPassword: "\${TOKEN}", timeoutMs: 2000 }`,
    env: { TOKEN: pds.password },
    titles: async () => (await pds.listPosts()).map((p) => String(p.value.text).split("\n")[0] ?? ""),
  };
}

const ARTICLES = 16;
let closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function scenario(platform: Platform, mode: "crash" | "faults"): Promise<{ titles: string[]; rows: Array<{ state: string }>; kills: number; faults: number }> {
  const random = seededRandom(mode === "crash" ? 7 : 11);
  let daemon: Daemon | null = null;
  let kills = 0;
  let faults = 0;
  const feeds = await startFeedServer();
  closers.push(() => feeds.close());
  const target = await startTarget(
    platform,
    () => {
      const roll = random();
      if (mode === "crash") {
        if (roll < 0.25 && (daemon as Daemon | null)?.alive()) {
          kills++;
          (daemon as Daemon | null)?.child.kill("SIGKILL"); // the platform takes the post; the sender is already dead
        }
        return undefined;
      }
      if (roll >= 0.35) return undefined;
      faults++;
      return "fault";
    },
    random,
  );
  let items = newsItems(40);
  feeds.setFeed("/news.xml", buildRss(items));
  const { config } = writeConfig(`
storage: { path: data/crier.db }
logLevel: warn
delivery: { retryBaseMs: 50, retryMaxMs: 300, maxAttempts: 100, intervalSchedule: "* * * * * *" }
feeds:
  - { id: news, url: "${feeds.url}/news.xml", schedule: "* * * * * *" }
destinations:
  - ${target.destination}
routes:
  - { feed: news, to: [target] }
`);
  const env = target.env;
  const rows = async () => {
    const r = await runCli(["--config", config, "deliveries", "--json", "--limit", "1000"]);
    return r.code === 0 ? (JSON.parse(r.stdout) as Array<{ state: string }>) : [];
  };
  // The supervisor: crier is restarted as soon as it dies (as systemd would).
  let stopping = false;
  const start = (): void => {
    const d = startDaemon(config, env);
    daemon = d;
    void d.exited.then(() => {
      if (!stopping && daemon === d) start();
    });
  };
  start();
  try {
    await waitFor(async () => (await rows()).length === 40, 20_000, "the feed to be seeded");
    // The articles arrive four at a time, each batch once crier has read the feed since the last:
    // sends and polls interleave (and kills land among them) however slow the machine is.
    const fetches = (): number => feeds.hits.filter((h) => h.path === "/news.xml").length;
    for (let n = 1; n <= ARTICLES; n++) {
      items = [...newsItems(1, { start: 40 + n }), ...items].slice(0, 60);
      feeds.setFeed("/news.xml", buildRss(items));
      if (n % 4 !== 0 || n === ARTICLES) continue;
      const read = fetches();
      await waitFor(() => fetches() > read, 20_000, "crier to read the feed");
    }
    await waitFor(
      async () => {
        const live = (await rows()).filter((r) => r.state !== "skipped");
        return live.length === ARTICLES && live.every((r) => r.state === "sent" || r.state === "uncertain");
      },
      90_000,
      "every article settled",
    );
  } finally {
    stopping = true;
    const d = daemon as unknown as Daemon | null;
    if (d?.alive()) {
      d.child.kill("SIGTERM");
      await d.exited;
    }
  }
  return { titles: await target.titles(), rows: (await rows()).filter((r) => r.state !== "skipped"), kills, faults };
}

describe.each<Platform>(["mastodon", "bluesky"])("an idempotent platform: %s", (platform) => {
  it("crash injection: every article exactly once, none uncertain", async () => {
    const r = await scenario(platform, "crash");
    expect(new Set(r.titles).size).toBe(r.titles.length);
    expect(r.titles).toHaveLength(ARTICLES);
    expect(r.rows.filter((row) => row.state === "uncertain")).toEqual([]);
    console.log(`crash injection (${platform}): ${ARTICLES} articles, ${r.kills} kills mid-send, ${r.titles.length} posts, 0 duplicates, 0 uncertain`);
  }, scaled(120_000));

  it("fault injection: lost answers and 5xx retried under the same key, every article exactly once, none uncertain", async () => {
    const r = await scenario(platform, "faults");
    expect(new Set(r.titles).size).toBe(r.titles.length);
    expect(r.titles).toHaveLength(ARTICLES);
    expect(r.rows.filter((row) => row.state === "uncertain")).toEqual([]);
    console.log(`fault injection (${platform}): ${ARTICLES} articles, ${r.faults} faults, ${r.titles.length} posts, 0 duplicates, 0 uncertain`);
  }, scaled(120_000));
});
