/**
 * What needs the operator after a command: the reasons behind exit code 3, one line each, with
 * what to do. A wait that ends by itself (a platform's rate limit, a server's Retry-After) is not
 * among them. Pure.
 */
import type { FeedPollReport } from "../intake/poll-feed.js";
import type { DeliveryOutcome } from "../services/delivery.js";
import type { DestinationStatus } from "../services/operations.js";
import type { DeliveryErrorKind } from "../core/delivery-error.js";
import { plural } from "./format.js";

export interface AttentionInput {
  feeds: readonly FeedPollReport[];
  /** This run's outcomes, with the error kind of each failed one. */
  deliveries: ReadonlyArray<DeliveryOutcome & { errorKind?: DeliveryErrorKind | null }>;
  destinations: readonly DestinationStatus[];
  /** The config's own warnings (nothing to poll, feeds without a route). */
  warnings: readonly string[];
}

/** One line per thing that needs the operator; empty when nothing does. */
export function attentionNotes(input: AttentionInput): string[] {
  const notes: string[] = [];
  for (const f of input.feeds) {
    if (f.status === "error") notes.push(`feed ${f.feedId} failed: ${f.error}`);
    else if (f.status === "held") notes.push(`feed ${f.feedId} is held: ${f.error}`);
    else if (f.status === "backoff") notes.push(`feed ${f.feedId} is not polled for now: ${f.error}`);
  }
  for (const d of input.deliveries) {
    const what = `delivery #${d.deliveryId} (${d.feedId} -> ${d.destinationId})`;
    if (d.state === "failed" && d.errorKind !== "rate-limited") notes.push(`${what} failed: ${d.reason ?? "no reason recorded"}`);
    else if (d.state === "rejected") notes.push(`${what} was rejected by the platform: ${d.reason ?? "no reason given"}`);
    else if (d.state === "uncertain") {
      notes.push(`${what} may or may not have been published: check the channel, then crier resolve ${d.deliveryId} --sent (or --drop), or crier retry ${d.deliveryId}`);
    }
  }
  for (const d of input.destinations) {
    if (!d.needsOperator) continue;
    const waiting = (d.deliveries.pending ?? 0) + (d.deliveries.failed ?? 0);
    const queue = waiting ? `; ${plural(waiting, "delivery", "deliveries")} waiting` : "";
    const fix = d.pausedByConfig ? "fix the environment or the config, then run again" : `fix the cause, then crier resume ${d.id}`;
    notes.push(`destination ${d.id} is paused: ${d.paused}${queue} (${fix})`);
  }
  notes.push(...input.warnings.map((w) => `config: ${w}`));
  return notes;
}
