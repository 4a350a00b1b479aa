import { describe, expect, it } from "vitest";
import { attentionNotes } from "./attention.js";
import type { DestinationStatus } from "../services/operations.js";

const destination = (over: Partial<DestinationStatus>): DestinationStatus => ({
  id: "tg", platform: "telegram", paused: null, pausedUntil: null, needsOperator: false, pausedByConfig: false, consecutiveRejections: 0, deliveries: {}, ...over,
});
const outcome = { feedId: "news", destinationId: "tg", title: "T" };

describe("attentionNotes", () => {
  it("nothing: a clean poll, a rate-limited delivery, a rate-limit pause", () => {
    expect(
      attentionNotes({
        feeds: [{ feedId: "news", status: "parsed" }, { feedId: "quiet", status: "not-modified" }, { feedId: "slow", status: "fresh", error: "the server asked…" }],
        deliveries: [{ ...outcome, deliveryId: 1, state: "sent" }, { ...outcome, deliveryId: 2, state: "failed", errorKind: "rate-limited", reason: "flood control" }],
        destinations: [destination({ paused: "rate limited until …", pausedUntil: Date.now() + 60_000, deliveries: { failed: 1 } })],
        warnings: [],
      }),
    ).toEqual([]);
  });

  it("each thing that needs the operator, with what to do", () => {
    expect(
      attentionNotes({
        feeds: [{ feedId: "a", status: "error", error: "HTTP 500" }, { feedId: "b", status: "held", error: "8 new" }, { feedId: "c", status: "backoff", error: "demoted to a slow probe; …" }],
        deliveries: [
          { ...outcome, deliveryId: 3, state: "failed", errorKind: "transient", reason: "connection refused" },
          { ...outcome, deliveryId: 4, state: "rejected", reason: "too long" },
          { ...outcome, deliveryId: 5, state: "uncertain", reason: "timeout" },
        ],
        destinations: [
          destination({ id: "x", paused: "environment variable X_TOKEN is not set", needsOperator: true, pausedByConfig: true, deliveries: { pending: 1 } }),
          destination({ id: "tg", paused: "credentials refused: 401", needsOperator: true, deliveries: { pending: 2, failed: 1, sent: 9 } }),
        ],
        warnings: ["feed d has no route"],
      }),
    ).toEqual([
      "feed a failed: HTTP 500",
      "feed b is held: 8 new",
      "feed c is not polled for now: demoted to a slow probe; …",
      "delivery #3 (news -> tg) failed: connection refused",
      "delivery #4 (news -> tg) was rejected by the platform: too long",
      "delivery #5 (news -> tg) may or may not have been published: check the channel, then crier resolve 5 --sent (or --drop), or crier retry 5",
      "destination x is paused: environment variable X_TOKEN is not set; 1 delivery waiting (fix the environment or the config, then run again)",
      "destination tg is paused: credentials refused: 401; 3 deliveries waiting (fix the cause, then crier resume tg)",
      "config: feed d has no route",
    ]);
  });
});
