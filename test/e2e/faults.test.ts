/**
 * Fault injection: the loopback platform answers ~30% of posts with a fault — 500, 429 with reset
 * headers, a dropped connection before the post is taken, or the post taken and the answer lost
 * (reset or hang). Crier must never post twice, must retry only what provably did not go out,
 * must hold lost answers as `uncertain`, and must keep the budgets and the platform's resets.
 */
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFeedServer, type FeedServer } from "../support/feed-server.js";
import { buildRss, newsItems } from "../support/rss.js";
import { scaled } from "../support/timing.js";
import { runCli, runCliJson, writeConfig } from "../support/cli.js";
import { startDaemon, waitFor } from "../support/daemon.js";
import { startXLoopback, type FaultAction, type XLoopback } from "../loopback/x-api/server.js";
import { ALICE, CONSUMER } from "../loopback/x-api/testing.js";
import { seededRandom, startTcpProxy } from "../support/tcp-proxy.js";

const ARTICLES = 20;
const X_ENV = { X_APP_KEY: CONSUMER.key, X_APP_SECRET: CONSUMER.secret, X_ACCESS_TOKEN: ALICE.accessToken, X_ACCESS_SECRET: ALICE.accessSecret };
const BUDGET = { posts: 4, windowMs: 1500 };
const TOLERANCE_MS = 50; // crier logs a send just before the request leaves; the server sees it a little later
// ... and how much later varies more on a loaded machine: the server-clock checks of spacing and
// windows allow for that; the same checks on crier's own send log allow nothing.
const JITTER_MS = scaled(TOLERANCE_MS);
// What ends a hang-after fault (the post then uncertain, rightly). A clean answer must never outlast
// it: on a loaded machine one took more than 500 ms and its row ended uncertain (issue 16), so the
// timeout is a reference-machine figure far above a loopback answer, scaled to the machine.
const SEND_TIMEOUT_MS = scaled(2_000);

type FaultKind = "500" | "429" | "destroy-before" | "destroy-after" | "hang-after";
const AMBIGUOUS: FaultKind[] = ["500", "destroy-before", "destroy-after", "hang-after"];

// Seeded, so that a failure can be replayed: FAULT_SEED=123 npx vitest run test/e2e/faults.test.ts
const SEED = Number(process.env.FAULT_SEED ?? 20261127);
const random = seededRandom(SEED);
let feeds: FeedServer;
let x: XLoopback;
/** Per post text: the faults it met, in order. */
const faults = new Map<string, FaultKind[]>();
const arrivals: number[] = [];
let resetUntil = 0;
const resetViolations: number[] = [];

beforeAll(async () => {
  feeds = await startFeedServer();
  x = await startXLoopback({
    consumer: CONSUMER,
    users: [ALICE],
    onRequest: (req): FaultAction | undefined => {
      if (req.method !== "POST" || req.path !== "/2/tweets") return undefined;
      const now = Date.now();
      arrivals.push(now);
      if (now < resetUntil - TOLERANCE_MS) resetViolations.push(resetUntil - now);
      const text = (req.json as { text: string }).text;
      if (random() >= 0.3) return undefined;
      const kinds: FaultKind[] = ["500", "429", "429", "destroy-before", "destroy-after", "hang-after"];
      const kind = kinds[Math.floor(random() * kinds.length)] ?? "429";
      faults.set(text, [...(faults.get(text) ?? []), kind]);
      switch (kind) {
        case "500":
          return { kind: "status", status: 500, body: { title: "Internal Server Error", detail: "Internal Server Error", type: "about:blank", status: 500 } };
        case "429": {
          const reset = Math.ceil((now + 600) / 1000); // X gives the reset in epoch seconds
          resetUntil = reset * 1000;
          return {
            kind: "status",
            status: 429,
            body: { title: "Too Many Requests", detail: "Too Many Requests", type: "about:blank", status: 429 },
            headers: { "x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": String(reset) },
          };
        }
        default:
          return { kind };
      }
    },
  });
});
afterAll(async () => {
  await x.close();
  await feeds.close();
});

