/**
 * The deliver stage when this process loses the store's lease in the middle of a send (it stalled
 * longer than the lease and another process took the store over and recovered the row): whatever
 * the platform answers then, the row and the destination's state are the new holder's, and this
 * process writes neither.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import pino from "pino";
import type { FeedItem } from "../../src/core/index.js";
import { destinationCommonSchema, deliverySchema } from "../../src/config/schema.js";
import { SqliteStore } from "../../src/store/sqlite/index.js";
import { DATABASE_LEASE, type LeaseOwnerInfo } from "../../src/store/leases.js";
import { deliverDue } from "../../src/delivery/deliver.js";
import { Connections } from "../../src/delivery/connections.js";
import { DestinationStates } from "../../src/delivery/destination-states.js";
import { identify, planPoll } from "../../src/intake/select-new.js";
import { scriptedAdapter, type Answer } from "../support/scripted-adapter.js";

const item: FeedItem = {
  feedId: "f", guid: "1", link: "https://e.org/1", title: "Item 1", summary: "", author: null,
  categories: [], imageUrl: null, publishedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
};
const info = (pid: number): LeaseOwnerInfo => ({ host: "test", pid, startedAt: 0, command: "crier run", takesRequests: true, pidNamespace: null, bootId: null, startTicks: null });

describe("deliver after the lease was lost mid-send", () => {
  it.each<[Answer, string]>([
    ["ok", "posted"],
    ["rejected", "rejected"],
  ])("the platform answers %s: the row stays as the new holder recovered it, the destination's state is not written", async (answer) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "crier-deliver-lease-")), "crier.db");
    const mine = new SqliteStore(file);
    const theirs = new SqliteStore(file); // the process that takes the store over
    try {
      const now = Date.UTC(2026, 0, 2);
      const items = identify([item], null);
      await mine.feeds.applyPlan(planPoll({ feedId: "f", now, items, known: { keys: new Set(), links: new Map() }, hasHistory: false, routes: ["d"], seededRoutes: new Set(), backlog: 1, acceptMode: null, fetchMeta: null, complete: true }));
      await mine.leases.acquire(DATABASE_LEASE, "A", info(1), 600_000);

      const scripted = scriptedAdapter([answer], []);
      // While the post is in flight, B takes the store over (A is known gone) and recovers the row.
      const adapter: typeof scripted = {
        ...scripted,
        async connect(cfg, deps) {
          const conn = await scripted.connect(cfg, deps);
          return {
            ...conn,
            async send(payload, ctx) {
              const got = await theirs.leases.acquire(DATABASE_LEASE, "B", info(2), 600_000, { replacing: "A" });
              if (!got.ok) throw new Error("B did not take the lease");
              expect(await theirs.deliveries.recoverInterrupted(now, [])).toEqual({ uncertain: 1, requeued: 0, resumed: 0 });
              return conn.send(payload, ctx);
            },
          };
        },
      };
      const common = destinationCommonSchema().parse({ id: "d", platform: "scripted", maxConsecutiveRejections: 1 });
      const logger = pino({ level: "silent" });
      const destinations = [{ id: "d", platform: "scripted", adapter, common, cfg: {}, pausedReason: null }];
      const states = await DestinationStates.load(mine.destinations, destinations);
      const connections = new Connections(logger, ".", path.dirname(file));
      const alerts: string[] = [];
      const out = await deliverDue({
        store: mine.deliveries, claim: { name: DATABASE_LEASE, owner: "A" }, destinations, states, connections,
        policy: deliverySchema().parse({}), logger, alert: async (a) => void alerts.push(a.title), now: () => now, stopping: () => false, scrub: (t) => t,
      });

      expect(out.map((o) => [o.state, o.reason])).toEqual([["uncertain", answer === "ok" ? "posted after this process lost the store" : "failed after this process lost the store"]]);
      const [row] = await theirs.deliveries.listDeliveries({});
      expect(row).toMatchObject({ state: "uncertain", reason: "the process stopped during the send: the post may or may not have been published" });
      // No rejection streak or pause written by the process that no longer holds the store, no alert raised by it.
      expect(await theirs.destinations.getDestinationStates()).toEqual([]);
      expect(alerts).toEqual([]);
      await connections.closeAll();
    } finally {
      await mine.close();
      await theirs.close();
    }
  });
});
