import { describe, expect, it, vi } from "vitest";
import pino from "pino";
import { Scheduler, type ScheduledWork } from "./index.js";
import { waitFor } from "../../test/support/timing.js";

const NEVER = "0 0 1 1 *"; // once a year: no scheduled pass can happen during a test
const plan = { feeds: [], spread: 0, maxSpreadMs: 0, deliverySchedule: NEVER, retentionSchedule: NEVER, credentialSchedule: NEVER };

/** Delivery work whose passes each hold the next row back `holds[i]` ms (null: nothing held). */
function heldRows(holds: Array<number | null>) {
  const passes: number[] = [];
  const work: ScheduledWork = {
    pollFeeds: async () => undefined,
    deliverPass: async () => (passes.push(Date.now()), false),
    nextDeliveryIn: async () => holds[passes.length - 1] ?? null,
    maintain: async () => undefined,
    watchCredentials: async () => undefined,
  };
  return { work, passes };
}

describe("the scheduler's delivery wake", () => {
  it("runs a pass when a held row comes due, not at the next delivery schedule", async () => {
    const { work, passes } = heldRows([40, 40, null]);
    const scheduler = new Scheduler(plan, work, pino({ level: "silent" }), new AbortController().signal);
    try {
      await scheduler.kickDelivery();
      await waitFor(() => passes.length === 3, 5_000, "the held rows' passes");
      expect((passes[1] ?? 0) - (passes[0] ?? 0)).toBeGreaterThanOrEqual(39);
      expect((passes[2] ?? 0) - (passes[1] ?? 0)).toBeGreaterThanOrEqual(39);
    } finally {
      await scheduler.halt();
    }
  });

  it("arms no wake once halted: a stopped service runs no further pass", async () => {
    vi.useFakeTimers();
    try {
      const { work, passes } = heldRows([30, 30]);
      const scheduler = new Scheduler(plan, work, pino({ level: "silent" }), new AbortController().signal);
      await scheduler.kickDelivery();
      expect(vi.getTimerCount()).toBe(1); // the wake for the held row
      await scheduler.halt();
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(passes).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
