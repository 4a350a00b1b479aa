/**
 * Property: whatever the platform answers and wherever the process dies, the delivery state
 * machine never leaves a final state by itself and never has a post accepted twice.
 * Runs the real deliver stage and SQLite store (in memory) with a scripted platform.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import pino from "pino";
import type { FeedItem } from "../../src/core/index.js";
import { scriptedAdapter, type Answer } from "../support/scripted-adapter.js";
import { destinationCommonSchema, deliverySchema } from "../../src/config/schema.js";
import { SqliteStore } from "../../src/store/sqlite/index.js";
import { DATABASE_LEASE, type LeaseClaim } from "../../src/store/leases.js";
import { deliverDue } from "../../src/delivery/deliver.js";
import { Connections } from "../../src/delivery/connections.js";
import { DestinationStates } from "../../src/delivery/destination-states.js";
import { identify, planPoll } from "../../src/intake/select-new.js";
import { FINAL_STATES, type DeliveryState } from "../../src/store/deliveries.js";

const item = (n: number): FeedItem => ({
  feedId: "f", guid: String(n), link: `https://e.org/${n}`, title: `Item ${n}`, summary: "", author: null,
  categories: [], imageUrl: null, publishedAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
});

describe("delivery state machine (property)", () => {
  it("never leaves a final state by itself and never has a post accepted twice", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Answer>("ok", "refused", "lost", "rejected", "rate-limited", "duplicate"), { minLength: 1, maxLength: 12 }),
        fc.array(fc.oneof(fc.constant<"deliver">("deliver"), fc.constant<"crash">("crash")), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 6 }),
        async (script, steps, count) => {
          const store = new SqliteStore(":memory:");
          let now = Date.UTC(2026, 0, 2);
          const items = identify(Array.from({ length: count }, (_, i) => item(i + 1)), null);
          await store.feeds.applyPlan({ ...planPoll({ feedId: "f", now, items, known: { keys: new Set(), links: new Map() }, hasHistory: false, routes: ["d"], seededRoutes: new Set(), backlog: count, acceptMode: null, fetchMeta: null, complete: true }) });
          const accepted: number[] = [];
          const adapter = scriptedAdapter(script, accepted);
          const common = destinationCommonSchema().parse({ id: "d", platform: "scripted", maxConsecutiveRejections: 1000 });
          const logger = pino({ level: "silent" });
          const destinations = [{ id: "d", platform: "scripted", adapter, common, cfg: {}, pausedReason: null }];
          const states = await DestinationStates.load(store.destinations, destinations);
          const connections = new Connections(logger, ".", ".");
          const policy = deliverySchema().parse({ retryBaseMs: 10, retryMaxMs: 40, maxAttempts: 5 });
          // Each process life holds the store's lease under an owner of its own.
          let life = 0;
          let claim: LeaseClaim = { name: DATABASE_LEASE, owner: "life-0" };
          const owner = { host: "test", pid: 1, startedAt: 0, command: "test", takesRequests: false, pidNamespace: null, bootId: null, startTicks: null };
          await store.leases.acquire(DATABASE_LEASE, claim.owner, owner, 600_000);
          const finalSeen = new Map<number, DeliveryState>();
          const check = async () => {
            for (const row of await store.deliveries.listDeliveries({})) {
              const final = finalSeen.get(row.id);
              if (final) expect(row.state, `row ${row.id} left ${final}`).toBe(final);
              if ((FINAL_STATES as readonly string[]).includes(row.state)) finalSeen.set(row.id, row.state);
            }
          };
          for (const step of steps) {
            now += 100;
            if (step === "crash") {
              // The process dies mid-send: a due row is left `sending`; the platform may have taken it.
              const due = await store.deliveries.dueDeliveries(now, 1, ["d"]);
              const row = due[0];
              if (row && (await store.deliveries.transition(row.record.id, ["pending", "failed"], { to: "sending", claim }, now))) {
                if (Math.random() < 0.5) accepted.push(row.record.id);
              }
              // The next process takes the store over (the dead one's lease is gone) and recovers.
              await store.leases.release(DATABASE_LEASE, claim.owner);
              claim = { name: DATABASE_LEASE, owner: `life-${++life}` };
              await store.leases.acquire(DATABASE_LEASE, claim.owner, owner, 600_000);
              await store.deliveries.recoverInterrupted(now, []);
            } else {
              // Whatever paused the destination (a rate limit, refused credentials) is lifted for the next step.
              await states.set({ ...states.get("d"), pausedReason: null, pausedUntil: null }, now);
              await deliverDue({ store: store.deliveries, claim, destinations, states, connections, policy, logger, alert: async () => undefined, now: () => now, stopping: () => false, scrub: (t) => t });
            }
            await check();
          }
          expect(new Set(accepted).size).toBe(accepted.length);
          await store.close();
        },
      ),
      { numRuns: 150 },
    );
  });
});
