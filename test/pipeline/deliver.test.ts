/** The deliver stage with a scripted platform: rejection streaks pause a destination, one bad item never blocks the queue. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import pino from "pino";
import type { FeedItem } from "../../src/core/index.js";
import { destinationCommonSchema, deliverySchema } from "../../src/config/schema.js";
import { SqliteStore } from "../../src/store/sqlite/index.js";
import { DATABASE_LEASE } from "../../src/store/leases.js";
import { deliverDue } from "../../src/delivery/deliver.js";
import { Connections } from "../../src/delivery/connections.js";
import { DestinationStates } from "../../src/delivery/destination-states.js";
import { identify, planPoll } from "../../src/intake/select-new.js";
import { scriptedAdapter, type Answer } from "../support/scripted-adapter.js";

const item = (n: number): FeedItem => ({
  feedId: "f", guid: String(n), link: `https://e.org/${n}`, title: `Item ${n}`, summary: "", author: null,
  categories: [], imageUrl: null, publishedAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
});

async function setup(script: Answer[], count: number, maxConsecutiveRejections: number) {
  const store = new SqliteStore(":memory:");
  const now = Date.UTC(2026, 0, 2);
  const items = identify(Array.from({ length: count }, (_, i) => item(i + 1)), null);
  await store.feeds.applyPlan(planPoll({ feedId: "f", now, items, known: { keys: new Set(), links: new Map() }, hasHistory: false, routes: ["d"], seededRoutes: new Set(), backlog: count, acceptMode: null, fetchMeta: null, complete: true }));
  const accepted: number[] = [];
  const adapter = scriptedAdapter(script, accepted);
  const common = destinationCommonSchema().parse({ id: "d", platform: "scripted", maxConsecutiveRejections });
  const logger = pino({ level: "silent" });
  const destinations = [{ id: "d", platform: "scripted", adapter, common, cfg: {}, pausedReason: null }];
  const states = await DestinationStates.load(store.destinations, destinations);
  const connections = new Connections(logger, ".", mkdtempSync(path.join(tmpdir(), "crier-deliver-")));
  await store.leases.acquire(DATABASE_LEASE, "test", { host: "test", pid: 1, startedAt: 0, command: "test", takesRequests: false, pidNamespace: null, bootId: null, startTicks: null }, 600_000);
  const deliver = () =>
    deliverDue({ store: store.deliveries, claim: { name: DATABASE_LEASE, owner: "test" }, destinations, states, connections, policy: deliverySchema().parse({}), logger, alert: async () => undefined, now: () => now, stopping: () => false, scrub: (t) => t });
  return { store, states, deliver, accepted };
}

describe("deliver", () => {
  it("moves past a rejected item: one bad post never blocks the queue", async () => {
    const { deliver, store } = await setup(["rejected", "ok", "ok"], 3, 5);
    const out = await deliver();
    expect(out.map((o) => o.state)).toEqual(["rejected", "sent", "sent"]);
    expect((await store.deliveries.listDeliveries({ state: "rejected" }))[0]?.reason).toBe("rejected");
  });

  it("pauses the destination after N rejections in a row, and a success resets the count", async () => {
    const { deliver, store, states } = await setup(["rejected", "rejected", "ok", "rejected", "rejected", "rejected", "ok"], 7, 3);
    const out = await deliver();
    expect(out.map((o) => o.state)).toEqual(["rejected", "rejected", "sent", "rejected", "rejected", "rejected"]);
    expect(states.get("d").pausedReason).toMatch(/^3 posts in a row were rejected/);
    expect(states.get("d").pausedUntil).toBeNull();
    expect((await store.destinations.getDestinationStates())[0]).toMatchObject({ destinationId: "d", pausedUntil: null, consecutiveRejections: 3 });
    expect(await deliver()).toEqual([]); // paused: the seventh waits for the operator
  });

  it("an attempt refused before a byte left (an outage) leaves no entry in the send log; one the platform may have seen does", async () => {
    const { deliver, store } = await setup(["unreachable", "refused", "ok"], 3, 5);
    const out = await deliver();
    expect(out.map((o) => o.state)).toEqual(["failed", "failed", "sent"]);
    // Only the platform's own refusal and the post count against its rate windows.
    expect(await store.deliveries.sendTimes("d", 0)).toHaveLength(2);
    const rows = await store.deliveries.listDeliveries({});
    expect(rows.map((r) => r.attempts)).toEqual([1, 1, 1]); // the attempts themselves stay recorded
  });
});