describe("fault injection on X", () => {
  it("delivers exactly once what provably did not go out, holds lost answers, keeps budgets and resets", async () => {
    // A long history, so that articles arriving faster than the poll are not held as a flood.
    let items = newsItems(40);
    feeds.setFeed("/news.xml", buildRss(items));
    const { config, dir } = writeConfig(`
storage: { path: data/crier.db }
logLevel: warn
delivery: { retryBaseMs: 50, retryMaxMs: 200, maxAttempts: 50, intervalSchedule: "* * * * * *" }
feeds:
  - { id: news, url: "${feeds.url}/news.xml", schedule: "* * * * * *", timeoutMs: 2000 }
destinations:
  - id: x-main
    platform: x
    apiBase: "${x.url}"
    username: alice
    timeoutMs: ${SEND_TIMEOUT_MS}
    budget: [{ posts: ${BUDGET.posts}, windowMs: ${BUDGET.windowMs} }]
    minSpacingMs: 100
    appKey: "\${X_APP_KEY}"
    appSecret: "\${X_APP_SECRET}"
    accessToken: "\${X_ACCESS_TOKEN}"
    accessSecret: "\${X_ACCESS_SECRET}"
routes:
  - { feed: news, to: [x-main] }
`);
    const daemon = startDaemon(config, X_ENV);
    const listRows = async (): Promise<Array<{ state: string; title: string; remoteId: string | null; reason: string | null }>> => {
      const r = await runCli(["--config", config, "deliveries", "--json", "--limit", "1000"]);
      return r.code === 0 ? JSON.parse(r.stdout) : [];
    };
    await waitFor(async () => (await listRows()).length === 40, 20_000, "the first poll to seed the feed");
    // The articles arrive five at a time, each batch once crier has read the feed since the last:
    // several polls, each with news, while sends and faults are under way.
    const fetches = (): number => feeds.hits.filter((h) => h.path === "/news.xml").length;
    for (let n = 1; n <= ARTICLES; n++) {
      items = [...newsItems(1, { start: 40 + n }), ...items].slice(0, 60);
      feeds.setFeed("/news.xml", buildRss(items));
      if (n % 5 !== 0 || n === ARTICLES) continue;
      const read = fetches();
      await waitFor(() => fetches() > read, 20_000, "crier to read the feed");
    }
    const settledAt = { t: 0 };
    try {
      await waitFor(
        async () => {
          const live = (await listRows()).filter((d) => d.state !== "skipped");
          const done = live.length === ARTICLES && live.every((d) => d.state === "sent" || d.state === "uncertain");
          if (done) settledAt.t = Date.now();
          return done;
        },
        60_000,
        "every article sent or uncertain",
      ).catch(async (err: Error) => {
        const r = await runCli(["--config", config, "deliveries", "--limit", "1000"]);
        const d = await runCli(["--config", config, "destinations"]);
        throw new Error(`${err.message}\n${r.stdout.slice(0, 4000)}\n${d.stdout}\n--- crier stderr ---\n${daemon.stderr().slice(-3000)}`);
      });
    } finally {
      daemon.child.kill("SIGTERM");
      expect(await daemon.exited).toBe(0);
    }

    const live = (await listRows()).filter((d) => d.state !== "skipped");
    const texts = x.tweets.map((t) => t.text);
    // 0 duplicates, always.
    expect(new Set(texts).size).toBe(texts.length);
    for (const row of live) {
      const text = texts.find((t) => t.startsWith(row.title.slice(0, 20)));
      const met = [...faults.entries()].find(([t]) => t.startsWith(row.title.slice(0, 20)))?.[1] ?? [];
      if (met.some((k) => AMBIGUOUS.includes(k))) {
        // The first ambiguous fault ends the row uncertain; it is never retried blindly.
        expect(row.state, `${row.title}: ${met.join(",")}`).toBe("uncertain");
        const accepted = met.find((k) => AMBIGUOUS.includes(k)) === "destroy-after" || met.find((k) => AMBIGUOUS.includes(k)) === "hang-after";
        expect(text !== undefined, `${row.title} on the platform`).toBe(accepted);
      } else {
        // Only clean faults (429) or none: delivered exactly once.
        expect(row.state, `${row.title}: ${met.join(",")}`).toBe("sent");
        expect(text).toBeDefined();
        expect(x.tweets.find((t) => t.text === text)?.id).toBe(row.remoteId);
      }
    }
    // The platform's resets were kept.
    expect(resetViolations).toEqual([]);
    // The budget held in every window, and the spacing between sends: on the server's clock, with
    // the transport's jitter; on crier's send log (the times it decided to send), exactly.
    const db = new Database(path.join(dir, "data/crier.db"), { readonly: true });
    const sendLog = (db.prepare("SELECT sent_at FROM send_log WHERE destination_id = 'x-main' ORDER BY sent_at").pluck().all() as number[]);
    db.close();
    expect(sendLog.length).toBeGreaterThanOrEqual(ARTICLES);
    for (const [times, slack] of [[arrivals, JITTER_MS], [sendLog, 0]] as const) {
      for (const t of times) {
        const inWindow = times.filter((u) => u >= t && u < t + BUDGET.windowMs - slack).length;
        expect(inWindow).toBeLessThanOrEqual(BUDGET.posts);
      }
      for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(100 - slack);
    }
    const all = [...faults.values()].flat();
    console.log(
      `fault injection (X, seed ${SEED}): ${ARTICLES} articles, ${arrivals.length} requests, ${all.length} faults ` +
        `(${AMBIGUOUS.map((k) => `${k} ${all.filter((f) => f === k).length}`).join(", ")}, 429 ${all.filter((f) => f === "429").length}), ` +
        `${texts.length} posts, 0 duplicates, ${live.filter((d) => d.state === "sent").length} sent, ${live.filter((d) => d.state === "uncertain").length} uncertain`,
    );
  }, scaled(90_000));

  it("drains the queue soon after the platform recovers from an outage (connections refused)", async () => {
    // The first post after the outage is answered slowly, as a loaded machine answers: a send that
    // outlasts the destination's timeoutMs is rightly held uncertain (X takes no idempotency key), so
    // the destination keeps the default timeout and the queue drains whatever the machine's load.
    let recovered = false;
    let slowed = false;
    const lb = await startXLoopback({
      consumer: CONSUMER,
      users: [ALICE],
      onRequest: (req): FaultAction | undefined => {
        if (!recovered || slowed || req.method !== "POST" || req.path !== "/2/tweets") return undefined;
        slowed = true;
        return { kind: "delay", ms: 1500 };
      },
    });
    const proxy = await startTcpProxy(lb.url);
    let items = newsItems(40);
    feeds.setFeed("/outage.xml", buildRss(items));
    const { config } = writeConfig(`
storage: { path: data/crier.db }
logLevel: warn
delivery: { retryBaseMs: 50, retryMaxMs: 400, maxAttempts: 100, intervalSchedule: "* * * * * *" }
feeds:
  - { id: outage, url: "${feeds.url}/outage.xml", schedule: "* * * * * *" }
destinations:
  - { id: x-main, platform: x, apiBase: "${proxy.url}",
      appKey: "\${X_APP_KEY}", appSecret: "\${X_APP_SECRET}", accessToken: "\${X_ACCESS_TOKEN}", accessSecret: "\${X_ACCESS_SECRET}" }
routes:
  - { feed: outage, to: [x-main] }
`);
    const daemon = startDaemon(config, X_ENV);
    const rows = () => runCliJson<Array<{ state: string; attempts: number; reason: string | null }>>(["--config", config, "deliveries", "--json", "--limit", "1000"]);
    try {
      await waitFor(async () => (await rows()).length === 40, 20_000, "the feed to be seeded");
      await proxy.down();
      items = [...newsItems(10, { start: 41 }), ...items];
      feeds.setFeed("/outage.xml", buildRss(items));
      await waitFor(async () => (await rows()).filter((r) => r.state === "failed").length === 10, 20_000, "the articles to fail while the platform is down");
      // The outage lasts until every article has been retried (and failed) at least once more.
      await waitFor(async () => (await rows()).filter((r) => r.state === "failed" && r.attempts >= 2).length === 10, 20_000, "a retry of every article while the platform is down");
      recovered = true;
      await proxy.up();
      const recoveredAt = Date.now();
      await waitFor(async () => {
        const now = await rows();
        // An uncertain row never drains: say why at once instead of waiting out the deadline.
        const held = now.find((r) => r.state === "uncertain");
        if (held) throw new Error(`a post was held uncertain after the recovery: ${held.reason ?? "?"}`);
        return now.filter((r) => r.state === "sent").length === 10;
      }, 30_000, "the queue to drain");
      const drainMs = Date.now() - recoveredAt;
      expect(slowed).toBe(true);
      expect(lb.tweets).toHaveLength(10);
      expect(new Set(lb.tweets.map((t) => t.text)).size).toBe(10);
      console.log(`outage recovery (X): 10 queued articles drained ${drainMs} ms after the platform came back (retryMaxMs 400, delivery pass every 1 s)`);
    } finally {
      daemon.child.kill("SIGTERM");
      await daemon.exited;
      await proxy.close();
      await lb.close();
    }
  }, scaled(90_000));
});
