/**
 * Fault injection on Telegram (no idempotency key): refused connections and 429s are retried and
 * delivered once; a post taken by the platform whose answer is lost is held `uncertain` under
 * `ambiguous: hold`. The same faults under `ambiguous: retry` must show duplicates — proof that
 * the duplicate detector of these suites can fail.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems } from "../support/rss.js";
import { scaled } from "../support/timing.js";
import { runCli, writeConfig } from "../support/cli.js";
import { startDaemon, waitFor } from "../support/daemon.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";
import { startTelegramLoopback, type FaultAction, type TelegramLoopback } from "../loopback/telegram-bot-api/server.js";

const TOKEN = "5555555:AAF-fault-suite-token";
const CHAT = { id: -1002222222222, type: "channel" as const, username: "fault_suite" };
const ARTICLES = 8;

let servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

interface RunResult {
  texts: string[];
  rows: Array<{ state: string; title: string }>;
  retryAfterViolations: number[];
  refusedWindows: number;
}

async function runWithFaults(ambiguous: "hold" | "retry"): Promise<RunResult> {
  const feeds: FeedServer = await startFeedServer();
  let proxy: TcpProxy | null = null;
  let posts = 0;
  let resumeAt = 0;
  const retryAfterViolations: number[] = [];
  let refusedWindows = 0;
  const tg: TelegramLoopback = await startTelegramLoopback({
    tokens: [TOKEN],
    chats: [CHAT],
    onRequest: (req): FaultAction | undefined => {
      if (req.method !== "sendMessage") return undefined;
      const now = Date.now();
      if (now < resumeAt - 50) retryAfterViolations.push(resumeAt - now);
      switch (posts++ % 5) {
        case 1:
          resumeAt = now + 1000;
          return { kind: "status", status: 429, body: { ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } } };
        case 2:
          return { kind: "destroy-after" }; // taken, answer lost
        case 4:
          // After answering this one, the platform is unreachable for a moment: refused connections.
          // (The fault's schedule - 30 ms to let the answer out, 400 ms of outage - not a wait.)
          refusedWindows++;
          setTimeout(() => void proxy?.down().then(() => setTimeout(() => void proxy?.up(), 400)), 30);
          return undefined;
        default:
          return undefined;
      }
    },
  });
  proxy = await startTcpProxy(tg.url);
  servers.push(feeds, tg, proxy);
  let items = newsItems(30);
  feeds.setFeed("/news.xml", buildRss(items));
  const { config } = writeConfig(`
storage: { path: data/crier.db }
logLevel: warn
delivery: { retryBaseMs: 50, retryMaxMs: 300, maxAttempts: 50, intervalSchedule: "* * * * * *" }
feeds:
  - { id: news, url: "${feeds.url}/news.xml", schedule: "* * * * * *" }
destinations:
  - { id: tg, platform: telegram, apiBase: "${proxy.url}", botToken: "\${TG_TOKEN}", chatId: "@fault_suite", timeoutMs: 1000, ambiguous: ${ambiguous} }
routes:
  - { feed: news, to: [tg] }
`);
  const env = { TG_TOKEN: TOKEN };
  const rows = async () => JSON.parse((await runCli(["--config", config, "deliveries", "--json", "--limit", "1000"])).stdout) as RunResult["rows"];
  const daemon = startDaemon(config, env);
  try {
    await waitFor(async () => (await rows()).length === 30, 20_000, "the feed to be seeded");
    items = [...newsItems(ARTICLES, { start: 31 }), ...items];
    feeds.setFeed("/news.xml", buildRss(items));
    await waitFor(
      async () => {
        const live = (await rows()).filter((r) => r.state !== "skipped");
        return live.length === ARTICLES && live.every((r) => r.state === "sent" || r.state === "uncertain");
      },
      60_000,
      "every article settled",
    );
  } finally {
    daemon.child.kill("SIGTERM");
    await daemon.exited;
  }
  return {
    texts: tg.messages.map((m) => m.text ?? ""),
    rows: (await rows()).filter((r) => r.state !== "skipped"),
    retryAfterViolations,
    refusedWindows,
  };
}

describe("fault injection on Telegram", () => {
  it("ambiguous: hold — no duplicates; refused and 429 delivered once; lost answers uncertain; retry_after kept", async () => {
    const r = await runWithFaults("hold");
    expect(new Set(r.texts).size).toBe(r.texts.length);
    expect(r.retryAfterViolations).toEqual([]);
    expect(r.refusedWindows).toBeGreaterThan(0);
    const uncertain = r.rows.filter((row) => row.state === "uncertain");
    const sent = r.rows.filter((row) => row.state === "sent");
    expect(uncertain.length).toBeGreaterThan(0);
    // Every article reached the channel exactly once: sent ones were confirmed, uncertain ones were taken.
    for (const row of r.rows) expect(r.texts.filter((t) => t.startsWith(row.title)).length, row.title).toBe(1);
    console.log(`fault injection (Telegram, hold): ${ARTICLES} articles, ${sent.length} sent, ${uncertain.length} uncertain, 0 duplicates, ${r.refusedWindows} refused windows`);
  }, scaled(90_000));

  it("ambiguous: retry — the same faults produce duplicates (the detector can fail)", async () => {
    const r = await runWithFaults("retry");
    const duplicates = r.texts.length - new Set(r.texts).size;
    expect(duplicates).toBeGreaterThan(0);
    expect(r.rows.every((row) => row.state === "sent")).toBe(true);
    console.log(`fault injection (Telegram, retry): ${duplicates} duplicates observed, as expected`);
  }, scaled(90_000));
});
