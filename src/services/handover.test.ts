/**
 * Request rows between a short command and the process holding the store: the holder takes them
 * and runs the same Operations method, the command gets the same result or the same refusal; a
 * request the holder does not take in time is withdrawn and never runs.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { adapters } from "../../adapters/index.js";
import { startFeedServer, type FeedServer } from "../../test/support/feed-server.js";
import { buildRss, newsItems } from "../../test/support/rss.js";
import { SqliteStore } from "../store/sqlite/index.js";
import { DATABASE_LEASE, type Lease } from "../store/leases.js";
import { openCrier, type Crier } from "./open.js";
import { handOver, serveOne, type HandOverTimes } from "./handover.js";
import { LeaseHeldError } from "./ownership.js";
import { UsageError } from "./errors.js";

let feeds: FeedServer;
beforeAll(async () => {
  feeds = await startFeedServer();
  feeds.setFeed("/news.xml", buildRss(newsItems(2)));
});
afterAll(async () => {
  await feeds.close();
});

const FAST: HandOverTimes = { takeWithinMs: 5_000, answerWithinMs: 5_000, pollMs: 20 };

/** A holder (an opened Crier on a fresh config) and a second connection to its store, as a short command has. */
async function setup(): Promise<{ holder: Crier; cli: SqliteStore; lease: Lease }> {
  const dir = mkdtempSync(path.join(tmpdir(), "crier-handover-"));
  const configPath = path.join(dir, "crier.yaml");
  writeFileSync(configPath, [
    "storage: { path: data/crier.db }", "images: { enabled: false }",
    "feeds:", `  - { id: news, url: "${feeds.url}/news.xml", backlog: 1 }`,
    "destinations:", "  - { id: out, platform: console, output: stderr, file: posts.jsonl }",
    "routes:", "  - { feed: news, to: [out] }", "",
  ].join("\n"));
  const holder = await openCrier({ configPath, env: {}, adapters, mode: "write", command: "crier run", takesRequests: true, logDestination: pino.destination({ dest: "/dev/null", sync: true }) });
  await holder.operations.pollOnce();
  const cli = new SqliteStore(path.join(dir, "data/crier.db"));
  const lease = await cli.leases.holder(DATABASE_LEASE);
  if (!lease) throw new Error("the holder has no lease");
  return { holder, cli, lease };
}

/** The holder's side as `crier run` runs it: look for requests every 20 ms. */
function serve(holder: Crier): () => void {
  const owner = holder.ownership?.claim.owner ?? "";
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void serveOne(holder.store.requests, holder.operations, owner, Date.now).finally(() => (busy = false));
  }, 20);
  return () => clearInterval(timer);
}

describe("operator requests handed to the holder", () => {
  it("runs the same operation in the holder: the same result, and the same refusal as when run here", async () => {
    const { holder, cli, lease } = await setup();
    const stop = serve(holder);
    try {
      expect(lease.info).toMatchObject({ command: "crier run", takesRequests: true, pid: process.pid });
      const handed = await handOver(cli, lease, "resumeFeed", { feedId: "news" }, FAST);
      expect(handed).toEqual({ ran: true, result: await holder.operations.resumeFeed({ feedId: "news" }) });

      const [sent] = await holder.operations.listDeliveries({ limit: 1, state: "sent" }).then((r) => r.rows);
      if (!sent) throw new Error("nothing was sent");
      const here = await holder.operations.retry({ id: sent.id }).then(() => null, (err: unknown) => err);
      expect(here).toBeInstanceOf(UsageError);
      const there = await handOver(cli, lease, "retry", { id: sent.id }, FAST).then(() => null, (err: unknown) => err);
      expect(there).toBeInstanceOf(UsageError);
      expect((there as Error).message).toBe((here as Error).message);
      expect((there as Error).message).toMatch(/^delivery #\d+ is sent: only a failed, uncertain, rejected or deleted delivery can be queued again$/);
      // Each request row is forgotten once its outcome was read.
      expect(cli.conn.db.prepare("SELECT COUNT(*) AS n FROM operator_requests").get()).toEqual({ n: 0 });
    } finally {
      stop();
      await cli.close();
      await holder.close();
    }
  });

  it("a request the holder does not take in time is withdrawn: refused (LeaseHeldError), and it never runs", async () => {
    const { holder, cli, lease } = await setup();
    try {
      const refused = await handOver(cli, lease, "acceptFeed", { feedId: "news", post: true }, { ...FAST, takeWithinMs: 200 }).then(() => null, (err: unknown) => err);
      expect(refused).toBeInstanceOf(LeaseHeldError);
      expect((refused as Error).message).toMatch(/^`crier run` \(pid \d+ on host .+\) holds the delivery log but did not take the request within 0\.2 s: it was withdrawn, nothing was done/);
      expect(await serveOne(holder.store.requests, holder.operations, holder.ownership?.claim.owner ?? "", Date.now)).toBeNull();
    } finally {
      await cli.close();
      await holder.close();
    }
  });

  it("when the holder lets the store go before taking it, the request is withdrawn and the command may take the store itself", async () => {
    const { holder, cli, lease } = await setup();
    try {
      const waiting = handOver(cli, lease, "resumeFeed", { feedId: "news" }, FAST);
      await holder.close(); // releases the lease, takes nothing
      expect(await waiting).toEqual({ ran: false });
      expect(cli.conn.db.prepare("SELECT COUNT(*) AS n FROM operator_requests").get()).toEqual({ n: 0 });
    } finally {
      await cli.close();
    }
  });
});
