/** The deliver stage with a scripted platform: rejection streaks pause a destination, one bad item never blocks the queue. */
import { describe, expect, it } from "vitest";
import pino from "pino";
import type { FeedItem } from "../../src/core/index.js";
import { destinationCommonSchema, deliverySchema } from "../../src/config/schema.js";
import { SqliteStore } from "../../src/store/sqlite.js";
import { deliverDue, DestinationRuntime } from "../../src/delivery/deliver.js";
import { Alerter } from "../../src/delivery/alerts.js";
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
  await store.applyPlan(planPoll({ feedId: "f", now, items, known: { keys: new Set(), links: new Map() }, hasHistory: false, routes: ["d"], seededRoutes: new Set(), backlog: count, acceptMode: null, fetchMeta: null, complete: true }));
  const accepted: number[] = [];
  const adapter = scriptedAdapter(script, accepted);
  const common = destinationCommonSchema.parse({ id: "d", platform: "scripted", maxConsecutiveRejections });
  const logger = pino({ level: "silent" });
  const session = { load: async () => null, save: async () => undefined, clear: async () => undefined };
  const runtime = new DestinationRuntime({ id: "d", platform: "scripted", adapter, common, cfg: {}, pausedReason: null }, logger, ".", session);
  const deliver = () =>
    deliverDue({ store, runtimes: [runtime], policy: deliverySchema.parse({}), logger, alerter: new Alerter(null, store, [runtime], logger, () => now), now: () => now, stopping: () => false, scrub: (t) => t });
  return { store, runtime, deliver, accepted };
}

describe("deliver", () => {
  it("moves past a rejected item: one bad post never blocks the queue", async () => {
    const { deliver, store } = await setup(["rejected", "ok", "ok"], 3, 5);
    const out = await deliver();
    expect(out.map((o) => o.state)).toEqual(["rejected", "sent", "sent"]);
    expect((await store.listDeliveries({ state: "rejected" }))[0]?.reason).toBe("rejected");
  });

  it("pauses the destination after N rejections in a row, and a success resets the count", async () => {
    const { deliver, store, runtime } = await setup(["rejected", "rejected", "ok", "rejected", "rejected", "rejected", "ok"], 7, 3);
    const out = await deliver();
    expect(out.map((o) => o.state)).toEqual(["rejected", "rejected", "sent", "rejected", "rejected", "rejected"]);
    expect(runtime.pausedReason).toMatch(/^3 posts in a row were rejected/);
    expect(runtime.pausedUntil).toBeNull();
    expect((await store.getDestinationStates())[0]).toMatchObject({ destinationId: "d", pausedUntil: null, consecutiveRejections: 3 });
    expect(await deliver()).toEqual([]); // paused: the seventh waits for the operator
  });
});
